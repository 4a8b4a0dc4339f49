/** Delete Draft: the draft goes to Deleted Items; other mail is not touched. */
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { seed } from '../message/messageFixture';
import { addMailbox, byId, createDraft, failureOf, runDraft, stored } from './draftFixture';

let contoso: Contoso;
let mailbox: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'tidier');
});
afterAll(async () => {
	await contoso?.emu.stop();
});

test('gone from Drafts, in Deleted Items', async () => {
	const id = await createDraft(contoso, mailbox, { subject: 'Scrap' });
	const [out] = await runDraft(contoso, 'delete', { mailbox, message: byId(id) });
	expect(out.json).toEqual({ id, deleted: true });
	expect(stored(contoso, mailbox, id, 'drafts')).toBeUndefined();
	expect(stored(contoso, mailbox, id, 'deleteditems')).toBeDefined();
});

test('a received mail is refused, and stays', async () => {
	const m = seed(contoso, mailbox, 'Keep me');
	const error = await failureOf(runDraft(contoso, 'delete', { mailbox, message: byId(m.id) }));
	expect(error.message).toBe(`Message: "${m.id}" is not a draft (it was sent or received) [item 0]`);
	expect(stored(contoso, mailbox, m.id, 'inbox')).toBeDefined();
});

test('an unknown draft id names the Message field', async () => {
	const error = await failureOf(runDraft(contoso, 'delete', { mailbox, message: byId('AAMkNoSuchDraft=') }));
	expect(error.message).toBe(`Message: no message "AAMkNoSuchDraft=" in mailbox ${mailbox}`);
});
