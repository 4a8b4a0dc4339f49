/** Send Draft: the draft arrives and leaves Drafts; a broken connection is checked, never sent twice. */
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, byId, createDraft, failureOf, runDraft } from './draftFixture';

let contoso: Contoso;
let mailbox: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'sender');
});
afterAll(async () => {
	await contoso?.emu.stop();
});
afterEach(() => contoso.emu.clearFaults());

const inbox = (upn: string) => contoso.emu.messages(upn, 'inbox');

test('sent: arrives once, a copy in Sent Items, gone from Drafts', async () => {
	const ann = addMailbox(contoso, 'ann-send');
	const id = await createDraft(contoso, mailbox, { toRecipients: ann, subject: 'Reviewed', bodyContent: 'ok' });
	const [out] = await runDraft(contoso, 'send', { mailbox, message: byId(id) });
	expect(out.json).toEqual({ id, sent: true });
	expect(inbox(ann).map((m) => m.subject)).toEqual(['Reviewed']);
	expect(contoso.emu.messages(mailbox, 'drafts').find((m) => m.id === id)).toBeUndefined();
	expect(contoso.emu.messages(mailbox, 'sentitems').map((m) => m.subject)).toContain('Reviewed');
});

test('a connection dropped after Graph sent it: checked, not sent a second time', async () => {
	const ann = addMailbox(contoso, 'ann-drop');
	const id = await createDraft(contoso, mailbox, { toRecipients: ann, subject: 'Exactly once' });
	contoso.emu.inject({ match: { method: 'POST', path: /\/messages\/[^/]+\/send$/ }, kind: 'drop-after' });
	const [out] = await runDraft(contoso, 'send', { mailbox, message: byId(id) });
	expect(contoso.emu.stats().faultsFired).toBeGreaterThanOrEqual(1);
	expect(out.json).toEqual({ id, sent: true, sendConfirmedAfterRetry: true });
	expect(inbox(ann).filter((m) => m.subject === 'Exactly once')).toHaveLength(1);
});

test('sending it again: refused as not a draft, nothing sent twice', async () => {
	const ann = addMailbox(contoso, 'ann-twice');
	const id = await createDraft(contoso, mailbox, { toRecipients: ann, subject: 'Only once' });
	await runDraft(contoso, 'send', { mailbox, message: byId(id) });
	const error = await failureOf(runDraft(contoso, 'send', { mailbox, message: byId(id) }));
	// Saved to Sent Items, the sent copy keeps its id in this emulator as in Exchange with immutable ids.
	expect(error.message).toMatch(new RegExp(`^Message: (no message "${id}"|"${id}" is not a draft)`));
	expect(inbox(ann)).toHaveLength(1);
});

test('an unknown draft id names the Message field', async () => {
	const error = await failureOf(runDraft(contoso, 'send', { mailbox, message: byId('AAMkNoSuchDraft=') }));
	expect(error.message).toBe(`Message: no message "AAMkNoSuchDraft=" in mailbox ${mailbox}`);
});

test('without recipients: Graph refuses it and the draft stays', async () => {
	const id = await createDraft(contoso, mailbox, { subject: 'To nobody' });
	await failureOf(runDraft(contoso, 'send', { mailbox, message: byId(id) }));
	expect(contoso.emu.messages(mailbox, 'drafts').find((m) => m.id === id)).toBeDefined();
});
