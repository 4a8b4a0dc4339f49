/** Delta: pages, deltaLink rounds, arrivals while paging, removals, changeType, stale tokens. */
import type { Emulator } from '../src';
import { appToken, BOB, graph, mailbox, request, startTenant } from './helpers';

let emu: Emulator;
let token: string;
const base = mailbox(BOB);

beforeAll(async () => {
  emu = await startTenant();
  token = await appToken(emu);
});
afterAll(() => emu.stop());

async function get(url: string, headers: Record<string, string> = {}) {
  const r = await request(url, { headers: { authorization: `Bearer ${token}`, ...headers } });
  if (r.status !== 200) throw Object.assign(new Error(`delta ${r.status} ${r.text}`), { reply: r });
  return r;
}

/** Follows nextLinks to the deltaLink; `between` runs after each page. */
async function sync(url: string, headers: Record<string, string> = {}, between?: (page: number) => void) {
  const items: any[] = [];
  let pages = 0;
  for (;;) {
    const r = await get(url, headers);
    items.push(...r.json.value);
    pages++;
    between?.(pages);
    if (r.json['@odata.deltaLink']) return { items, pages, deltaLink: r.json['@odata.deltaLink'] as string, last: r };
    url = r.json['@odata.nextLink'];
  }
}

test('initial sync in pages of 10, then only what changed; nothing lost while paging', async () => {
  for (let i = 0; i < 23; i++) emu.seedMessage(BOB, 'inbox', { subject: `m${i}` });
  const first = `${emu.url}/v1.0${base}/mailFolders/inbox/messages/delta?$select=subject,receivedDateTime`;
  let arrived = 0;
  const initial = await sync(first, {}, (page) => {
    if (page === 1) {
      emu.seedMessage(BOB, 'inbox', { subject: 'during paging' });
      arrived++;
    }
  });
  expect(initial.pages).toBe(3);
  expect(initial.items).toHaveLength(23);
  expect(Object.keys(initial.items[0]).sort()).toEqual(['@odata.etag', '@odata.type', 'id', 'receivedDateTime', 'subject']);
  expect(initial.deltaLink).toContain('$deltatoken=');

  const next = await sync(initial.deltaLink);
  expect(next.items.map((m) => m.subject)).toEqual(['during paging']);
  expect(arrived).toBe(1);

  const quiet = await sync(next.deltaLink);
  expect(quiet.items).toEqual([]);

  // Updates and removals come in the next round.
  const [first0] = emu.messages(BOB, 'inbox');
  await graph(emu, token, 'PATCH', `${base}/messages/${encodeURIComponent(first0.id)}`, { isRead: true });
  const gone = emu.messages(BOB, 'inbox')[1];
  await graph(emu, token, 'POST', `${base}/messages/${encodeURIComponent(gone.id)}/move`, { destinationId: 'archive' });
  const changes = await sync(quiet.deltaLink);
  expect(changes.items).toEqual([
    expect.objectContaining({ id: first0.id, subject: first0.subject }),
    { '@odata.type': '#microsoft.graph.message', id: gone.id, '@removed': { reason: 'deleted' } },
  ]);
});

test('Prefer: odata.maxpagesize, changeType=created and a receivedDateTime filter', async () => {
  emu.seedMessage(BOB, 'junkemail', { subject: 'old', receivedDateTime: '2020-01-01T00:00:00Z' });
  for (let i = 0; i < 5; i++) emu.seedMessage(BOB, 'junkemail', { subject: `new${i}` });
  const url = `${emu.url}/v1.0${base}/mailFolders/junkemail/messages/delta?changeType=created&$select=subject&$filter=${encodeURIComponent('receivedDateTime ge 2021-01-01T00:00:00Z')}`;
  const first = await get(url, { prefer: 'odata.maxpagesize=2' });
  expect(first.headers['preference-applied']).toBe('odata.maxpagesize=2');
  expect(first.json.value).toHaveLength(2);
  const all = await sync(url, { prefer: 'odata.maxpagesize=2' });
  expect(all.pages).toBe(3);
  expect(all.items.map((m) => m.subject)).toEqual(['new0', 'new1', 'new2', 'new3', 'new4']);

  const [m] = emu.messages(BOB, 'junkemail');
  await graph(emu, token, 'PATCH', `${base}/messages/${encodeURIComponent(m.id)}`, { isRead: true });
  emu.seedMessage(BOB, 'junkemail', { subject: 'newest' });
  const created = await sync(all.deltaLink);
  expect(created.items.map((x) => x.subject)).toEqual(['newest']);
});

test('invalid query options, and stale tokens answer 410 SyncStateNotFound', async () => {
  const bad = await request(`${emu.url}/v1.0${base}/mailFolders/inbox/messages/delta?$filter=${encodeURIComponent("subject eq 'x'")}`, { headers: { authorization: `Bearer ${token}` } });
  expect(bad.status).toBe(400);
  const { deltaLink } = await sync(`${emu.url}/v1.0${base}/mailFolders/inbox/messages/delta?$select=subject`);
  emu.invalidateDeltaTokens();
  const stale = await request(deltaLink, { headers: { authorization: `Bearer ${token}` } });
  expect(stale.status).toBe(410);
  expect(stale.json.error.code).toBe('SyncStateNotFound');
});
