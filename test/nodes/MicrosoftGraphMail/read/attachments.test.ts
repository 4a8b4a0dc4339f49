/** Attachments into binary properties: bytes identical, size cap honoured, item and reference attachments described. */
import { randomBytes } from 'crypto';
import type { IBinaryData } from 'n8n-workflow';
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, folderFromList, getMessages, run } from './readFixture';

let contoso: Contoso;
let mailbox: string;
let messageId: string;
const big = randomBytes(1_500_000);
const small = Buffer.from('name,amount\nfabrikam,42\n');

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'reader-attachments');
	messageId = contoso.emu.seedMessage(mailbox, 'inbox', {
		subject: 'With attachments',
		attachments: [
			{ name: 'scan.pdf', contentType: 'application/pdf', contentBytes: big },
			{ name: 'totals.csv', contentType: 'text/csv', contentBytes: small },
			{ '@odata.type': '#microsoft.graph.itemAttachment', name: 'Forwarded mail', item: { subject: 'Inner', body: { contentType: 'text', content: 'inner' } } },
			{ '@odata.type': '#microsoft.graph.referenceAttachment', name: 'Budget.xlsx', sourceUrl: 'https://contoso.sharepoint.com/Budget.xlsx' },
		],
	}).id;
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'No attachments', receivedDateTime: '2020-01-01T00:00:00Z' });
});
afterAll(async () => {
	await contoso?.emu.stop();
});

function bytesOf(data: IBinaryData): Buffer {
	return Buffer.from(data.data, 'base64');
}

test('file attachments arrive byte for byte; others are described', async () => {
	const out = await getMessages(contoso, mailbox, { folder: folderFromList('inbox'), returnAll: true, options: { downloadAttachments: true } });
	expect(out).toHaveLength(2);
	const [withAttachments, without] = out;
	expect(Object.keys(withAttachments.binary ?? {})).toEqual(['attachment_0', 'attachment_1']);
	expect(bytesOf(withAttachments.binary!.attachment_0).equals(big)).toBe(true);
	expect(withAttachments.binary!.attachment_0).toMatchObject({ fileName: 'scan.pdf', mimeType: 'application/pdf' });
	expect(bytesOf(withAttachments.binary!.attachment_1).equals(small)).toBe(true);
	expect(withAttachments.binary!.attachment_1).toMatchObject({ fileName: 'totals.csv', mimeType: 'text/csv' });
	const described = withAttachments.json.attachments as Record<string, unknown>[];
	expect(described.map((a) => [a.name, a.kind, a.binaryProperty ?? null])).toEqual([
		['scan.pdf', 'file', 'attachment_0'],
		['totals.csv', 'file', 'attachment_1'],
		['Forwarded mail', 'item', null],
		['Budget.xlsx', 'reference', null],
	]);
	expect(described[3].sourceUrl).toBe('https://contoso.sharepoint.com/Budget.xlsx');
	expect(without.binary).toBeUndefined();
	expect(without.json.attachments).toEqual([]);
});

test('a custom prefix and a size cap: larger files are described, not downloaded', async () => {
	const out = await run(contoso, { operation: 'get', mailbox, messageId, options: { downloadAttachments: true, attachmentPrefix: 'file_', maxAttachmentSize: 1 } });
	expect(Object.keys(out[0].binary ?? {})).toEqual(['file_0']);
	expect(bytesOf(out[0].binary!.file_0).equals(small)).toBe(true);
	const scan = (out[0].json.attachments as Record<string, unknown>[])[0];
	expect(scan).toMatchObject({ name: 'scan.pdf', kind: 'file', size: big.length });
	expect(scan.skipped).toMatch(/larger than the size cap/);
});

test('without the option nothing is downloaded', async () => {
	const out = await run(contoso, { operation: 'get', mailbox, messageId });
	expect(out[0].binary).toBeUndefined();
	expect(out[0].json.attachments).toBeUndefined();
	expect(out[0].json.hasAttachments).toBe(true);
});
