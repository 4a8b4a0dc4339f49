/**
 * The Microsoft identity platform part: OIDC discovery, JWKS, the v2.0 token endpoint (client
 * credentials with secret or certificate, ROPC, authorization code, refresh token) and a tiny
 * interactive sign-in page for the authorization code flow. Errors are shaped like Entra ID's.
 */
import * as crypto from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Directory, OIDC_SCOPES, type App, type Tenant } from './directory';
import { clientInfo, decodeJwtPart, TokenService } from './tokens';
import type { GraphResponse } from './http';
import type { User } from './types';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Authorities that are not a tenant: the user's tenant comes from the user name, code or refresh token. */
const MULTI_TENANT = ['common', 'organizations'];

export interface IdentityRequest {
  method: string;
  /** Path segments, e.g. ['contoso', 'oauth2', 'v2.0', 'token']. */
  segments: string[];
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** An AADSTS error as Entra ID answers it on the token endpoint. */
class AadError extends Error {
  constructor(
    public status: number,
    public error: string,
    public code: number,
    message: string,
    public extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const aad = {
  tenantNotFound: (tenant: string) =>
    new AadError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`),
  missingParameter: (name: string) =>
    new AadError(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`),
  appNotFound: (clientId: string, tenant: Tenant) =>
    new AadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant.domain}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`),
  noConsent: (app: App) =>
    new AadError(400, 'invalid_grant', 65001, `The user or administrator has not consented to use the application with ID '${app.clientId}' named '${app.displayName}'. Send an interactive authorization request for this user and resource.`, { suberror: 'consent_required' }),
  badSecret: (app: App) =>
    new AadError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`),
  expiredSecret: (app: App) =>
    new AadError(401, 'invalid_client', 7000222, `The provided client secret keys for app '${app.clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`),
  noCredential: () =>
    new AadError(401, 'invalid_client', 7000218, `The request body must contain the following parameter: 'client_assertion' or 'client_secret'.`),
  publicWithCredential: () =>
    new AadError(401, 'invalid_client', 700025, `Client is public so neither 'client_assertion' nor 'client_secret' should be presented.`),
  unknownCertificate: (app: App, thumbprint: string) =>
    new AadError(401, 'invalid_client', 700027, `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.clientId}'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/${app.clientId}']`),
  badAssertionSignature: () => new AadError(401, 'invalid_client', 700027, 'Client assertion failed signature validation.'),
  badAssertion: (why: string) => new AadError(401, 'invalid_client', 50027, `JWT token is invalid or malformed. ${why}`),
  assertionExpired: () => new AadError(401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.'),
  badScope: (scope: string) =>
    new AadError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`),
  unknownUser: (tenant: Tenant) =>
    new AadError(400, 'invalid_grant', 50034, `The user account {EUII Hidden} does not exist in the ${tenant.id} directory. To sign into this application, the account must be added to the directory.`),
  badPassword: () => new AadError(400, 'invalid_grant', 50126, 'Error validating credentials due to invalid username or password.'),
  mfaRequired: () =>
    new AadError(400, 'invalid_grant', 50076, `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.`, { suberror: 'basic_action' }),
  blocked: () =>
    new AadError(400, 'invalid_grant', 53003, 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.', { suberror: 'message_only' }),
  malformedGrant: () => new AadError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.'),
  codeRedeemed: () =>
    new AadError(400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.'),
  codeExpired: () => new AadError(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.'),
  grantOfOtherClient: (what: string) => new AadError(400, 'invalid_grant', 70000, `The provided value for the '${what}' is not valid. It was issued to a different client or tenant.`),
  redirectMismatch: (uri: string, app: App) =>
    new AadError(400, 'invalid_request', 50011, `The redirect URI '${uri}' specified in the request does not match the redirect URIs configured for the application '${app.clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`),
  pkceMismatch: () => new AadError(400, 'invalid_grant', 50148, 'The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.'),
  revoked: () =>
    new AadError(400, 'invalid_grant', 50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.'),
  unsupportedGrant: (g: string) => new AadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${g}'.`),
};

/** "2024-05-01 12:00:00Z", as Entra ID writes timestamps in errors. */
function aadTimestamp(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ') + 'Z';
}

interface Scopes {
  /** Resource (audience) the scopes are for: the part before the last '/', or the emulator URL. */
  resource: string;
  /** Scope names without resource prefix (OIDC scopes excluded). */
  names: string[];
  isDefault: boolean;
  oidc: string[];
}

function parseScopes(scope: string, fallbackResource: string): Scopes {
  const result: Scopes = { resource: fallbackResource, names: [], isDefault: false, oidc: [] };
  for (const s of scope.split(/\s+/).filter(Boolean)) {
    if (OIDC_SCOPES.includes(s.toLowerCase())) {
      result.oidc.push(s.toLowerCase());
      continue;
    }
    const slash = s.lastIndexOf('/');
    const name = slash >= 0 ? s.slice(slash + 1) : s;
    if (slash > 0) result.resource = s.slice(0, slash);
    if (name === '.default') result.isDefault = true;
    else result.names.push(name);
  }
  return result;
}

export class Identity {
  constructor(
    private directory: Directory,
    private tokens: TokenService,
    private url: () => string,
  ) {}

  /** Answers /{tenant}/... requests; undefined when the path is not an identity path. */
  async handle(req: IdentityRequest): Promise<GraphResponse | undefined> {
    const [tenantSeg, ...rest] = req.segments;
    const sub = rest.join('/');
    const correlationId = (req.headers['client-request-id'] as string) || crypto.randomUUID();
    try {
      if (req.method === 'GET' && sub === 'v2.0/.well-known/openid-configuration') return this.discovery(tenantSeg);
      if (req.method === 'GET' && sub === 'discovery/v2.0/keys') return this.jwks(tenantSeg);
      if (sub === 'oauth2/v2.0/token') {
        if (req.method !== 'POST') return { status: 405, json: { error: 'invalid_request' } };
        return this.token(tenantSeg, new URLSearchParams(req.body.toString('utf8')), req.headers);
      }
      if (sub === 'oauth2/v2.0/authorize') return this.authorize(req, tenantSeg);
      if (sub === 'oauth2/v2.0/logout') return html(200, '<h1>You signed out of your account</h1>');
      return undefined;
    } catch (e) {
      if (e instanceof AadError) return this.aadErrorResponse(e, correlationId);
      throw e;
    }
  }

  private aadErrorResponse(e: AadError, correlationId: string): GraphResponse {
    const traceId = crypto.randomUUID();
    const timestamp = aadTimestamp();
    return {
      status: e.status,
      json: {
        error: e.error,
        error_description: `AADSTS${e.code}: ${e.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
        error_codes: [e.code],
        timestamp,
        trace_id: traceId,
        correlation_id: correlationId,
        error_uri: `${this.url()}/error?code=${e.code}`,
        ...e.extra,
      },
    };
  }

  private resolveTenant(seg: string): Tenant | undefined {
    if (MULTI_TENANT.includes(seg.toLowerCase())) return undefined;
    const t = this.directory.findTenant(seg);
    if (!t) throw aad.tenantNotFound(seg);
    return t;
  }

  private discovery(tenantSeg: string): GraphResponse {
    const tenant = this.resolveTenant(tenantSeg);
    const base = this.url();
    const t = tenant ? tenant.id : tenantSeg.toLowerCase();
    return {
      status: 200,
      json: {
        token_endpoint: `${base}/${t}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${base}/${t}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${base}/${tenant ? tenant.id : '{tenantid}'}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${base}/oidc/userinfo`,
        authorization_endpoint: `${base}/${t}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/${t}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/${t}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
        tenant_region_scope: 'EU',
        cloud_instance_name: new URL(base).host,
        cloud_graph_host_name: new URL(base).host,
        msgraph_host: new URL(base).host,
        rbac_url: base,
      },
    };
  }

  private jwks(tenantSeg: string): GraphResponse {
    this.resolveTenant(tenantSeg);
    const jwk = this.tokens.publicJwk();
    return { status: 200, json: { keys: [jwk] } };
  }

  // ---- token endpoint ----

  private token(tenantSeg: string, form: URLSearchParams, headers: IncomingHttpHeaders): GraphResponse {
    const pathTenant = this.resolveTenant(tenantSeg);
    const basic = parseBasicAuth(headers.authorization);
    const grantType = form.get('grant_type');
    if (!grantType) throw aad.missingParameter('grant_type');
    const clientId = form.get('client_id') ?? basic?.id;
    if (!clientId) throw aad.missingParameter('client_id');

    // Multi-tenant authorities: the tenant comes from what identifies the user.
    const tenant = pathTenant ?? this.tenantOfGrant(grantType, form);
    const app = this.directory.findApp(tenant, clientId);
    if (!app) throw aad.appNotFound(clientId, tenant);
    const tokenEndpoint = `${this.url()}/${tenantSeg}/oauth2/v2.0/token`;
    this.authenticateClient(app, tenant, grantType, form, basic?.secret, tokenEndpoint);
    if (!app.consented) throw aad.noConsent(app);

    switch (grantType) {
      case 'client_credentials':
        return this.clientCredentials(app, tenant, form.get('scope'));
      case 'password':
        return this.password(app, tenant, form);
      case 'authorization_code':
        return this.authorizationCode(app, tenant, form);
      case 'refresh_token':
        return this.refreshToken(app, tenant, form);
      default:
        throw aad.unsupportedGrant(grantType);
    }
  }

  private tenantOfGrant(grantType: string, form: URLSearchParams): Tenant {
    let tenantId: string | undefined;
    if (grantType === 'password') tenantId = this.directory.findUserAnywhere(form.get('username') ?? '')?.tenantId;
    if (grantType === 'authorization_code') tenantId = this.tokens.findCode(form.get('code') ?? '')?.tenantId;
    if (grantType === 'refresh_token') tenantId = this.tokens.findRefreshToken(form.get('refresh_token') ?? '')?.tenantId;
    if (!tenantId) {
      if (grantType === 'password') throw new AadError(400, 'invalid_grant', 50034, 'The user account {EUII Hidden} does not exist in the directory.');
      if (grantType === 'client_credentials') throw new AadError(400, 'invalid_request', 90002, "Tenant 'organizations' not found. Client credential flows need a tenant-specific authority.");
      throw aad.malformedGrant();
    }
    return this.directory.tenant(tenantId);
  }

  /** Checks the client secret or client assertion, as a confidential client must present one. */
  private authenticateClient(app: App, tenant: Tenant, grantType: string, form: URLSearchParams, basicSecret: string | undefined, tokenEndpoint: string): void {
    const secret = form.get('client_secret') ?? basicSecret;
    const assertion = form.get('client_assertion');
    if (app.publicClient && grantType !== 'client_credentials') {
      if (secret || assertion) throw aad.publicWithCredential();
      return;
    }
    if (secret) {
      const match = app.secrets.find((s) => s.value === secret);
      if (!match) throw aad.badSecret(app); // includes a secret *id* sent as the value
      if (match.expired) throw aad.expiredSecret(app);
      return;
    }
    if (assertion) {
      if (form.get('client_assertion_type') !== ASSERTION_TYPE) throw aad.badAssertion(`client_assertion_type must be ${ASSERTION_TYPE}.`);
      this.verifyAssertion(app, tenant, assertion, tokenEndpoint);
      return;
    }
    throw aad.noCredential();
  }

  private verifyAssertion(app: App, tenant: Tenant, assertion: string, tokenEndpoint: string): void {
    const parts = assertion.split('.');
    if (parts.length !== 3) throw aad.badAssertion('The assertion is not a JWS.');
    let header: any;
    let payload: any;
    try {
      header = decodeJwtPart(parts[0]);
      payload = decodeJwtPart(parts[1]);
    } catch {
      throw aad.badAssertion('The assertion could not be decoded.');
    }
    const x5tS256 = header['x5t#S256'];
    const x5t = header.x5t;
    const cert = app.certificates.find((c) => (x5tS256 && c.x5tS256 === x5tS256) || (x5t && c.x5t === x5t));
    if (!cert) {
      const given = Buffer.from(String(x5tS256 ?? x5t ?? ''), 'base64url').toString('hex').toUpperCase();
      throw aad.unknownCertificate(app, given);
    }
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
    const signature = Buffer.from(parts[2], 'base64url');
    let valid = false;
    if (header.alg === 'RS256') valid = crypto.verify('sha256', signed, cert.publicKey, signature);
    else if (header.alg === 'PS256')
      valid = crypto.verify('sha256', signed, { key: cert.publicKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_AUTO }, signature);
    if (!valid) throw aad.badAssertionSignature();
    // The audience is the token endpoint, with the tenant as id or domain.
    const audiences = [tokenEndpoint, `${this.url()}/${tenant.id}/oauth2/v2.0/token`, `${this.url()}/${tenant.domain}/oauth2/v2.0/token`].map((a) => a.toLowerCase());
    if (typeof payload.aud !== 'string' || !audiences.includes(payload.aud.toLowerCase()))
      throw aad.badAssertion(`The audience '${payload.aud}' is not the token endpoint.`);
    if (payload.iss !== app.clientId || payload.sub !== app.clientId)
      throw aad.badAssertion('The iss and sub claims must both be the client id.');
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.exp !== 'number' || payload.exp < now - 300 || (typeof payload.nbf === 'number' && payload.nbf > now + 300))
      throw aad.assertionExpired();
  }

  private clientCredentials(app: App, tenant: Tenant, scope: string | null): GraphResponse {
    if (!scope) throw aad.missingParameter('scope');
    const scopes = scope.trim().split(/\s+/);
    if (scopes.length !== 1 || !scopes[0].endsWith('/.default')) throw aad.badScope(scope);
    const resource = scopes[0].slice(0, -'/.default'.length);
    const accessToken = this.tokens.issueAccessToken({
      aud: resource,
      iss: `${this.url()}/${tenant.id}/`,
      tid: tenant.id,
      appid: app.clientId,
      app_displayname: app.displayName,
      idtyp: 'app',
      oid: app.servicePrincipalId,
      sub: app.servicePrincipalId,
      ...(app.applicationPermissions.length ? { roles: [...app.applicationPermissions] } : {}),
    });
    // Like Entra ID, no scope in the answer: MSAL then caches under the requested scope.
    return {
      status: 200,
      json: { token_type: 'Bearer', expires_in: this.tokens.lifetimeSeconds, ext_expires_in: this.tokens.lifetimeSeconds, access_token: accessToken },
    };
  }

  private password(app: App, tenant: Tenant, form: URLSearchParams): GraphResponse {
    const username = form.get('username');
    if (!username) throw aad.missingParameter('username');
    const user = this.directory.findUser(tenant, username);
    if (!user || user.userPrincipalName !== username.toLowerCase()) throw aad.unknownUser(tenant);
    if (!user.password || user.password !== form.get('password')) throw aad.badPassword();
    if (user.conditionalAccessBlocked) throw aad.blocked();
    if (user.mfaRequired) throw aad.mfaRequired(); // ROPC cannot answer an MFA challenge
    return this.userTokens(app, tenant, user, form.get('scope') ?? '', form.get('client_info') === '1');
  }

  private authorizationCode(app: App, tenant: Tenant, form: URLSearchParams): GraphResponse {
    const code = this.tokens.findCode(form.get('code') ?? '');
    if (!code) throw aad.malformedGrant();
    if (code.clientId !== app.clientId || code.tenantId !== tenant.id) throw aad.grantOfOtherClient('code');
    if (code.redeemed) throw aad.codeRedeemed();
    if (code.expiresAt < Date.now()) throw aad.codeExpired();
    if ((form.get('redirect_uri') ?? '') !== code.redirectUri) throw aad.redirectMismatch(form.get('redirect_uri') ?? '', app);
    if (code.codeChallenge) {
      const verifier = form.get('code_verifier') ?? '';
      const expected = code.codeChallengeMethod === 'S256' ? crypto.createHash('sha256').update(verifier).digest('base64url') : verifier;
      if (expected !== code.codeChallenge) throw aad.pkceMismatch();
    }
    code.redeemed = true;
    const user = this.userById(tenant, code.userId);
    return this.userTokens(app, tenant, user, form.get('scope') || code.scopes.join(' '), form.get('client_info') === '1', code.nonce);
  }

  private refreshToken(app: App, tenant: Tenant, form: URLSearchParams): GraphResponse {
    const grant = this.tokens.findRefreshToken(form.get('refresh_token') ?? '');
    if (!grant) throw aad.malformedGrant();
    if (grant.clientId !== app.clientId || grant.tenantId !== tenant.id) throw aad.grantOfOtherClient('refresh_token');
    if (grant.revoked) throw aad.revoked();
    const user = this.userById(tenant, grant.userId);
    if (user.conditionalAccessBlocked) throw aad.blocked();
    return this.userTokens(app, tenant, user, form.get('scope') ?? '', form.get('client_info') === '1');
  }

  private userById(tenant: Tenant, id: string): User {
    const user = this.directory.findUser(tenant, id);
    if (!user) throw aad.unknownUser(tenant);
    return user;
  }

  /** Scopes the app may get for a user: consented delegated scopes; anything else needs consent. */
  private grantedScopes(app: App, scopes: Scopes): string[] {
    if (scopes.isDefault || scopes.names.length === 0) return [...app.delegatedScopes];
    const granted = app.delegatedScopes.map((s) => s.toLowerCase());
    for (const name of scopes.names) if (!granted.includes(name.toLowerCase())) throw aad.noConsent(app);
    return scopes.names;
  }

  private userTokens(app: App, tenant: Tenant, user: User, scope: string, wantClientInfo: boolean, nonce?: string): GraphResponse {
    const scopes = parseScopes(scope, this.url());
    const granted = this.grantedScopes(app, scopes);
    const accessToken = this.tokens.issueAccessToken({
      aud: scopes.resource,
      iss: `${this.url()}/${tenant.id}/`,
      tid: tenant.id,
      appid: app.clientId,
      app_displayname: app.displayName,
      idtyp: 'user',
      oid: user.id,
      sub: user.id,
      scp: granted.join(' '),
      upn: user.userPrincipalName,
      unique_name: user.userPrincipalName,
      name: user.displayName,
    });
    // Echo scopes in the form they were asked for, so MSAL's cache finds them again.
    const prefix = scopes.resource === this.url() && !scope.includes('/') ? '' : `${scopes.resource}/`;
    const body: Record<string, unknown> = {
      token_type: 'Bearer',
      scope: [...granted.map((s) => prefix + s), ...scopes.oidc].join(' '),
      expires_in: this.tokens.lifetimeSeconds,
      ext_expires_in: this.tokens.lifetimeSeconds,
      access_token: accessToken,
    };
    if (scopes.oidc.includes('offline_access'))
      body.refresh_token = this.tokens.issueRefreshToken({ clientId: app.clientId, tenantId: tenant.id, userId: user.id });
    if (scopes.oidc.includes('openid')) body.id_token = this.tokens.issueIdToken(`${this.url()}/${tenant.id}/v2.0`, app, user, nonce);
    if (wantClientInfo) body.client_info = clientInfo(user);
    return { status: 200, json: body };
  }

  // ---- interactive sign-in (authorization code) ----

  private authorize(req: IdentityRequest, tenantSeg: string): GraphResponse {
    const params = req.method === 'POST' ? new URLSearchParams(req.body.toString('utf8')) : req.query;
    let tenant: Tenant | undefined;
    try {
      tenant = this.resolveTenant(tenantSeg);
    } catch (e) {
      return errorPage(e as AadError);
    }
    const clientId = params.get('client_id') ?? '';
    const redirectUri = params.get('redirect_uri') ?? '';
    const username = params.get('username') ?? params.get('login_hint') ?? '';
    const userTenantId = tenant?.id ?? this.directory.findUserAnywhere(username)?.tenantId ?? this.anyTenantWithApp(clientId);
    const userTenant = this.directory.findTenant(userTenantId);
    if (!userTenant) return errorPage(aad.tenantNotFound(tenantSeg));
    const app = this.directory.findApp(userTenant, clientId);
    if (!app) return errorPage(aad.appNotFound(clientId, userTenant));
    if (!redirectUri || (app.redirectUris && !app.redirectUris.includes(redirectUri))) return errorPage(aad.redirectMismatch(redirectUri, app));
    const back = (p: Record<string, string>) => redirect(redirectUri, params.get('response_mode'), { ...p, ...(params.get('state') ? { state: params.get('state')! } : {}) });
    if (params.get('response_type') !== 'code')
      return back({ error: 'unsupported_response_type', error_description: 'AADSTS70005: response_type is not supported.' });

    if (req.method === 'GET') return signInForm(params, username);

    const user = this.directory.findUser(userTenant, username);
    if (!user || !user.password || user.password !== params.get('password'))
      return signInForm(params, username, 'AADSTS50126: Error validating credentials due to invalid username or password.');
    if (user.conditionalAccessBlocked) return back({ error: 'access_denied', error_description: `AADSTS53003: ${aad.blocked().message}` });
    // The interactive page stands in for MFA, so mfaRequired users can sign in here (not with ROPC).
    const scopes = parseScopes(params.get('scope') ?? '', this.url());
    try {
      if (!app.consented) throw aad.noConsent(app);
      this.grantedScopes(app, scopes);
    } catch (e) {
      return back({ error: 'consent_required', error_description: `AADSTS65001: ${(e as AadError).message}` });
    }
    const code = this.tokens.issueCode({
      clientId: app.clientId,
      tenantId: userTenant.id,
      userId: user.id,
      redirectUri,
      scopes: (params.get('scope') ?? '').split(/\s+/).filter(Boolean),
      nonce: params.get('nonce') ?? undefined,
      codeChallenge: params.get('code_challenge') ?? undefined,
      codeChallengeMethod: params.get('code_challenge_method') ?? undefined,
    });
    return back({ code, session_state: crypto.randomUUID(), ...(params.get('client_info') === '1' ? { client_info: clientInfo(user) } : {}) });
  }

  private anyTenantWithApp(clientId: string): string {
    return this.directory.allTenants().find((t) => this.directory.findApp(t, clientId))?.id ?? 'organizations';
  }
}

export function parseBasicAuth(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function html(status: number, body: string): GraphResponse {
  return {
    status,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
    raw: Buffer.from(`<!DOCTYPE html><html><head><title>Sign in to your account</title></head><body>${body}</body></html>`),
  };
}

function errorPage(e: AadError): GraphResponse {
  return html(400, `<h1>Sorry, but we're having trouble signing you in.</h1><p id="error">AADSTS${e.code}: ${escapeHtml(e.message)}</p>`);
}

function signInForm(params: URLSearchParams, username: string, error?: string): GraphResponse {
  const hidden = [...params.entries()]
    .filter(([k]) => k !== 'username' && k !== 'password')
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
  return html(
    200,
    `<h1>Sign in</h1>${error ? `<p id="error">${escapeHtml(error)}</p>` : ''}<form method="post">${hidden}` +
      `<input name="username" type="email" value="${escapeHtml(username)}" placeholder="Email">` +
      `<input name="password" type="password" placeholder="Password"><button type="submit">Sign in</button></form>`,
  );
}

/** Back to the app: a 302 with the parameters in the query, or an auto-posting form for form_post. */
function redirect(redirectUri: string, responseMode: string | null, params: Record<string, string>): GraphResponse {
  if (responseMode === 'form_post') {
    const inputs = Object.entries(params)
      .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
      .join('');
    return html(200, `<form method="post" action="${escapeHtml(redirectUri)}">${inputs}</form><script>document.forms[0].submit()</script>`);
  }
  const target = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
  return { status: 302, headers: { Location: target.toString() }, raw: Buffer.alloc(0) };
}
