/** Mail folders: create (409 ErrorFolderExists), rename, delete into Deleted Items, hidden folders, paging, permissions. */
import type { Emulator } from '../src';
import { ALICE, appToken, graph, mailbox, startTenant } from './helpers';

let emu: Emulator;
let token: string;
let readOnly: string;

beforeAll(async () => {
  emu = await startTenant();
  token = await appToken(emu);
  readOnly = await appToken(emu, 'app-read');
});
afterAll(() => emu.stop());

const folders = () => `${mailbox(ALICE)}/mailFolders`;

test('create top level and child; a duplicate name (any case) under the same parent is 409 ErrorFolderExists; an empty name is 400', async () => {
  const top = await graph(emu, token, 'POST', folders(), { displayName: 'Customers' });
  expect(top.status).toBe(201);
  expect(top.json).toMatchObject({ displayName: 'Customers', childFolderCount: 0, isHidden: false });
  const child = await graph(emu, token, 'POST', `${folders()}/${top.json.id}/childFolders`, { displayName: 'Fabrikam' });
  expect(child.json.parentFolderId).toBe(top.json.id);
  const dup = await graph(emu, token, 'POST', folders(), { displayName: 'customers' });
  expect(dup.status).toBe(409);
  expect(dup.json.error.code).toBe('ErrorFolderExists');
  expect((await graph(emu, token, 'POST', `${folders()}/${top.json.id}/childFolders`, { displayName: 'Customers' })).status).toBe(201);
  expect((await graph(emu, token, 'POST', folders(), { displayName: '  ' })).status).toBe(400);
  expect(emu.folder(ALICE, 'Customers/Fabrikam')?.id).toBe(child.json.id);
});

test('PATCH renames; a sibling name is 409; well-known folders refuse', async () => {
  const a = emu.createFolder(ALICE, 'inbox', 'Old name');
  emu.createFolder(ALICE, 'inbox', 'Taken');
  const r = await graph(emu, token, 'PATCH', `${folders()}/${a.id}`, { displayName: 'New name' });
  expect(r.status).toBe(200);
  expect(r.json).toMatchObject({ id: a.id, displayName: 'New name' });
  expect(emu.folder(ALICE, 'Inbox/New name')?.id).toBe(a.id);
  expect((await graph(emu, token, 'PATCH', `${folders()}/${a.id}`, { displayName: 'taken' })).json.error.code).toBe('ErrorFolderExists');
  expect((await graph(emu, token, 'PATCH', `${folders()}/inbox`, { displayName: 'Mine' })).status).toBe(403);
});

test('DELETE moves the folder with its mail into Deleted Items; deleting it there removes it; well-known folders refuse', async () => {
  const f = emu.createFolder(ALICE, 'inbox', 'Temporary');
  emu.seedMessage(ALICE, f.id, { subject: 'inside' });
  expect((await graph(emu, token, 'DELETE', `${folders()}/${f.id}`)).status).toBe(204);
  expect(emu.folder(ALICE, 'Deleted Items/Temporary')?.id).toBe(f.id);
  expect(emu.messages(ALICE, f.id).map((m) => m.subject)).toEqual(['inside']);
  expect((await graph(emu, token, 'DELETE', `${folders()}/${f.id}`)).status).toBe(204);
  expect(emu.folder(ALICE, f.id)).toBeUndefined();
  const wk = await graph(emu, token, 'DELETE', `${folders()}/inbox`);
  expect([wk.status, wk.json.error.code]).toEqual([403, 'ErrorDeleteDistinguishedFolder']);
});

test('hidden folders only with includeHiddenFolders=true; paging with @odata.nextLink', async () => {
  const parent = emu.createFolder(ALICE, 'inbox', 'Many');
  for (let i = 0; i < 12; i++) emu.createFolder(ALICE, parent.id, `F${String(i).padStart(2, '0')}`, { hidden: i === 0 });
  const visible = await graph(emu, token, 'GET', `${folders()}/${parent.id}/childFolders?$top=5`);
  expect(visible.json.value).toHaveLength(5);
  expect(visible.json.value[0].displayName).toBe('F01');
  let all: string[] = [];
  for (let url: string | undefined = `${folders()}/${parent.id}/childFolders?$top=5&includeHiddenFolders=true`; url; ) {
    const page = await graph(emu, token, 'GET', url.replace(`${emu.url}/v1.0`, ''));
    all = all.concat(page.json.value.map((f: { displayName: string }) => f.displayName));
    url = page.json['@odata.nextLink'];
  }
  expect(all).toHaveLength(12);
  expect(all[0]).toBe('F00');
});

test('writing folders needs Mail.ReadWrite', async () => {
  const f = emu.createFolder(ALICE, 'inbox', 'Guarded');
  for (const [method, url, body] of [['POST', folders(), { displayName: 'X' }], ['PATCH', `${folders()}/${f.id}`, { displayName: 'Y' }], ['DELETE', `${folders()}/${f.id}`, undefined]] as const) {
    expect((await graph(emu, readOnly, method, url, body)).status).toBe(403);
  }
  expect(emu.folder(ALICE, 'Inbox/Guarded')?.id).toBe(f.id);
});
