/** Delete: the folder, with its subfolders and mail, moves into Deleted Items (as Graph does); an unknown folder names item and field. */
import { SECRET, startContoso, TENANT, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, byPath, failureOf, fromList, run } from './folderFixture';

let contoso: Contoso;
let mailbox: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'deleter');
	contoso.emu.addApp(TENANT, { clientId: 'app-read-only', secrets: [SECRET], applicationPermissions: ['Mail.Read'] });
});
afterAll(async () => {
	await contoso?.emu.stop();
});

test('moves to Deleted Items with its subfolder and mail; gone from where it was', async () => {
	const old = contoso.emu.createFolder(mailbox, 'inbox', 'Old project');
	contoso.emu.createFolder(mailbox, old.id, 'Notes');
	contoso.emu.seedMessage(mailbox, old.id, { subject: 'kept' });
	const [out] = await run(contoso, 'delete', { mailbox, folder: byPath('Inbox/Old project') });
	expect(out.json).toEqual({ id: old.id, displayName: 'Old project', deleted: true, movedTo: 'deleteditems' });
	expect(contoso.emu.folder(mailbox, 'Inbox/Old project')).toBeUndefined();
	expect(contoso.emu.folder(mailbox, 'Deleted Items/Old project/Notes')).toBeDefined();
	expect(contoso.emu.messages(mailbox, 'Deleted Items/Old project').map((m) => m.subject)).toEqual(['kept']);
});

test('an unknown folder names the Folder field and the item', async () => {
	const error = await failureOf(run(contoso, 'delete', { mailbox, folder: byPath('Inbox/Never there') }));
	expect(error.message).toBe(`Folder: no folder with path "Inbox/Never there" in mailbox ${mailbox}`);
	expect(error.context?.itemIndex).toBe(0);
});

test('a well-known folder: Graph refuses, and the error says so (not a missing permission); Inbox stays', async () => {
	const error = await failureOf(run(contoso, 'delete', { mailbox, folder: fromList('inbox') }));
	expect(error.message).toBe('Folder: "Inbox" is a well-known folder, which cannot be deleted');
	expect(error.context?.itemIndex).toBe(0);
	expect(contoso.emu.folder(mailbox, 'inbox')?.displayName).toBe('Inbox');
});

test('needs Mail.ReadWrite: a 403 names it; the folder stays', async () => {
	contoso.emu.createFolder(mailbox, 'inbox', 'Guarded');
	const error = await failureOf(run(contoso, 'delete', { mailbox, folder: byPath('Inbox/Guarded') }, { credentials: { ...contoso.clientCredentials, clientId: 'app-read-only' } }));
	expect(error.description).toMatch(/grant Mail\.ReadWrite \(application\)/);
	expect(contoso.emu.folder(mailbox, 'Inbox/Guarded')).toBeDefined();
});
