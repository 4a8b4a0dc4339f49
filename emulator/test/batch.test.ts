/** $batch as Graph runs it: four at a time, in the mailbox's concurrency count, dependsOn, 424, limits. */
import type { Emulator } from '../src';
import { ALICE, appToken, BOB, CAROL, graph, mail, mailbox, startTenant } from './helpers';

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

const delivered = (subject: string) => emu.messages(BOB, 'inbox').filter((m) => m.subject === subject).length;
const batch = (requests: unknown[]) => graph(emu, token, 'POST', '/$batch', { requests });
const byId = (r: { json: any }) => Object.fromEntries(r.json.responses.map((x: any) => [x.id, x]));
const read = (id: string, extra: Record<string, unknown> = {}) => ({ id, method: 'GET', url: `${mailbox(ALICE)}/messages?$top=1`, ...extra });

test('runs up to 20 requests with the outer token; dependsOn; a throttled inner request is a 429 inside a 200', async () => {
  emu.inject({ match: { path: `/v1.0/users/${BOB}/messages` }, kind: 'status', status: 429, retryAfterSeconds: 2 });
  const r = await batch([
    { id: '1', method: 'POST', url: `/users/${ALICE}/sendMail`, headers: { 'Content-Type': 'application/json' }, body: mail([BOB], 'batched') },
    { id: '2', method: 'GET', url: `/users/${BOB}/messages?$select=subject`, dependsOn: ['1'] },
    { id: '3', method: 'GET', url: `/users/${encodeURIComponent(CAROL)}/mailFolders/inbox` },
    { id: '4', method: 'POST', url: `/users/${ALICE}/sendMail`, body: mail([BOB], 'no content type') },
  ]);
  expect(r.status).toBe(200);
  const res = byId(r);
  expect(res['1'].status).toBe(202);
  expect(res['2'].status).toBe(429);
  expect(res['2'].headers['Retry-After']).toBe('2');
  expect(res['3'].status).toBe(200);
  expect(res['3'].body.displayName).toBe('Inbox');
  expect(res['4'].status).toBe(400);
  expect(delivered('batched')).toBe(1);
  expect(emu.stats()).toMatchObject({ graphRequests: 1, batchedRequests: 4, throttled: 1 });
});

test('more than 20 requests: 400; a cycle: 400; a body over 4 MB: 413', async () => {
  expect((await batch(Array.from({ length: 21 }, (_, i) => read(String(i))))).status).toBe(400);
  const cycle = await batch([read('a', { dependsOn: ['b'] }), read('b', { dependsOn: ['a'] })]);
  expect(cycle.status).toBe(400);
  expect(cycle.json.error.message).toMatch(/cycle/);
  const big = { ...mail([BOB], 'too big'), padding: 'x'.repeat(4 * 1024 * 1024) };
  const tooLarge = await batch([{ id: '1', method: 'POST', url: `/users/${ALICE}/sendMail`, headers: { 'Content-Type': 'application/json' }, body: big }]);
  expect(tooLarge.status).toBe(413);
  expect(delivered('too big')).toBe(0);
});

test('four inner requests run at once, each with the latency of a request; the fifth waits for a free one', async () => {
  emu.setLatency(150);
  const started = Date.now();
  const r = await batch(['1', '2', '3', '4', '5'].map((id) => read(id)));
  const ms = Date.now() - started;
  expect(r.json.responses.map((x: any) => x.status)).toEqual([200, 200, 200, 200, 200]);
  expect(ms).toBeGreaterThanOrEqual(300); // two rounds: 4, then 1
  expect(ms).toBeLessThan(600); // not five in a row
});

test('dependsOn chains run in sequence: 4 chains of 5 take 5 latencies, and use 4 of the mailbox slots', async () => {
  emu.setLatency(60);
  const requests = [];
  for (let chain = 0; chain < 4; chain++) for (let step = 0; step < 5; step++) requests.push(read(`${chain}-${step}`, step ? { dependsOn: [`${chain}-${step - 1}`] } : {}));
  const started = Date.now();
  const r = await batch(requests);
  const ms = Date.now() - started;
  expect(r.json.responses.every((x: any) => x.status === 200)).toBe(true);
  expect(ms).toBeGreaterThanOrEqual(5 * 60);
  expect(ms).toBeLessThan(3 * 5 * 60);
  expect(emu.stats().throttled).toBe(0);
});

test('inner requests count against the mailbox limit together with direct requests: one over it answers 429 inside', async () => {
  emu.setLatency(300);
  const direct = graph(emu, token, 'GET', `${mailbox(ALICE)}/messages?$top=1`);
  await new Promise((resolve) => setTimeout(resolve, 50)); // the direct request holds one of the four slots
  const r = await batch(['1', '2', '3', '4'].map((id) => read(id)));
  expect((await direct).status).toBe(200);
  const statuses = r.json.responses.map((x: any) => x.status).sort();
  expect(statuses).toEqual([200, 200, 200, 429]);
  const throttled = r.json.responses.find((x: any) => x.status === 429);
  expect(throttled.body.error.message).toMatch(/MailboxConcurrency/);
  expect(throttled.headers['Retry-After']).toBe('1');
  // Another mailbox has its own budget.
  const other = await graph(emu, token, 'GET', `${mailbox(CAROL)}/messages?$top=1`);
  expect(other.status).toBe(200);
});

test('a failed dependency: its dependents answer 424 and are not carried out', async () => {
  emu.inject({ match: { method: 'POST', path: `/v1.0/users/${ALICE}/sendMail` }, kind: 'status', status: 503 });
  const send = (id: string, subject: string, dependsOn?: string[]) => ({
    id,
    method: 'POST',
    url: `/users/${ALICE}/sendMail`,
    headers: { 'Content-Type': 'application/json' },
    body: mail([BOB], subject),
    ...(dependsOn ? { dependsOn } : {}),
  });
  const r = await batch([send('1', 'first'), send('2', 'second', ['1']), send('3', 'third', ['2'])]);
  const res = byId(r);
  expect([res['1'].status, res['2'].status, res['3'].status]).toEqual([503, 424, 424]);
  expect(delivered('first') + delivered('second') + delivered('third')).toBe(0);
});

test('a status fault after acting inside a batch: the mail is sent, the inner answer is the error', async () => {
  emu.inject({ match: { method: 'POST', path: `/v1.0/users/${ALICE}/sendMail` }, kind: 'status', status: 504, afterActing: true });
  const r = await batch([{ id: '1', method: 'POST', url: `/users/${ALICE}/sendMail`, headers: { 'Content-Type': 'application/json' }, body: mail([BOB], 'acted') }]);
  expect(byId(r)['1'].status).toBe(504);
  expect(delivered('acted')).toBe(1);
});
