/** Get Draft: a draft by the Message locator; received mail is not a draft. */
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { seed } from '../message/messageFixture';
import { addMailbox, byId, createDraft, failureOf, runDraft } from './draftFixture';

let contoso: Contoso;
let mailbox: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'reader');
});
afterAll(async () => {
	await contoso?.emu.stop();
});

test('reads the draft as it is in Drafts', async () => {
	const id = await createDraft(contoso, mailbox, { toRecipients: 'ann@contoso.com', subject: 'Look', bodyContent: '<p>hi</p>' });
	const [out] = await runDraft(contoso, 'get', { mailbox, message: byId(id) });
	expect(out.json).toMatchObject({ id, subject: 'Look', isDraft: true, parentFolderId: contoso.emu.messages(mailbox, 'drafts')[0].folderId });
});

test('a received mail is refused as not a draft', async () => {
	const m = seed(contoso, mailbox, 'Incoming');
	const error = await failureOf(runDraft(contoso, 'get', { mailbox, message: byId(m.id) }));
	expect(error.message).toBe(`Message: "${m.id}" is not a draft (it was sent or received) [item 0]`);
});

test('an unknown draft id names the Message field', async () => {
	const error = await failureOf(runDraft(contoso, 'get', { mailbox, message: byId('AAMkNoSuchDraft=') }));
	expect(error.message).toBe(`Message: no message "AAMkNoSuchDraft=" in mailbox ${mailbox}`);
});
