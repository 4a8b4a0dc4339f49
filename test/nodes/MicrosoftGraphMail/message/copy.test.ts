/** Copy: a copy with a new id in the target folder, the original untouched. */
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, byId, failureOf, run, seed, stored } from './messageFixture';

let contoso: Contoso;
let mailbox: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'copier');
	contoso.emu.createFolder(mailbox, 'msgfolderroot', 'Customers');
});
afterAll(async () => {
	await contoso?.emu.stop();
});

test('the copy is in the target folder with a new id; the original stays in the Inbox', async () => {
	const m = seed(contoso, mailbox, 'Copy me', { attachments: [{ name: 'a.txt', contentBytes: Buffer.from('bytes') }] });
	const [out] = await run(contoso, 'copy', { mailbox, message: byId(m.id), folder: { __rl: true, mode: 'path', value: 'Customers' } });
	expect(out.json).toMatchObject({ subject: 'Copy me', copiedFromId: m.id, folderName: 'Customers' });
	expect(out.json.id).not.toBe(m.id);
	expect(stored(contoso, mailbox, m.id, 'inbox')).toBeDefined();
	const copy = stored(contoso, mailbox, String(out.json.id), 'Customers')!;
	expect(copy.attachments[0].contentBytes!.toString()).toBe('bytes');
});

test('an unknown folder id names the Folder field', async () => {
	const m = seed(contoso, mailbox, 'No target');
	const error = await failureOf(run(contoso, 'copy', { mailbox, message: byId(m.id), folder: { __rl: true, mode: 'id', value: m.id.slice(0, -8) + 'AAAAAAA=' } }));
	expect(error.message).toMatch(/^Folder: no folder with ID or name/);
});
