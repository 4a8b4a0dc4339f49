/** Reply All: the sender and every other recipient get the reply, the mailbox itself does not. */
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, byId, run, seed } from './messageFixture';

let contoso: Contoso;
let mailbox: string;
let sender: string;
let other: string;
let copied: string;

beforeAll(async () => {
	contoso = await startContoso();
	[mailbox, sender, other, copied] = ['team', 'boss', 'peer', 'observer'].map((n) => addMailbox(contoso, n));
});
afterAll(async () => {
	await contoso?.emu.stop();
});

const subjects = (upn: string) => contoso.emu.messages(upn, 'inbox').map((m) => m.subject);

test('everyone but the mailbox gets RE:, with the comment and the quoted original', async () => {
	const m = seed(contoso, mailbox, 'Plan', {
		from: { emailAddress: { address: sender } },
		toRecipients: [{ emailAddress: { address: mailbox } }, { emailAddress: { address: other } }],
		ccRecipients: [{ emailAddress: { address: copied } }],
		body: { contentType: 'text', content: 'Shall we?' },
	});
	const [out] = await run(contoso, 'replyAll', { mailbox, message: byId(m.id), comment: '<p>Yes</p>' });
	expect(out.json).toMatchObject({ action: 'replyAll', path: 'inline' });
	for (const upn of [sender, other, copied]) expect(subjects(upn)).toContain('RE: Plan');
	expect(subjects(mailbox).filter((s) => s === 'RE: Plan')).toHaveLength(0);
	const [atPeer] = contoso.emu.messages(other, 'inbox').filter((x) => x.subject === 'RE: Plan');
	expect(atPeer.body.content).toContain('<p>Yes</p>');
	expect(atPeer.body.content).toContain('Shall we?');
});

test('an extra BCC is added to everyone Outlook picked', async () => {
	const hidden = addMailbox(contoso, 'hidden');
	const m = seed(contoso, mailbox, 'Budget', { from: { emailAddress: { address: sender } }, toRecipients: [{ emailAddress: { address: mailbox } }, { emailAddress: { address: other } }] });
	const [out] = await run(contoso, 'replyAll', { mailbox, message: byId(m.id), comment: 'ok', options: { bccRecipients: hidden } });
	expect(out.json).toMatchObject({ path: 'draft', toRecipients: [sender, other], bccRecipients: [hidden] });
	for (const upn of [sender, other, hidden]) expect(subjects(upn)).toContain('RE: Budget');
	expect(contoso.emu.messages(sender, 'inbox').find((x) => x.subject === 'RE: Budget')!.bccRecipients).toEqual([]);
});
