/** Create Draft: Send Mail's fields, saved in Drafts; attachments of any size read back byte for byte. */
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, binary, failureOf, randomFile, runDraft, sha256 } from './draftFixture';

let contoso: Contoso;
let mailbox: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'drafter');
});
afterAll(async () => {
	await contoso?.emu.stop();
});

const drafts = () => contoso.emu.messages(mailbox, 'drafts');

test('every field lands on the draft; a 5 MB and a small attachment read back with identical bytes; nothing is sent', async () => {
	const big = randomFile(5 * 1024 * 1024);
	const small = randomFile(2000);
	const [out] = await runDraft(contoso, 'create', {
		mailbox,
		toRecipients: 'Ann <ann@contoso.com>; bob@fabrikam.com',
		ccRecipients: 'cc@contoso.com',
		bccRecipients: 'bcc@contoso.com',
		subject: 'For review',
		bodyContentType: 'html',
		bodyContent: '<p>Please check</p>',
		options: {
			attachments: 'big, small',
			categories: 'Red, Review',
			importance: 'high',
			replyTo: 'replies@contoso.com',
			isReadReceiptRequested: true,
			internetHeaders: { header: [{ name: 'x-crm-reference', value: 'CASE-1' }] },
		},
	}, { items: [{ json: {}, binary: { big: binary(big, 'big.bin'), small: binary(small, 'small.txt', 'text/plain') } }] });

	const [draft] = drafts();
	expect(draft).toMatchObject({
		id: out.json.id,
		isDraft: true,
		subject: 'For review',
		importance: 'high',
		categories: ['Red', 'Review'],
		isReadReceiptRequested: true,
		body: { contentType: 'html', content: '<p>Please check</p>' },
	});
	const addressesOf = (list: { emailAddress: { address?: string } }[]) => list.map((r) => r.emailAddress.address);
	expect(draft.toRecipients[0].emailAddress).toEqual({ name: 'Ann', address: 'ann@contoso.com' });
	expect(addressesOf(draft.toRecipients)).toEqual(['ann@contoso.com', 'bob@fabrikam.com']);
	expect(addressesOf(draft.ccRecipients)).toEqual(['cc@contoso.com']);
	expect(addressesOf(draft.bccRecipients)).toEqual(['bcc@contoso.com']);
	expect(addressesOf(draft.replyTo)).toEqual(['replies@contoso.com']);
	expect(draft.internetMessageHeaders).toEqual([{ name: 'x-crm-reference', value: 'CASE-1' }]);
	expect(draft.attachments.map((a) => a.name).sort()).toEqual(['big.bin', 'small.txt']);
	expect(sha256(draft.attachments.find((a) => a.name === 'big.bin')!.contentBytes!)).toBe(sha256(big));
	expect(sha256(draft.attachments.find((a) => a.name === 'small.txt')!.contentBytes!)).toBe(sha256(small));
	expect(contoso.emu.outbound()).toEqual([]);
	expect(out.json).toMatchObject({ id: draft.id, isDraft: true, subject: 'For review', hasAttachments: true });
});

test('a draft may have no recipients yet', async () => {
	const [out] = await runDraft(contoso, 'create', { mailbox, subject: 'Nobody yet', bodyContent: 'x' });
	expect(drafts().find((m) => m.id === out.json.id)).toMatchObject({ subject: 'Nobody yet', toRecipients: [] });
});

test('an invalid address names the field and the item, and creates nothing', async () => {
	const before = drafts().length;
	const error = await failureOf(
		runDraft(contoso, 'create', { mailbox, toRecipients: '', ccRecipients: 'not an address', subject: 's' }, { items: [{ json: {} }, { json: {} }] }),
	);
	expect(error.message).toMatch(/^CC: .*not an address.*\[item 0\]$/);
	expect(drafts()).toHaveLength(before);
});

test('a missing binary property names Attachments and the item', async () => {
	const error = await failureOf(runDraft(contoso, 'create', { mailbox, subject: 's', options: { attachments: 'nope' } }));
	expect(error.message).toMatch(/^Attachments: The item has no binary property "nope".*\[item 0\]$/);
});

test('an attachment that cannot be added: the half-made draft is deleted, the error says so', async () => {
	const before = drafts().length;
	contoso.emu.inject({ match: { method: 'POST', path: /\/attachments\/createUploadSession$/ }, kind: 'status', status: 400 });
	const error = await failureOf(
		runDraft(contoso, 'create', { mailbox, toRecipients: 'ann@contoso.com', subject: 'Half', options: { attachments: 'big' } }, {
			items: [{ json: {}, binary: { big: binary(randomFile(3 * 1024 * 1024 + 1), 'big.bin') } }],
		}),
	);
	contoso.emu.clearFaults();
	expect(String(error.description)).toContain('The draft without all its attachments was deleted.');
	expect(drafts()).toHaveLength(before);
});
