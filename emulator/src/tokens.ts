/**
 * Tokens the emulator issues: RS256 JWTs signed with the emulator's key (published at jwks_uri),
 * plus opaque authorization codes and refresh tokens. Every access token is registered by its `uti`
 * so that expireTokens() can end them all at once and tokens of an earlier run are refused.
 */
import * as crypto from 'node:crypto';
import { base64url } from './http';
import type { App } from './directory';
import type { User } from './types';

export interface AccessClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  tid: string;
  appid: string;
  app_displayname: string;
  idtyp: 'app' | 'user';
  oid: string;
  sub: string;
  uti: string;
  ver: '1.0';
  roles?: string[];
  scp?: string;
  upn?: string;
  unique_name?: string;
  name?: string;
}

export interface AuthCode {
  clientId: string;
  tenantId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  expiresAt: number;
  redeemed: boolean;
}

export interface RefreshGrant {
  clientId: string;
  tenantId: string;
  userId: string;
  revoked: boolean;
}

export class TokenService {
  readonly kid: string;
  private certDer: string;
  private accessTokens = new Map<string, number>(); // uti -> expiry (ms)
  private codes = new Map<string, AuthCode>();
  private refreshTokens = new Map<string, RefreshGrant>();

  constructor(
    private keyPem: string,
    certPem: string,
    public lifetimeSeconds: number,
  ) {
    const raw = new crypto.X509Certificate(certPem).raw;
    this.kid = crypto.createHash('sha1').update(raw).digest('base64url');
    this.certDer = raw.toString('base64');
  }

  /** The signing key as a JWK, for jwks_uri. */
  publicJwk(): object {
    const jwk = crypto.createPublicKey(this.keyPem).export({ format: 'jwk' });
    return { kty: 'RSA', use: 'sig', kid: this.kid, x5t: this.kid, n: jwk.n, e: jwk.e, x5c: [this.certDer], alg: 'RS256' };
  }

  sign(payload: object): string {
    const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid: this.kid, x5t: this.kid }));
    const body = base64url(JSON.stringify(payload));
    const sig = crypto.sign('sha256', Buffer.from(`${header}.${body}`), this.keyPem).toString('base64url');
    return `${header}.${body}.${sig}`;
  }

  issueAccessToken(claims: Omit<AccessClaims, 'iat' | 'nbf' | 'exp' | 'uti' | 'ver'>): string {
    const now = Math.floor(Date.now() / 1000);
    const uti = crypto.randomBytes(16).toString('base64url');
    const exp = now + this.lifetimeSeconds;
    this.accessTokens.set(uti, exp * 1000);
    return this.sign({ ...claims, iat: now, nbf: now, exp, uti, ver: '1.0' });
  }

  /** The claims of a live access token, or why it is refused (Graph's 401 message). */
  verifyAccessToken(token: string): { claims: AccessClaims } | { error: string } {
    const parts = token.split('.');
    if (parts.length !== 3) return { error: 'IDX14100: JWT is not well formed, there are no dots (.).' };
    let claims: AccessClaims;
    try {
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch {
      return { error: 'IDX14102: Unable to decode the payload as Base64Url encoded string.' };
    }
    const signed = crypto.verify(
      'sha256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      this.keyPem,
      Buffer.from(parts[2], 'base64url'),
    );
    const expiry = this.accessTokens.get(claims.uti);
    if (!signed || expiry === undefined) return { error: 'Access token validation failure. Invalid signature.' };
    if (expiry <= Date.now()) return { error: 'Lifetime validation failed, the token is expired.' };
    return { claims };
  }

  expireAll(): void {
    for (const uti of this.accessTokens.keys()) this.accessTokens.set(uti, 0);
  }

  issueCode(code: Omit<AuthCode, 'expiresAt' | 'redeemed'>): string {
    const value = '1.' + crypto.randomBytes(48).toString('base64url');
    this.codes.set(value, { ...code, expiresAt: Date.now() + 10 * 60 * 1000, redeemed: false });
    return value;
  }

  findCode(value: string): AuthCode | undefined {
    return this.codes.get(value);
  }

  issueRefreshToken(grant: Omit<RefreshGrant, 'revoked'>): string {
    const value = '0.' + crypto.randomBytes(64).toString('base64url');
    this.refreshTokens.set(value, { ...grant, revoked: false });
    return value;
  }

  findRefreshToken(value: string): RefreshGrant | undefined {
    return this.refreshTokens.get(value);
  }

  revokeRefreshTokens(): void {
    for (const g of this.refreshTokens.values()) g.revoked = true;
  }

  /** An id_token as Entra ID v2 issues it: msal-node builds its account from it and client_info. */
  issueIdToken(issuer: string, app: App, user: User, nonce?: string): string {
    const now = Math.floor(Date.now() / 1000);
    return this.sign({
      aud: app.clientId,
      iss: issuer,
      iat: now,
      nbf: now,
      exp: now + 3600,
      name: user.displayName,
      nonce,
      oid: user.id,
      preferred_username: user.userPrincipalName,
      sub: crypto.createHash('sha256').update(`${user.id}|${app.clientId}`).digest('base64url').slice(0, 43),
      tid: user.tenantId,
      uti: crypto.randomBytes(16).toString('base64url'),
      ver: '2.0',
    });
  }
}

/** client_info as Entra ID returns it when asked with client_info=1. */
export function clientInfo(user: User): string {
  return base64url(JSON.stringify({ uid: user.id, utid: user.tenantId }));
}

export function decodeJwtPart(part: string): any {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}
