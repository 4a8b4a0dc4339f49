/** Rename / Update: the new name is visible in the mailbox; a taken name, an empty name and an unknown folder name item and field. */
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, byId, byPath, failureOf, run } from './folderFixture';

let contoso: Contoso;
let mailbox: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'renamer');
});
afterAll(async () => {
	await contoso?.emu.stop();
});

test('renamed by path: the mailbox shows the new name, same id', async () => {
	const f = contoso.emu.createFolder(mailbox, 'inbox', 'Draft ideas');
	const [out] = await run(contoso, 'update', { mailbox, folder: byPath('Inbox/Draft ideas'), newName: 'Ideas/2026' });
	expect(out.json).toMatchObject({ id: f.id, displayName: 'Ideas/2026', previousName: 'Draft ideas' });
	expect(contoso.emu.folder(mailbox, f.id)?.displayName).toBe('Ideas/2026');
	expect(contoso.emu.folder(mailbox, 'Inbox/Draft ideas')).toBeUndefined();
});

test('a name taken next to it: an error naming New Name and the item; the folder keeps its name', async () => {
	const f = contoso.emu.createFolder(mailbox, 'inbox', 'Left');
	contoso.emu.createFolder(mailbox, 'inbox', 'Right');
	const out = await run(contoso, 'update', { mailbox, folder: byId(f.id), newName: '={{ $json.name }}' }, { items: [{ json: { name: 'right' } }], continueOnFail: true });
	expect(out[0].json.error).toBe(`New Name: a folder "right" already exists next to "Left" in mailbox ${mailbox}`);
	expect(contoso.emu.folder(mailbox, f.id)?.displayName).toBe('Left');
});

test('an empty new name and an unknown folder name their fields', async () => {
	const f = contoso.emu.createFolder(mailbox, 'inbox', 'Kept');
	expect((await failureOf(run(contoso, 'update', { mailbox, folder: byId(f.id), newName: '' }))).message).toBe('New Name: enter a folder name');
	expect((await failureOf(run(contoso, 'update', { mailbox, folder: byPath('Inbox/Gone'), newName: 'X' }))).message).toBe(`Folder: no folder with path "Inbox/Gone" in mailbox ${mailbox}`);
});
