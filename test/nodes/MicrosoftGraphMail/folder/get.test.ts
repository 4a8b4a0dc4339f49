/** Get: one folder with its counts, by path (with an escaped "/"), by ID and by well-known name; an unknown one names item and field. */
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, byId, byPath, failureOf, fromList, run } from './folderFixture';

let contoso: Contoso;
let mailbox: string;
let slashed: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'getter');
	const projects = contoso.emu.createFolder(mailbox, 'inbox', 'Projects').id;
	slashed = contoso.emu.createFolder(mailbox, projects, 'A/B').id;
	contoso.emu.seedMessage(mailbox, slashed, { subject: 'one', isRead: false });
});
afterAll(async () => {
	await contoso?.emu.stop();
});

test('by path, a "/" in a name written \\/: the folder with its counts', async () => {
	const [out] = await run(contoso, 'get', { mailbox, folder: byPath('Inbox/Projects/A\\/B') });
	expect(out.json).toMatchObject({ id: slashed, displayName: 'A/B', totalItemCount: 1, unreadItemCount: 1, childFolderCount: 0, isHidden: false });
	expect(Object.keys(out.json).some((k) => k.startsWith('@odata'))).toBe(false);
});

test('by ID and by well-known name', async () => {
	const [byIdOut] = await run(contoso, 'get', { mailbox, folder: byId(slashed) });
	expect(byIdOut.json.displayName).toBe('A/B');
	const [inbox] = await run(contoso, 'get', { mailbox, folder: fromList('inbox') });
	expect(inbox.json).toMatchObject({ displayName: 'Inbox', childFolderCount: 1 });
});

test('the unescaped path is another folder: an error naming the Folder field and the item', async () => {
	const error = await failureOf(run(contoso, 'get', { mailbox, folder: byPath('Inbox/Projects/A/B') }));
	expect(error.message).toBe(`Folder: no folder with path "Inbox/Projects/A/B" in mailbox ${mailbox}`);
	expect(error.description).toMatch(/"Inbox\/Projects" has no subfolder "A" \(it has "A\/B"\)/);
	expect(error.context?.itemIndex).toBe(0);
});
