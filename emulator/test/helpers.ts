/**
 * Test helpers: a tenant with the usual apps and users, and plain HTTPS calls. Clients trust the
 * emulator only through NODE_EXTRA_CA_CERTS, as a user's n8n would.
 */
import * as https from 'node:https';
import { startEmulator, type Emulator, type EmulatorOptions } from '../src';

export const TENANT = '7f3c2a10-0000-4000-8000-00000000c0de';
export const DOMAIN = 'contoso.onmicrosoft.com';
export const SECRET = { id: 'secret-id-1', value: 'secret~value~1' };
export const PASSWORD = 'P@ssw0rd!';
export const ALICE = `alice@${DOMAIN}`;
export const BOB = `bob@${DOMAIN}`;
export const CAROL = `carol@${DOMAIN}`;

export async function startTenant(options: EmulatorOptions = {}): Promise<Emulator> {
  const emu = await startEmulator(options);
  emu.addTenant({ id: TENANT, domain: DOMAIN });
  emu.addApp(TENANT, { clientId: 'app-all', secrets: [SECRET], applicationPermissions: ['Mail.Send', 'Mail.ReadWrite', 'User.Read.All'] });
  emu.addApp(TENANT, { clientId: 'app-send', secrets: [SECRET], applicationPermissions: ['Mail.Send'] });
  emu.addApp(TENANT, { clientId: 'app-read', secrets: [SECRET], applicationPermissions: ['Mail.Read'] });
  emu.addApp(TENANT, {
    clientId: 'app-user',
    secrets: [SECRET],
    delegatedScopes: ['User.Read', 'Mail.ReadWrite', 'Mail.Send'],
    redirectUris: ['https://app.example/callback'],
  });
  for (const upn of [ALICE, BOB, CAROL]) emu.addUser(TENANT, { upn, password: PASSWORD });
  return emu;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: Buffer;
  json: any;
}

/** One HTTPS request with Node's https module (default CA store + NODE_EXTRA_CA_CERTS). */
export function request(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        let json: any;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

export function form(url: string, fields: Record<string, string>): Promise<Reply> {
  return request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
}

export async function appToken(emu: Emulator, clientId = 'app-all', secret = SECRET.value): Promise<string> {
  const r = await form(`${emu.url}/${TENANT}/oauth2/v2.0/token`, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: `${emu.url}/.default` });
  if (r.status !== 200) throw new Error(`token: ${r.status} ${r.text}`);
  return r.json.access_token;
}

export async function userToken(emu: Emulator, upn: string, scope = 'User.Read Mail.ReadWrite Mail.Send offline_access openid', clientId = 'app-user'): Promise<string> {
  const r = await form(`${emu.url}/${TENANT}/oauth2/v2.0/token`, { grant_type: 'password', client_id: clientId, client_secret: SECRET.value, username: upn, password: PASSWORD, scope });
  if (r.status !== 200) throw new Error(`token: ${r.status} ${r.text}`);
  return r.json.access_token;
}

/** A Graph call: path relative to /v1.0, JSON body. */
export function graph(emu: Emulator, token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const h: Record<string, string> = { authorization: `Bearer ${token}`, ...headers };
  let payload: string | Buffer | undefined;
  if (body !== undefined) {
    payload = Buffer.isBuffer(body) ? body : JSON.stringify(body);
    h['content-type'] ??= 'application/json';
  }
  return request(`${emu.url}/v1.0${path}`, { method, headers: h, body: payload });
}

export const mailbox = (upn: string) => `/users/${encodeURIComponent(upn)}`;

export function mail(to: string[], subject = 'Hello', extra: Record<string, unknown> = {}) {
  return { message: { subject, body: { contentType: 'Text', content: `Body of ${subject}` }, toRecipients: to.map((address) => ({ emailAddress: { address } })), ...extra } };
}
