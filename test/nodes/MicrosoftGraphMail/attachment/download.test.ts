/** Download: files byte for byte, attached mails as .eml, cloud links as JSON; inline images optional. */
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { parseMail } from '../../../../emulator/test/mailParser';
import { addMailbox, byId, failureOf, randomFile, run, seed, sha256, stored } from './attachmentFixture';

let contoso: Contoso;
let mailbox: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'saver');
});
afterAll(async () => {
	await contoso?.emu.stop();
});

const bytesOf = (b: { data: string }) => Buffer.from(b.data, 'base64');

const pdf = randomFile(2_500_000);
const logo = randomFile(300);

function mixed() {
	return seed(contoso, mailbox, 'Mixed', {
		attachments: [
			{ name: 'invoice.pdf', contentType: 'application/pdf', contentBytes: pdf },
			{ name: 'logo.png', contentType: 'image/png', contentBytes: logo, isInline: true, contentId: 'logo@acme' },
			{ kind: 'item', name: 'Forwarded: Offer', item: { subject: 'Offer', body: { contentType: 'text', content: 'See the offer' } } },
			{ kind: 'reference', name: 'plan.xlsx', sourceUrl: 'https://contoso.sharepoint.com/plan.xlsx' },
		],
	});
}

test('every attachment, one item each: files identical (sha256), the attached mail as .eml, the link as JSON', async () => {
	const m = mixed();
	const out = await run(contoso, 'download', { mailbox, message: byId(m.id) });
	expect(out.map((o) => o.json.name)).toEqual(['invoice.pdf', 'logo.png', 'Forwarded: Offer', 'plan.xlsx']);
	const [file, inline, item, reference] = out;
	expect(file.binary!.data).toMatchObject({ fileName: 'invoice.pdf', mimeType: 'application/pdf' });
	expect(sha256(bytesOf(file.binary!.data as never))).toBe(sha256(pdf));
	expect(sha256(bytesOf(inline.binary!.data as never))).toBe(sha256(logo));
	expect(inline.json).toMatchObject({ isInline: true, contentId: 'logo@acme' });
	expect(item.binary!.data).toMatchObject({ fileName: 'Forwarded Offer.eml', mimeType: 'message/rfc822' });
	const parsed = await parseMail(bytesOf(item.binary!.data as never));
	expect(parsed.subject).toBe('Offer');
	expect(parsed.text?.trim()).toBe('See the offer');
	expect(reference.binary).toBeUndefined();
	expect(reference.json).toMatchObject({ kind: 'reference', sourceUrl: 'https://contoso.sharepoint.com/plan.xlsx' });
});

test('inline images skipped on request; one attachment by ID into another field', async () => {
	const m = mixed();
	const skipped = await run(contoso, 'download', { mailbox, message: byId(m.id), options: { includeInline: false } });
	expect(skipped.map((o) => o.json.name)).toEqual(['invoice.pdf', 'Forwarded: Offer', 'plan.xlsx']);
	const logoId = stored(contoso, mailbox, m.id)!.attachments[1].id;
	const [one] = await run(contoso, 'download', { mailbox, message: byId(m.id), attachmentId: logoId, binaryPropertyName: 'image' });
	expect(Object.keys(one.binary!)).toEqual(['image']);
	expect(sha256(bytesOf(one.binary!.image as never))).toBe(sha256(logo));
});

test('an unknown attachment ID names the field and the item', async () => {
	const m = mixed();
	const unknown = stored(contoso, mailbox, m.id)!.attachments[0].id.slice(0, -8) + 'AAAAAAA=';
	const error = await failureOf(run(contoso, 'download', { mailbox, message: byId(m.id), attachmentId: unknown }));
	expect(error.message).toBe(`Attachment ID: no attachment "${unknown}" on message "${m.id}" in mailbox ${mailbox} [item 0]`);
});

test('many items: each attachment paired with its input item; a bad item fails alone with continue-on-fail', async () => {
	const a = seed(contoso, mailbox, 'First', { attachments: [{ name: 'one.txt', contentBytes: randomFile(10) }, { name: 'two.txt', contentBytes: randomFile(10) }] });
	const b = seed(contoso, mailbox, 'Second', { attachments: [{ name: 'three.txt', contentBytes: randomFile(10) }] });
	const unknown = stored(contoso, mailbox, b.id)!.attachments[0].id.slice(0, -8) + 'AAAAAAA=';
	const out = await run(
		contoso,
		'download',
		{ mailbox, message: byId('={{ $json.id }}'), attachmentId: '={{ $json.attachmentId }}' },
		{ items: [{ json: { id: a.id, attachmentId: '' } }, { json: { id: b.id, attachmentId: unknown } }], continueOnFail: true },
	);
	expect(out.map((o) => [o.json.name ?? o.json.error, o.pairedItem])).toEqual([
		['one.txt', { item: 0 }],
		['two.txt', { item: 0 }],
		[`Attachment ID: no attachment "${unknown}" on message "${b.id}" in mailbox ${mailbox} [item 1]`, { item: 1 }],
	]);
});
