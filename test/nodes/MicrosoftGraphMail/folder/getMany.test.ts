/** Get Many: one level or the whole tree with paths, hidden folders on request, past 1,000 folders with Return All, and a limit. */
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, byPath, failureOf, run } from './folderFixture';

let contoso: Contoso;
let mailbox: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'lister');
	const clients = contoso.emu.createFolder(mailbox, 'inbox', 'Clients').id;
	const fabrikam = contoso.emu.createFolder(mailbox, clients, 'Fabrikam').id;
	contoso.emu.createFolder(mailbox, fabrikam, '2025/26');
	contoso.emu.createFolder(mailbox, clients, 'Secret', { hidden: true });
	const bulk = contoso.emu.createFolder(mailbox, 'archive', 'Bulk').id;
	for (let i = 0; i < 1100; i++) contoso.emu.createFolder(mailbox, bulk, `F${String(i).padStart(4, '0')}`);
});
afterAll(async () => {
	await contoso?.emu.stop();
});

test('one level under a parent: its direct children, no hidden ones', async () => {
	const out = await run(contoso, 'getMany', { mailbox, parentFolder: byPath('Inbox/Clients'), returnAll: true });
	expect(out.map((i) => [i.json.displayName, i.json.path])).toEqual([['Fabrikam', 'Fabrikam']]);
});

test('the whole tree with paths ("/" in a name escaped so the path can be given back); hidden on request', async () => {
	const out = await run(contoso, 'getMany', { mailbox, parentFolder: byPath('Inbox'), depth: 'tree', returnAll: true, options: { includeHidden: true } });
	expect(out.map((i) => i.json.path)).toEqual(['Clients', 'Clients/Fabrikam', 'Clients/Secret', 'Clients/Fabrikam/2025\\/26']);
	expect(out.find((i) => i.json.displayName === 'Secret')?.json.isHidden).toBe(true);
	const [back] = await run(contoso, 'get', { mailbox, folder: byPath(`Inbox/${String(out[3].json.path)}`) });
	expect(back.json.displayName).toBe('2025/26');
});

test('from the top of the mailbox: the well-known folders are there', async () => {
	const out = await run(contoso, 'getMany', { mailbox, returnAll: true });
	expect(out.map((i) => i.json.displayName)).toEqual(expect.arrayContaining(['Inbox', 'Sent Items', 'Deleted Items', 'Archive']));
});

test('Return All pages past 1,000 folders; a limit stops early', async () => {
	const all = await run(contoso, 'getMany', { mailbox, parentFolder: byPath('Archive/Bulk'), returnAll: true });
	expect(all).toHaveLength(1100);
	expect(new Set(all.map((i) => i.json.id)).size).toBe(1100);
	const some = await run(contoso, 'getMany', { mailbox, parentFolder: byPath('Archive/Bulk'), returnAll: false, limit: 3 });
	expect(some.map((i) => i.json.displayName)).toEqual(['F0000', 'F0001', 'F0002']);
});

test('an unknown parent names the Parent Folder field and the item', async () => {
	const error = await failureOf(run(contoso, 'getMany', { mailbox, parentFolder: byPath('Nowhere') }));
	expect(error.message).toBe(`Parent Folder: no folder with path "Nowhere" in mailbox ${mailbox}`);
	expect(error.context?.itemIndex).toBe(0);
});
