/** Change notifications: subscriptions as Graph documents them, deliveries, faults and lifecycle events. */
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Emulator } from '../src';
import { ensureCertificate } from '../src';
import { appToken, BOB, graph, mailbox, request, startTenant } from './helpers';

interface Received {
  query: URLSearchParams;
  body: any;
  at: number;
}

/** A webhook on https://127.0.0.1 with the emulator's certificate; `answer` decides each reply. */
class Webhook {
  received: Received[] = [];
  answer: (r: Received) => Promise<{ status: number; text?: string; type?: string }> | { status: number; text?: string; type?: string } = (r) =>
    r.query.has('validationToken') ? { status: 200, text: r.query.get('validationToken')!, type: 'text/plain' } : { status: 202 };
  private server?: https.Server;
  url = '';

  async start(): Promise<void> {
    const cert = await ensureCertificate();
    this.server = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const r: Received = { query: new URL(req.url ?? '/', 'https://x').searchParams, body: text ? JSON.parse(text) : undefined, at: Date.now() };
        this.received.push(r);
        const a = await this.answer(r);
        res.writeHead(a.status, a.type ? { 'Content-Type': a.type } : {});
        res.end(a.text ?? '');
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  notifications(): any[] {
    return this.received.filter((r) => r.body).flatMap((r) => r.body.value);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}

let emu: Emulator;
let token: string;
let hook: Webhook;
const inbox = `${mailbox(BOB)}/mailFolders('inbox')/messages`;
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

beforeAll(async () => {
  emu = await startTenant();
  token = await appToken(emu);
  emu.notifications.retryDelaysMs = [200, 200];
});
afterAll(() => emu.stop());
beforeEach(async () => {
  hook = new Webhook();
  await hook.start();
  emu.notifications.clearFaults();
  emu.notifications.resetStats();
});
afterEach(async () => {
  for (const s of emu.notifications.list()) emu.notifications.forget(s.id);
  await hook.stop();
});

const until = async (what: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

async function subscribe(extra: Record<string, unknown> = {}) {
  return await graph(emu, token, 'POST', '/subscriptions', {
    changeType: 'created',
    notificationUrl: hook.url,
    lifecycleNotificationUrl: hook.url,
    resource: inbox,
    expirationDateTime: inMinutes(10_080),
    clientState: 'secret-state',
    ...extra,
  });
}

test('creation validates both URLs with a token echoed as text/plain, then notifies new mail in the folder only', async () => {
  const r = await subscribe();
  expect(r.status).toBe(201);
  expect(r.json).toMatchObject({ resource: inbox, changeType: 'created', clientState: 'secret-state', notificationUrl: hook.url });
  expect(hook.received.filter((x) => x.query.has('validationToken'))).toHaveLength(1); // same URL for both: validated once

  const mail = emu.seedMessage(BOB, 'inbox', { subject: 'one' });
  emu.seedMessage(BOB, 'sentitems', { subject: 'elsewhere' });
  await until(() => hook.notifications().length === 1);
  await new Promise((r) => setTimeout(r, 100));
  const [n] = hook.notifications();
  expect(hook.notifications()).toHaveLength(1);
  expect(n).toMatchObject({ subscriptionId: r.json.id, clientState: 'secret-state', changeType: 'created', resourceData: { id: mail.id } });
  expect(n.tenantId).toBeTruthy();
  expect(Date.parse(n.subscriptionExpirationDateTime)).toBeGreaterThan(Date.now());
});

test('refusals: http URL, lifetime over 10,080 minutes, a wrong validation answer, clientState over 128 characters', async () => {
  expect((await subscribe({ notificationUrl: hook.url.replace('https', 'http') })).json.error.message).toMatch(/HTTPS/);
  const long = await subscribe({ expirationDateTime: inMinutes(10_080 + 5) });
  expect(long.status).toBe(400);
  expect(long.json.error.message).toMatch(/10080 minutes/);
  expect((await subscribe({ clientState: 'x'.repeat(129) })).status).toBe(400);
  hook.answer = () => ({ status: 200, text: 'not the token', type: 'text/plain' });
  const bad = await subscribe();
  expect(bad.status).toBe(400);
  expect(bad.json.error.message).toMatch(/validation request failed/);
  expect(emu.notifications.list()).toHaveLength(0);
});

test('PATCH renews (within the granted lifetime), DELETE removes; a shortened lifetime expires and notifies nothing more', async () => {
  const { json: sub } = await subscribe();
  emu.notifications.shortenLifetime(sub.id, 1);
  const renewed = await graph(emu, token, 'PATCH', `/subscriptions/${sub.id}`, { expirationDateTime: inMinutes(10_080) });
  expect(renewed.status).toBe(200);
  // Graph keeps what it grants: at most the knob's second, whatever was asked.
  expect(Date.parse(renewed.json.expirationDateTime)).toBeLessThanOrEqual(Date.now() + 1000);
  await new Promise((r) => setTimeout(r, 1100));
  expect((await graph(emu, token, 'GET', `/subscriptions/${sub.id}`)).status).toBe(404);
  emu.seedMessage(BOB, 'inbox', { subject: 'after expiry' });
  await new Promise((r) => setTimeout(r, 200));
  expect(hook.notifications()).toHaveLength(0);

  const { json: other } = await subscribe();
  expect((await graph(emu, token, 'GET', '/subscriptions')).json.value.map((s: any) => s.id)).toEqual([other.id]);
  expect((await graph(emu, token, 'DELETE', `/subscriptions/${other.id}`)).status).toBe(204);
  expect((await graph(emu, token, 'GET', `/subscriptions/${other.id}`)).status).toBe(404);
});

test('faults: dropped, duplicated, reordered and delayed notifications', async () => {
  await subscribe();
  emu.notifications.injectFault({ kind: 'drop' });
  emu.notifications.injectFault({ kind: 'duplicate', copies: 2 });
  const [dropped, duplicated] = [emu.seedMessage(BOB, 'inbox', { subject: 'd' }), emu.seedMessage(BOB, 'inbox', { subject: 'x3' })];
  await until(() => hook.notifications().length === 3);
  expect(hook.notifications().map((n) => n.resourceData.id)).toEqual([duplicated.id, duplicated.id, duplicated.id]);
  expect(dropped.id).toBeTruthy();

  hook.received = [];
  emu.notifications.injectFault({ kind: 'reorder', count: 3 });
  const ids = [1, 2, 3].map((i) => emu.seedMessage(BOB, 'inbox', { subject: `r${i}` }).id);
  await until(() => hook.notifications().length === 3);
  expect(hook.notifications().map((n) => n.resourceData.id)).toEqual([...ids].reverse());

  hook.received = [];
  emu.notifications.injectFault({ kind: 'delay', ms: 400 });
  const sentAt = Date.now();
  emu.seedMessage(BOB, 'inbox', { subject: 'late' });
  await until(() => hook.notifications().length === 1);
  expect(hook.received[0].at - sentAt).toBeGreaterThanOrEqual(380);
});

test('the 3-second rule: a slow answer counts as slow and is retried, as is an error', async () => {
  await subscribe();
  let calls = 0;
  hook.answer = async (r) => {
    if (r.query.has('validationToken')) return { status: 200, text: r.query.get('validationToken')!, type: 'text/plain' };
    calls++;
    if (calls === 1) await new Promise((res) => setTimeout(res, 3200));
    if (calls === 2) return { status: 500 };
    return { status: 202 };
  };
  emu.seedMessage(BOB, 'inbox', { subject: 'slow' });
  await until(() => emu.notifications.stats.delivered === 1, 12_000);
  expect(calls).toBe(3);
  expect(emu.notifications.stats).toMatchObject({ slow: 1, failed: 2, retries: 2, delivered: 1 });
}, 20_000);

test('lifecycle notifications on demand; subscriptionRemoved removes the subscription', async () => {
  const { json: sub } = await subscribe();
  emu.notifications.lifecycle(sub.id, 'reauthorizationRequired');
  emu.notifications.lifecycle(sub.id, 'missed');
  await until(() => hook.notifications().length === 2);
  expect(hook.notifications().map((n) => n.lifecycleEvent).sort()).toEqual(['missed', 'reauthorizationRequired']);
  expect(hook.notifications()[0]).toMatchObject({ subscriptionId: sub.id, clientState: 'secret-state' });
  expect((await graph(emu, token, 'POST', `/subscriptions/${sub.id}/reauthorize`)).status).toBe(200);

  emu.notifications.lifecycle(sub.id, 'subscriptionRemoved');
  await until(() => hook.notifications().length === 3);
  expect((await graph(emu, token, 'GET', `/subscriptions/${sub.id}`)).status).toBe(404);
});

test('the admin API drives the same knobs over HTTP', async () => {
  const { json: sub } = await subscribe();
  const admin = (method: string, path: string, body?: unknown) =>
    request(`${emu.url}/_emulator/${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  expect((await admin('GET', 'subscriptions')).json.value[0].id).toBe(sub.id);
  await admin('POST', 'notification-faults', { kind: 'drop' });
  expect((await admin('POST', `mailboxes/${BOB}/burst`, { count: 5 })).status).toBe(201);
  await until(() => hook.notifications().length === 4);
  expect((await admin('GET', 'notifications')).json).toMatchObject({ dropped: 1, delivered: 4 });
  await admin('POST', `subscriptions/${sub.id}/lifecycle`, { event: 'missed' });
  await until(() => hook.notifications().length === 5);
  await admin('POST', `subscriptions/${sub.id}/lifetime`, { seconds: 0.2 });
  await new Promise((r) => setTimeout(r, 300));
  expect((await admin('GET', 'subscriptions')).json.value).toHaveLength(0);
});

test('at most 4 deliveries per URL at a time; notifications that pile up go out together', async () => {
  await subscribe();
  let inFlight = 0;
  let most = 0;
  hook.answer = async (r) => {
    if (r.query.has('validationToken')) return { status: 200, text: r.query.get('validationToken')!, type: 'text/plain' };
    most = Math.max(most, ++inFlight);
    await new Promise((res) => setTimeout(res, 200));
    inFlight--;
    return { status: 202 };
  };
  const ids = Array.from({ length: 30 }, (_, i) => emu.seedMessage(BOB, 'inbox', { subject: `pile ${i}` }).id);
  await until(() => emu.notifications.stats.delivered === 30);
  // Never more than 4 at once (fewer may overlap on a busy machine).
  expect(most).toBeLessThanOrEqual(4);
  expect(most).toBeGreaterThan(1);
  expect(hook.notifications().map((n) => n.resourceData.id).sort()).toEqual([...ids].sort());
  const posts = hook.received.filter((r) => r.body).length;
  expect(posts).toBeLessThan(30);
  expect(emu.notifications.stats).toMatchObject({ sent: posts, delivered: 30, failed: 0 });
});
