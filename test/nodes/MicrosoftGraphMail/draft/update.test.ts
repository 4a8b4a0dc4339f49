/** Update Draft: only the fields given change; the updated draft is what the recipient receives. */
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, byId, createDraft, failureOf, runDraft, stored } from './draftFixture';
import { seed } from '../message/messageFixture';

let contoso: Contoso;
let mailbox: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'editor');
});
afterAll(async () => {
	await contoso?.emu.stop();
});

test('only the fields set change; sent afterwards, the recipient gets the updated mail and Drafts is empty', async () => {
	const ann = addMailbox(contoso, 'ann-updated');
	const id = await createDraft(contoso, mailbox, {
		toRecipients: 'first@contoso.com',
		ccRecipients: 'keep@contoso.com',
		subject: 'Old subject',
		bodyContent: '<p>old</p>',
		options: { categories: 'Keep', importance: 'low' },
	});
	const [out] = await runDraft(contoso, 'update', {
		mailbox,
		message: byId(id),
		updateFields: { toRecipients: ann, subject: 'New subject', bodyContent: '<p>new</p>', bodyContentType: 'html' },
	});
	expect(out.json).toMatchObject({ id, subject: 'New subject' });
	expect([...(out.json.updatedFields as string[])].sort()).toEqual(['body', 'subject', 'toRecipients']);
	const draft = stored(contoso, mailbox, id, 'drafts')!;
	expect(draft).toMatchObject({ subject: 'New subject', body: { content: '<p>new</p>' }, categories: ['Keep'], importance: 'low' });
	expect(draft.toRecipients.map((r) => r.emailAddress.address)).toEqual([ann]);
	expect(draft.ccRecipients.map((r) => r.emailAddress.address)).toEqual(['keep@contoso.com']);

	await runDraft(contoso, 'send', { mailbox, message: byId(id) });
	const received = contoso.emu.messages(ann, 'inbox');
	expect(received.map((m) => [m.subject, m.body.content])).toEqual([['New subject', '<p>new</p>']]);
	expect(contoso.emu.messages(mailbox, 'drafts').find((m) => m.id === id)).toBeUndefined();
});

test('an emptied CC clears it', async () => {
	const id = await createDraft(contoso, mailbox, { toRecipients: 'a@contoso.com', ccRecipients: 'gone@contoso.com', subject: 's' });
	await runDraft(contoso, 'update', { mailbox, message: byId(id), updateFields: { ccRecipients: '' } });
	expect(stored(contoso, mailbox, id, 'drafts')!.ccRecipients).toEqual([]);
});

test('an invalid address names the field and the item, and changes nothing', async () => {
	const id = await createDraft(contoso, mailbox, { toRecipients: 'a@contoso.com', subject: 'Untouched' });
	const error = await failureOf(runDraft(contoso, 'update', { mailbox, message: byId(id), updateFields: { subject: 'x', toRecipients: 'not an address' } }));
	expect(error.message).toMatch(/^To: .*not an address.*\[item 0\]$/);
	expect(stored(contoso, mailbox, id, 'drafts')!.subject).toBe('Untouched');
});

test('an unknown draft id names the Message field', async () => {
	const error = await failureOf(runDraft(contoso, 'update', { mailbox, message: byId('AAMkNoSuchDraft='), updateFields: { subject: 'x' } }));
	expect(error.message).toBe(`Message: no message "AAMkNoSuchDraft=" in mailbox ${mailbox}`);
});

test('a received mail is not a draft: refused, unchanged', async () => {
	const m = seed(contoso, mailbox, 'Received');
	const error = await failureOf(runDraft(contoso, 'update', { mailbox, message: byId(m.id), updateFields: { subject: 'x' } }));
	expect(error.message).toBe(`Message: "${m.id}" is not a draft (it was sent or received) [item 0]`);
	expect(stored(contoso, mailbox, m.id, 'inbox')!.subject).toBe('Received');
});

test('no field given: says so', async () => {
	const id = await createDraft(contoso, mailbox, { subject: 's' });
	const error = await failureOf(runDraft(contoso, 'update', { mailbox, message: byId(id), updateFields: {} }));
	expect(error.message).toBe('Update Fields: Add at least one field to change [item 0]');
});
