/** Faults, the mailbox concurrency limit and latency ($batch: batch.test.ts). */
import type { Emulator } from '../src';
import { ALICE, appToken, BOB, CAROL, form, graph, mail, mailbox, request, SECRET, startTenant, TENANT, userToken } from './helpers';

let emu: Emulator;
let token: string;

beforeAll(async () => {
  emu = await startTenant();
  token = await appToken(emu);
});
afterAll(() => emu.stop());
beforeEach(() => {
  emu.clearFaults();
  emu.setLatency(0);
  emu.resetStats();
});

const send = (subject: string) => graph(emu, token, 'POST', `${mailbox(ALICE)}/sendMail`, mail([BOB], subject));
const delivered = (subject: string) => emu.messages(BOB, 'inbox').filter((m) => m.subject === subject).length;

test('status 429 with Retry-After, for the next matching request only, and counted', async () => {
  emu.inject({ match: { method: 'POST', path: '/sendMail' }, kind: 'status', status: 429, retryAfterSeconds: 3 });
  const r = await send('throttled');
  expect(r.status).toBe(429);
  expect(r.headers['retry-after']).toBe('3');
  expect(r.json.error.code).toBe('TooManyRequests');
  expect(delivered('throttled')).toBe(0);
  expect((await send('throttled')).status).toBe(202);
  expect(emu.stats()).toMatchObject({ throttled: 1, faultsFired: 1, graphRequests: 2 });
});

test('times and regex paths; 503/504/500 carry Graph error bodies', async () => {
  emu.inject({ match: { path: /\/messages$/ }, times: 2, kind: 'status', status: 503 });
  expect((await graph(emu, token, 'GET', `${mailbox(ALICE)}/messages`)).json.error.code).toBe('serviceNotAvailable');
  expect((await graph(emu, token, 'GET', `${mailbox(ALICE)}/messages`)).status).toBe(503);
  expect((await graph(emu, token, 'GET', `${mailbox(ALICE)}/messages`)).status).toBe(200);
});

test.each([502, 504])('status %i after acting: the mail is sent, then the gateway error is the answer', async (status) => {
  emu.inject({ match: { method: 'POST', path: '/sendMail' }, kind: 'status', status, afterActing: true });
  const r = await send(`acted ${status}`);
  expect(r.status).toBe(status);
  expect(r.json.error.code).toBe(status === 502 ? 'BadGateway' : 'GatewayTimeout');
  expect(delivered(`acted ${status}`)).toBe(1);
  expect(emu.stats().faultsFired).toBe(1);
});

test('drop-before: the request is never processed', async () => {
  emu.inject({ match: { path: '/sendMail' }, kind: 'drop-before' });
  await expect(send('dropped before')).rejects.toThrow(/socket hang up|ECONNRESET/);
  expect(delivered('dropped before')).toBe(0);
});

test('drop-after: processed (mail delivered), but no answer', async () => {
  emu.inject({ match: { path: '/sendMail' }, kind: 'drop-after' });
  await expect(send('dropped after')).rejects.toThrow(/socket hang up|ECONNRESET/);
  expect(delivered('dropped after')).toBe(1);
});

test('html: a 502 page; garbage: 200 with broken JSON', async () => {
  emu.inject({ kind: 'html' });
  const html = await graph(emu, token, 'GET', `${mailbox(ALICE)}/messages`);
  expect(html.status).toBe(502);
  expect(html.headers['content-type']).toContain('text/html');
  emu.inject({ kind: 'garbage' });
  const garbage = await graph(emu, token, 'GET', `${mailbox(ALICE)}/messages`);
  expect(garbage.status).toBe(200);
  expect(() => JSON.parse(garbage.text)).toThrow();
});

test('latency faults and global latency', async () => {
  emu.inject({ kind: 'latency', ms: 150 });
  let t = Date.now();
  await graph(emu, token, 'GET', `${mailbox(ALICE)}/messages?$top=1`);
  expect(Date.now() - t).toBeGreaterThanOrEqual(140);
  emu.setLatency(100);
  t = Date.now();
  await graph(emu, token, 'GET', `${mailbox(ALICE)}/messages?$top=1`);
  expect(Date.now() - t).toBeGreaterThanOrEqual(90);
});

test('the token endpoint can fail too, and every token request is counted', async () => {
  emu.inject({ match: { path: `/${TENANT}/oauth2/v2.0/token` }, kind: 'status', status: 503, retryAfterSeconds: 1 });
  const fields = { grant_type: 'client_credentials', client_id: 'app-all', client_secret: SECRET.value, scope: `${emu.url}/.default` };
  const failed = await form(`${emu.url}/${TENANT}/oauth2/v2.0/token`, fields);
  expect(failed.status).toBe(503);
  expect(failed.json.error).toBe('temporarily_unavailable');
  expect((await form(`${emu.url}/${TENANT}/oauth2/v2.0/token`, fields)).status).toBe(200);
  expect(emu.stats().tokenRequestsByClient).toEqual({ 'app-all': 2 });
});

test('the 5th concurrent request to one mailbox gets 429 ApplicationThrottled', async () => {
  emu.setLatency(300);
  const results = await Promise.all(Array.from({ length: 6 }, () => graph(emu, token, 'GET', `${mailbox(ALICE)}/messages?$top=1`)));
  const throttled = results.filter((r) => r.status === 429);
  expect(results.filter((r) => r.status === 200)).toHaveLength(4);
  expect(throttled).toHaveLength(2);
  expect(throttled[0].headers['retry-after']).toBe('1');
  expect(throttled[0].json.error).toMatchObject({ code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' });
  expect(emu.stats().throttled).toBe(2);
  // Another mailbox has its own budget.
  const other = await Promise.all([graph(emu, token, 'GET', `${mailbox(ALICE)}/messages?$top=1`), graph(emu, token, 'GET', `${mailbox(CAROL)}/messages?$top=1`)]);
  expect(other.map((r) => r.status)).toEqual([200, 200]);
});

test('the limit counts the real mailbox: /me, the UPN and the object id of one user together', async () => {
  const aliceToken = await userToken(emu, ALICE);
  const aliceId = (await graph(emu, aliceToken, 'GET', '/me')).json.id as string;
  emu.setLatency(300);
  const paths = ['/me/messages?$top=1', '/me/messages?$top=1', `${mailbox(ALICE)}/messages?$top=1`, `${mailbox(ALICE)}/messages?$top=1`, `/users/${aliceId}/messages?$top=1`, `/users/${aliceId.toUpperCase()}/messages?$top=1`];
  const results = await Promise.all(paths.map((path) => graph(emu, aliceToken, 'GET', path)));
  expect(results.filter((r) => r.status === 429)).toHaveLength(2);
});

test('upload-session PUTs count against the mailbox of their message', async () => {
  const draft = await graph(emu, token, 'POST', `${mailbox(ALICE)}/messages`, mail([BOB], 'upload budget').message);
  const sessions = await Promise.all(
    [1, 2].map(async () =>
      (
        await graph(emu, token, 'POST', `${mailbox(ALICE)}/messages/${encodeURIComponent(draft.json.id)}/attachments/createUploadSession`, {
          AttachmentItem: { attachmentType: 'file', name: 'a.bin', size: 10 },
        })
      ).json.uploadUrl as string,
    ),
  );
  emu.setLatency(300);
  const put = (url: string) => request(url, { method: 'PUT', headers: { 'content-range': 'bytes 0-9/10' }, body: Buffer.alloc(10) });
  const results = await Promise.all([...sessions.map(put), ...[1, 2, 3].map(() => graph(emu, token, 'GET', `${mailbox(ALICE)}/messages?$top=1`))]);
  const throttled = results.filter((r) => r.status === 429);
  expect(throttled).toHaveLength(1);
  expect(throttled[0].json.error.code).toBe('ApplicationThrottled');
});

test('throttleMailbox: every request to the mailbox answers 429 until the episode ends, others are untouched', async () => {
  const aliceId = (await graph(emu, token, 'GET', mailbox(ALICE))).json.id as string;
  emu.throttleMailbox(ALICE, 1);
  const byUpn = await graph(emu, token, 'GET', `${mailbox(ALICE)}/messages?$top=1`);
  expect(byUpn.status).toBe(429);
  expect(byUpn.headers['retry-after']).toBe('1');
  expect((await graph(emu, token, 'GET', `/users/${aliceId}/messages?$top=1`)).status).toBe(429);
  expect((await graph(emu, token, 'GET', `${mailbox(CAROL)}/messages?$top=1`)).status).toBe(200);
  expect((await graph(emu, token, 'GET', mailbox(ALICE))).status).toBe(200); // the user object is a directory read
  await new Promise((resolve) => setTimeout(resolve, 1050));
  expect((await graph(emu, token, 'GET', `${mailbox(ALICE)}/messages?$top=1`)).status).toBe(200);
  expect(emu.stats().throttled).toBe(2);
});

