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

test.each(['newest-first', 'shuffled'] as const)('delta order %s: every change once over the pages, none lost while paging, in no guaranteed order', async (order) => {
  const folder = emu.createFolder(BOB, 'msgfolderroot', `Order ${order}`);
  for (let i = 0; i < 25; i++) emu.seedMessage(BOB, folder.id, { subject: `o${i}` });
  emu.setDeltaOrder(order);
  try {
    const url = `${emu.url}/v1.0${base}/mailFolders/${folder.id}/messages/delta?changeType=created&$select=subject`;
    const round = await sync(url, {}, (page) => {
      if (page === 1) emu.seedMessage(BOB, folder.id, { subject: 'during paging' });
    });
    const seen = round.items.map((m) => m.subject as string);
    expect(round.pages).toBe(3);
    expect([...seen].sort()).toEqual(Array.from({ length: 25 }, (_, i) => `o${i}`).sort());
    expect(seen).not.toEqual(Array.from({ length: 25 }, (_, i) => `o${i}`));
    if (order === 'newest-first') expect(seen.slice(0, 3)).toEqual(['o24', 'o23', 'o22']);
    else expect(seen.slice(0, 10)).not.toEqual(['o24', 'o23', 'o22', 'o21', 'o20', 'o19', 'o18', 'o17', 'o16', 'o15']);
    const next = await sync(round.deltaLink);
    expect(next.items.map((m) => m.subject)).toEqual(['during paging']);
  } finally {
    emu.setDeltaOrder('oldest-first');
  }
});

test('sync states expire by age: an old deltaLink or nextLink answers 410 SyncStateNotFound, a fresh one works', async () => {
  const folder = emu.createFolder(BOB, 'msgfolderroot', 'Expiry');
  for (let i = 0; i < 12; i++) emu.seedMessage(BOB, folder.id, { subject: `e${i}` });
  emu.setDeltaSyncStateMaxAge(0.3);
  try {
    const first = await get(`${emu.url}/v1.0${base}/mailFolders/${folder.id}/messages/delta?$select=subject`);
    const nextLink = first.json['@odata.nextLink'] as string;
    const { deltaLink } = await sync(nextLink);
    expect((await request(deltaLink, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 400));
    for (const old of [nextLink, deltaLink]) {
      const stale = await request(old, { headers: { authorization: `Bearer ${token}` } });
      expect(stale.status).toBe(410);
      expect(stale.json.error.code).toBe('SyncStateNotFound');
    }
  } finally {
    emu.setDeltaSyncStateMaxAge(undefined);
  }
});
