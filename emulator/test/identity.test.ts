/**
 * The identity platform part, driven by real msal-node over HTTPS (trust through NODE_EXTRA_CA_CERTS):
 * every grant, MSAL's cache, and the AADSTS errors a user can run into.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { ConfidentialClientApplication, PublicClientApplication, type Configuration } from '@azure/msal-node';
import * as selfsigned from 'selfsigned';
import type { Emulator } from '../src';
import { ALICE, BOB, DOMAIN, form, PASSWORD, request, SECRET, startTenant, TENANT } from './helpers';

let emu: Emulator;
let cert: { privateKey: string; certPem: string; sha256: string; sha1: string };
let otherKey: string;

beforeAll(async () => {
  emu = await startTenant();
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'graph-mail-client' }], { keySize: 2048, algorithm: 'sha256' });
  const x509 = new crypto.X509Certificate(pems.cert);
  cert = { privateKey: pems.private, certPem: pems.cert, sha256: x509.fingerprint256.replace(/:/g, ''), sha1: x509.fingerprint.replace(/:/g, '') };
  otherKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  emu.addApp(TENANT, { clientId: 'app-cert', certificates: [{ certPem: cert.certPem }], applicationPermissions: ['Mail.Send'] });
  emu.addApp(TENANT, { clientId: 'app-expired', secrets: [{ id: 'old-id', value: 'old-value', expired: true }] });
  emu.addApp(TENANT, { clientId: 'app-unconsented', secrets: [SECRET], applicationPermissions: ['Mail.Send'], consented: false });
  emu.addApp(TENANT, { clientId: 'app-public', publicClient: true, delegatedScopes: ['User.Read'] });
  emu.addUser(TENANT, { upn: `mfa@${DOMAIN}`, password: PASSWORD, mfaRequired: true });
  emu.addUser(TENANT, { upn: `blocked@${DOMAIN}`, password: PASSWORD, conditionalAccessBlocked: true });
});
afterAll(() => emu.stop());
beforeEach(() => emu.resetStats());

function msal(auth: Partial<Configuration['auth']>, tenant = TENANT): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: { clientId: 'app-all', authority: `${emu.url}/${tenant}`, knownAuthorities: [`127.0.0.1:${emu.port}`], ...auth },
  });
}

const appScope = () => [`${emu.url}/.default`];

function claims(token: string): any {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

async function aadError(p: Promise<unknown>): Promise<{ errorCode: string; errorMessage: string }> {
  try {
    await p;
  } catch (e: any) {
    return e;
  }
  throw new Error('expected the token request to fail');
}

describe('TLS', () => {
  test('the certificate is trusted through NODE_EXTRA_CA_CERTS, not per request', async () => {
    expect(fs.realpathSync(process.env.NODE_EXTRA_CA_CERTS!)).toBe(fs.realpathSync(emu.certPath));
    const x509 = new crypto.X509Certificate(emu.certPem);
    expect(x509.ca).toBe(true);
    expect(x509.subjectAltName).toContain('IP Address:127.0.0.1');
    const r = await fetch(`${emu.url}/${TENANT}/v2.0/.well-known/openid-configuration`);
    expect(r.status).toBe(200);
  });
});

describe('discovery', () => {
  test('the OpenID configuration names the tenant endpoints, for the tenant id or domain', async () => {
    const byDomain = await request(`${emu.url}/${DOMAIN}/v2.0/.well-known/openid-configuration`);
    expect(byDomain.status).toBe(200);
    expect(byDomain.json.token_endpoint).toBe(`${emu.url}/${TENANT}/oauth2/v2.0/token`);
    expect(byDomain.json.issuer).toBe(`${emu.url}/${TENANT}/v2.0`);
    const keys = await request(byDomain.json.jwks_uri);
    expect(keys.json.keys[0].kty).toBe('RSA');
  });

  test('an unknown tenant answers AADSTS90002 with status 400', async () => {
    const r = await request(`${emu.url}/no-such-tenant/v2.0/.well-known/openid-configuration`);
    expect(r.status).toBe(400);
    expect(r.json.error_codes).toEqual([90002]);
    expect(r.json.error_description).toMatch(/^AADSTS90002: Tenant 'no-such-tenant' not found\./);
  });
});

describe('client credentials', () => {
  test('with a secret: MSAL caches the token, the token carries the app roles', async () => {
    const app = msal({ clientSecret: SECRET.value });
    const first = await app.acquireTokenByClientCredential({ scopes: appScope() });
    const second = await app.acquireTokenByClientCredential({ scopes: appScope() });
    expect(second!.accessToken).toBe(first!.accessToken);
    expect(emu.stats().tokenRequests).toBe(1);
    expect(emu.stats().tokenRequestsByClient).toEqual({ 'app-all': 1 });
    const c = claims(first!.accessToken);
    expect(c).toMatchObject({ tid: TENANT, appid: 'app-all', idtyp: 'app', roles: ['Mail.Send', 'Mail.ReadWrite', 'User.Read.All'] });
    expect(c.exp - c.iat).toBe(3600);
  });

  test('with a certificate (x5t#S256, PS256)', async () => {
    const app = msal({ clientId: 'app-cert', clientCertificate: { thumbprintSha256: cert.sha256, privateKey: cert.privateKey } });
    const result = await app.acquireTokenByClientCredential({ scopes: appScope() });
    expect(claims(result!.accessToken).roles).toEqual(['Mail.Send']);
  });

  test('with a certificate (legacy SHA-1 x5t, RS256)', async () => {
    const app = msal({ clientId: 'app-cert', clientCertificate: { thumbprint: cert.sha1, privateKey: cert.privateKey } });
    expect((await app.acquireTokenByClientCredential({ scopes: appScope() }))!.accessToken).toBeTruthy();
  });

  test('with authorityMetadata passed, MSAL asks only the token endpoint', async () => {
    const metadata = (await request(`${emu.url}/${TENANT}/v2.0/.well-known/openid-configuration`)).json;
    emu.resetStats();
    const app = new ConfidentialClientApplication({
      auth: {
        clientId: 'app-all',
        clientSecret: SECRET.value,
        authority: `${emu.url}/${TENANT}`,
        knownAuthorities: [`127.0.0.1:${emu.port}`],
        authorityMetadata: JSON.stringify(metadata),
      },
    });
    await app.acquireTokenByClientCredential({ scopes: appScope() });
    expect(emu.stats().log.map((l) => l.path)).toEqual([`/${TENANT}/oauth2/v2.0/token`]);
  });

  test('the tenant may be given by domain', async () => {
    const result = await msal({ clientSecret: SECRET.value }, DOMAIN).acquireTokenByClientCredential({ scopes: appScope() });
    expect(claims(result!.accessToken).tid).toBe(TENANT);
  });

  test('a wrong secret, or the secret ID sent as the value: AADSTS7000215', async () => {
    for (const secret of ['wrong', SECRET.id]) {
      const e = await aadError(msal({ clientSecret: secret }).acquireTokenByClientCredential({ scopes: appScope() }));
      expect(e.errorCode).toBe('invalid_client');
      expect(e.errorMessage).toContain('AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID');
    }
  });

  test('the raw error body is shaped like Entra ID', async () => {
    const r = await form(`${emu.url}/${TENANT}/oauth2/v2.0/token`, { grant_type: 'client_credentials', client_id: 'app-all', client_secret: 'nope', scope: `${emu.url}/.default` });
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    expect(r.json.error_description).toMatch(/\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    expect(r.json).toHaveProperty('trace_id');
    expect(r.json).toHaveProperty('correlation_id');
    expect(r.json).toHaveProperty('timestamp');
  });

  test.each([
    ['an expired secret', { clientId: 'app-expired', clientSecret: 'old-value' }, 'AADSTS7000222'],
    ['an unknown client id', { clientId: 'no-such-app', clientSecret: 'x' }, 'AADSTS700016'],
    ['no admin consent', { clientId: 'app-unconsented', clientSecret: SECRET.value }, 'AADSTS65001'],
  ])('%s', async (_name, auth, code) => {
    const e = await aadError(msal(auth).acquireTokenByClientCredential({ scopes: appScope() }));
    expect(e.errorMessage).toContain(code);
  });

  test('an unknown tenant: MSAL fails discovery (the document answers AADSTS90002), the token endpoint says 90002', async () => {
    const e = await aadError(msal({ clientSecret: SECRET.value }, 'unknown-tenant').acquireTokenByClientCredential({ scopes: appScope() }));
    expect(e.errorCode).toBe('endpoints_resolution_error');
    const r = await form(`${emu.url}/unknown-tenant/oauth2/v2.0/token`, { grant_type: 'client_credentials', client_id: 'app-all', client_secret: SECRET.value, scope: `${emu.url}/.default` });
    expect(r.status).toBe(400);
    expect(r.json.error_codes).toEqual([90002]);
  });

  test('an assertion signed with another key: AADSTS700027', async () => {
    const app = msal({ clientId: 'app-cert', clientCertificate: { thumbprintSha256: cert.sha256, privateKey: otherKey } });
    const e = await aadError(app.acquireTokenByClientCredential({ scopes: appScope() }));
    expect(e.errorMessage).toContain('AADSTS700027: Client assertion failed signature validation.');
  });

  test('an assertion naming an unregistered certificate: AADSTS700027', async () => {
    const app = msal({ clientId: 'app-cert', clientCertificate: { thumbprintSha256: 'AB'.repeat(32), privateKey: cert.privateKey } });
    const e = await aadError(app.acquireTokenByClientCredential({ scopes: appScope() }));
    expect(e.errorMessage).toContain('AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application.');
  });

  test('a dropped token connection: MSAL sees a network_error, and the request counts as a token request', async () => {
    const app = msal({ clientSecret: SECRET.value });
    emu.inject({ match: { path: '/oauth2/v2.0/token' }, kind: 'drop-before', times: 2 });
    for (let i = 0; i < 2; i++) {
      const e = await aadError(app.acquireTokenByClientCredential({ scopes: appScope(), skipCache: true }));
      expect(e.errorCode).toBe('network_error');
    }
    expect((await app.acquireTokenByClientCredential({ scopes: appScope(), skipCache: true }))!.accessToken).toBeTruthy();
    expect(emu.stats().tokenRequests).toBe(3);
    expect(emu.stats().tokenRequestsByClient).toEqual({ 'app-all': 3 });
    expect(emu.stats().faultsFired).toBe(2);
  });

  test('a scope without /.default: AADSTS1002012', async () => {
    const r = await form(`${emu.url}/${TENANT}/oauth2/v2.0/token`, { grant_type: 'client_credentials', client_id: 'app-all', client_secret: SECRET.value, scope: 'Mail.Send' });
    expect(r.status).toBe(400);
    expect(r.json.error).toBe('invalid_scope');
  });
});

describe('username and password (ROPC)', () => {
  test('MSAL signs in a user; the token is delegated', async () => {
    const result = await msal({ clientId: 'app-user', clientSecret: SECRET.value }).acquireTokenByUsernamePassword({ scopes: ['Mail.Send'], username: ALICE, password: PASSWORD });
    expect(result!.account!.username).toBe(ALICE);
    expect(result!.account!.tenantId).toBe(TENANT);
    expect(claims(result!.accessToken)).toMatchObject({ idtyp: 'user', scp: 'Mail.Send', upn: ALICE });
  });

  test.each([
    ['a wrong password', ALICE, 'wrong', 'AADSTS50126'],
    ['a user who must use MFA', `mfa@${DOMAIN}`, PASSWORD, 'AADSTS50076'],
    ['a user blocked by Conditional Access', `blocked@${DOMAIN}`, PASSWORD, 'AADSTS53003'],
    ['an unknown user', `nobody@${DOMAIN}`, PASSWORD, 'AADSTS50034'],
  ])('%s', async (_name, username, password, code) => {
    const e = await aadError(msal({ clientId: 'app-user', clientSecret: SECRET.value }).acquireTokenByUsernamePassword({ scopes: ['Mail.Send'], username, password }));
    expect(e.errorCode).toBe('invalid_grant');
    expect(e.errorMessage).toContain(code);
  });

  test('through the organizations authority the tenant comes from the user name; MSAL then serves from its cache', async () => {
    const app = msal({ clientId: 'app-user', clientSecret: SECRET.value }, 'organizations');
    const result = await app.acquireTokenByUsernamePassword({ scopes: ['Mail.Send'], username: ALICE, password: PASSWORD });
    expect(result!.account!.tenantId).toBe(TENANT);
    emu.resetStats();
    const silent = await app.acquireTokenSilent({ account: result!.account!, scopes: ['Mail.Send'] });
    expect(silent.accessToken).toBe(result!.accessToken);
    expect(emu.stats().tokenRequests).toBe(0);
  });

  test('a public client (no secret) signs in when the app allows public client flows', async () => {
    const app = new PublicClientApplication({ auth: { clientId: 'app-public', authority: `${emu.url}/${TENANT}`, knownAuthorities: [`127.0.0.1:${emu.port}`] } });
    const result = await app.acquireTokenByUsernamePassword({ scopes: ['User.Read'], username: ALICE, password: PASSWORD });
    expect(claims(result!.accessToken)).toMatchObject({ idtyp: 'user', appid: 'app-public', upn: ALICE });
  });

  test('no secret for an app without public client flows: AADSTS7000218 (invalid_client), as Entra', async () => {
    const app = new PublicClientApplication({ auth: { clientId: 'app-user', authority: `${emu.url}/${TENANT}`, knownAuthorities: [`127.0.0.1:${emu.port}`] } });
    const e = await aadError(app.acquireTokenByUsernamePassword({ scopes: ['User.Read'], username: ALICE, password: PASSWORD }));
    expect(e.errorCode).toBe('invalid_client');
    expect(e.errorMessage).toContain("AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  });

  test('a secret sent for a public client app: AADSTS700025', async () => {
    const e = await aadError(msal({ clientId: 'app-public', clientSecret: 'any' }).acquireTokenByUsernamePassword({ scopes: ['User.Read'], username: ALICE, password: PASSWORD }));
    expect(e.errorMessage).toContain("AADSTS700025: Client is public so neither 'client_assertion' nor 'client_secret' should be presented.");
  });

  test('a scope the app was not granted: AADSTS65001', async () => {
    const e = await aadError(msal({ clientId: 'app-user', clientSecret: SECRET.value }).acquireTokenByUsernamePassword({ scopes: ['Mail.Send.Shared'], username: ALICE, password: PASSWORD }));
    expect(e.errorMessage).toContain('AADSTS65001');
  });
});

describe('authorization code and refresh token', () => {
  const redirectUri = 'https://app.example/callback';

  async function signIn(authUrl: string, username = BOB, password = PASSWORD) {
    const page = await request(authUrl);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<form method="post">');
    const u = new URL(authUrl);
    const fields = Object.fromEntries(u.searchParams);
    return form(`${u.origin}${u.pathname}`, { ...fields, username, password });
  }

  test('sign in at the page, redeem the code with MSAL, refresh silently', async () => {
    const app = msal({ clientId: 'app-user', clientSecret: SECRET.value });
    const authUrl = await app.getAuthCodeUrl({ scopes: ['Mail.Send', 'User.Read'], redirectUri, state: 'xyz', loginHint: BOB });
    const back = await signIn(authUrl);
    expect(back.status).toBe(302);
    const location = new URL(back.headers.location as string);
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(location.searchParams.get('state')).toBe('xyz');

    const result = await app.acquireTokenByCode({ code: location.searchParams.get('code')!, scopes: ['Mail.Send', 'User.Read'], redirectUri });
    expect(result.account!.username).toBe(BOB);
    expect(claims(result.accessToken).scp).toBe('Mail.Send User.Read');

    emu.resetStats();
    const refreshed = await app.acquireTokenSilent({ account: result.account!, scopes: ['Mail.Send'], forceRefresh: true });
    expect(refreshed.accessToken).not.toBe(result.accessToken);
    expect(emu.stats().tokenRequests).toBe(1);

    // A code is good once.
    const again = await aadError(app.acquireTokenByCode({ code: location.searchParams.get('code')!, scopes: ['Mail.Send'], redirectUri }));
    expect(again.errorMessage).toContain('AADSTS54005');

    emu.revokeRefreshTokens();
    const revoked = await aadError(app.acquireTokenSilent({ account: result.account!, scopes: ['Mail.Send'], forceRefresh: true }));
    expect(revoked.errorMessage).toContain('AADSTS50173');
  });

  test('PKCE and nonce are honoured', async () => {
    const verifier = crypto.randomBytes(32).toString('base64url');
    const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
    const app = msal({ clientId: 'app-user', clientSecret: SECRET.value });
    const authUrl = await app.getAuthCodeUrl({ scopes: ['User.Read'], redirectUri, codeChallenge: challenge, codeChallengeMethod: 'S256', nonce: 'n-123' });
    const code = new URL((await signIn(authUrl)).headers.location as string).searchParams.get('code')!;
    const bad = await aadError(app.acquireTokenByCode({ code, scopes: ['User.Read'], redirectUri, codeVerifier: 'wrong' }));
    expect(bad.errorMessage).toContain('AADSTS50148');
    const code2 = new URL((await signIn(authUrl)).headers.location as string).searchParams.get('code')!;
    const ok = await app.acquireTokenByCode({ code: code2, scopes: ['User.Read'], redirectUri, codeVerifier: verifier, nonce: 'n-123' }, { code: code2 });
    expect(ok.idTokenClaims).toMatchObject({ nonce: 'n-123', preferred_username: BOB });
  });

  test('a wrong password shows the form again; a foreign redirect URI is refused', async () => {
    const app = msal({ clientId: 'app-user', clientSecret: SECRET.value });
    const retry = await signIn(await app.getAuthCodeUrl({ scopes: ['User.Read'], redirectUri }), BOB, 'wrong');
    expect(retry.status).toBe(200);
    expect(retry.text).toContain('AADSTS50126');
    const foreign = await request(await app.getAuthCodeUrl({ scopes: ['User.Read'], redirectUri: 'https://evil.example/cb' }));
    expect(foreign.status).toBe(400);
    expect(foreign.text).toContain('AADSTS50011');
  });

  test('an MFA user can sign in interactively (the page stands in for MFA)', async () => {
    const app = msal({ clientId: 'app-user', clientSecret: SECRET.value });
    const back = await signIn(await app.getAuthCodeUrl({ scopes: ['User.Read'], redirectUri }), `mfa@${DOMAIN}`);
    expect(new URL(back.headers.location as string).searchParams.get('code')).toBeTruthy();
  });

  test('a public client redeems a code without a secret', async () => {
    emu.addApp(TENANT, { clientId: 'app-public-2', publicClient: true, delegatedScopes: ['User.Read'], redirectUris: [redirectUri] });
    const authUrl = `${emu.url}/${TENANT}/oauth2/v2.0/authorize?` + new URLSearchParams({ client_id: 'app-public-2', response_type: 'code', redirect_uri: redirectUri, scope: 'User.Read offline_access openid' });
    const code = new URL((await signIn(authUrl, ALICE)).headers.location as string).searchParams.get('code')!;
    const r = await form(`${emu.url}/${TENANT}/oauth2/v2.0/token`, { grant_type: 'authorization_code', client_id: 'app-public-2', code, redirect_uri: redirectUri, scope: 'User.Read offline_access openid' });
    expect(r.status).toBe(200);
    expect(r.json).toHaveProperty('refresh_token');
    expect(r.json).toHaveProperty('id_token');
  });
});
