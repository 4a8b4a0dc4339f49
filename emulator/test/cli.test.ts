/** The CLI (`start --demo`) as a separate process, driven only through HTTPS and the admin API. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { form, request } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..');
let child: ChildProcess;
let url: string;

const admin = (method: string, p: string, body?: unknown) =>
  request(`${url}/_emulator/${p}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

beforeAll(async () => {
  child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'emulator/src/cli.ts'), 'start', '--demo'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  const started = JSON.parse(line);
  url = started.url;
  expect(started.certPath).toMatch(/ca\.pem$/);
});

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
});

test('the demo tenant signs in, sends, and is inspectable through the admin API', async () => {
  const t = await form(`${url}/contoso/oauth2/v2.0/token`, { grant_type: 'client_credentials', client_id: 'demo-app', client_secret: 'demo-secret', scope: `${url}/.default` });
  expect(t.status).toBe(200);
  const auth = { authorization: `Bearer ${t.json.access_token}`, 'content-type': 'application/json' };
  const inbox = await request(`${url}/v1.0/users/alice@contoso.onmicrosoft.com/mailFolders/inbox/messages?$select=subject`, { headers: auth });
  expect(inbox.json.value.length).toBeGreaterThanOrEqual(3);

  await admin('POST', 'faults', { match: { pathRegex: 'sendMail$' }, kind: 'status', status: 503, retryAfterSeconds: 1 });
  const body = JSON.stringify({ message: { subject: 'From the CLI test', toRecipients: [{ emailAddress: { address: 'bob@contoso.onmicrosoft.com' } }] } });
  const sendUrl = `${url}/v1.0/users/alice@contoso.onmicrosoft.com/sendMail`;
  expect((await request(sendUrl, { method: 'POST', headers: auth, body })).status).toBe(503);
  expect((await request(sendUrl, { method: 'POST', headers: auth, body })).status).toBe(202);

  const bob = await admin('GET', 'mailboxes/bob@contoso.onmicrosoft.com/messages?folder=inbox');
  expect(bob.json.map((m: any) => m.subject)).toContain('From the CLI test');
  const stats = (await admin('GET', 'stats')).json;
  expect(stats).toMatchObject({ tokenRequests: 1, graphRequests: 3, faultsFired: 1 });

  const seeded = await admin('POST', 'mailboxes/bob@contoso.onmicrosoft.com/messages', { folder: 'inbox', subject: 'Seeded', attachments: [{ name: 'a.txt', contentBytes: Buffer.from('hi').toString('base64') }] });
  expect(seeded.status).toBe(201);
  expect(seeded.json.hasAttachments).toBe(true);
  const seededStored = (await admin('GET', 'mailboxes/bob@contoso.onmicrosoft.com/messages?folder=inbox')).json.find((m: any) => m.subject === 'Seeded');
  expect(seededStored.attachments[0].contentBytes).toBe(Buffer.from('hi').toString('base64'));

  await admin('POST', 'expire-tokens');
  expect((await request(`${url}/v1.0/users/alice@contoso.onmicrosoft.com`, { headers: auth })).status).toBe(401);
  expect((await admin('POST', 'setup', { users: [{ tenantId: 'contoso', upn: 'carol@contoso.onmicrosoft.com', password: 'x' }] })).status).toBe(200);
  expect((await admin('GET', 'nope')).status).toBe(404);
});
