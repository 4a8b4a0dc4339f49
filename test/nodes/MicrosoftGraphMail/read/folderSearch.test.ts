/** The Folder field's searchable list, loaded live from the mailbox, and its values working in Get Messages. */
import { searchFolders } from '../../../../nodes/shared/methods/folderSearch';
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, folderFromList, getMessages, loadOptionsContext } from './readFixture';

let contoso: Contoso;
let mailbox: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'reader-folders');
	const invoices = contoso.emu.createFolder(mailbox, 'inbox', 'Invoices').id;
	contoso.emu.createFolder(mailbox, invoices, '2024');
	contoso.emu.createFolder(mailbox, 'msgfolderroot', 'Projects');
	contoso.emu.seedMessage(mailbox, invoices, { subject: 'Filed' });
});
afterAll(async () => {
	await contoso?.emu.stop();
});

test('well-known folders first, then the mailbox folders by path', async () => {
	const { results } = await searchFolders.call(loadOptionsContext(contoso, { mailbox }));
	const names = results.map((r) => r.name);
	expect(names.slice(0, 7)).toEqual(['Inbox', 'Sent Items', 'Drafts', 'Deleted Items', 'Junk Email', 'Archive', 'Outbox']);
	expect(results[0].value).toBe('inbox');
	expect(names).toEqual(expect.arrayContaining(['Inbox/Invoices', 'Inbox/Invoices/2024', 'Projects']));
	// The top-level well-known folders are not listed twice.
	expect(names.filter((n) => n === 'Inbox')).toHaveLength(1);
});

test('search narrows by path, and a listed value works as the Folder', async () => {
	const { results } = await searchFolders.call(loadOptionsContext(contoso, { mailbox }), 'invo');
	expect(results.map((r) => r.name)).toEqual(['Inbox/Invoices', 'Inbox/Invoices/2024']);
	const out = await getMessages(contoso, mailbox, { folder: folderFromList(String(results[0].value)), returnAll: true });
	expect(out.map((i) => i.json.subject)).toEqual(['Filed']);
});

test("an empty mailbox field lists the credential's default mailbox", async () => {
	contoso.emu.createFolder('alice@contoso.onmicrosoft.com', 'msgfolderroot', 'Alice only');
	const { results } = await searchFolders.call(loadOptionsContext(contoso, { mailbox: '' }), 'alice');
	expect(results.map((r) => r.name)).toEqual(['Alice only']);
});
