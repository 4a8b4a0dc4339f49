/** Add: binary data becomes attachments of a message or draft, small ones by POST, 3 MB and more by upload session. */
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, binary, byId, failureOf, randomFile, run, seed, sha256, stored } from './attachmentFixture';

let contoso: Contoso;
let mailbox: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'clerk');
});
afterAll(async () => {
	await contoso?.emu.stop();
});

test('a 5 MB file (upload session) and a small one (one POST) arrive byte for byte in the draft', async () => {
	const big = randomFile(5 * 1024 * 1024);
	const small = randomFile(20_000);
	const draft = contoso.emu.seedMessage(mailbox, 'drafts', { subject: 'Report', isDraft: true });
	contoso.emu.resetStats();
	const [out] = await run(
		contoso,
		'add',
		{ mailbox, message: byId(draft.id), binaryPropertyNames: 'report, notes' },
		{ items: [{ json: {}, binary: { report: binary(big, 'report.pdf', 'application/pdf'), notes: binary(small, 'notes.txt', 'text/plain') } }] },
	);
	const held = stored(contoso, mailbox, draft.id)!.attachments;
	expect(held.map((a) => a.name).sort()).toEqual(['notes.txt', 'report.pdf']);
	const report = held.find((a) => a.name === 'report.pdf')!;
	expect(sha256(report.contentBytes!)).toBe(sha256(big));
	expect(report.contentType).toBe('application/pdf');
	expect(sha256(held.find((a) => a.name === 'notes.txt')!.contentBytes!)).toBe(sha256(small));
	expect(out.json).toMatchObject({
		messageId: draft.id,
		attachments: [
			{ id: report.id, name: 'report.pdf', size: big.length, via: 'uploadSession', binaryProperty: 'report' },
			{ id: held.find((a) => a.name === 'notes.txt')!.id, name: 'notes.txt', size: small.length, via: 'post' },
		],
	});
});

test('an inline image keeps its content ID', async () => {
	const draft = contoso.emu.seedMessage(mailbox, 'drafts', { subject: 'Logo', isDraft: true, body: { contentType: 'html', content: '<img src="cid:logo@acme">' } });
	await run(contoso, 'add', { mailbox, message: byId(draft.id), binaryPropertyNames: '', options: { inlineImages: 'logo=logo@acme' } }, { items: [{ json: {}, binary: { logo: binary(randomFile(500), 'logo.png', 'image/png') } }] });
	expect(stored(contoso, mailbox, draft.id)!.attachments).toMatchObject([{ name: 'logo.png', isInline: true, contentId: 'logo@acme' }]);
});

test('a missing binary property names the field and the item, and nothing is added', async () => {
	const m = seed(contoso, mailbox, 'Nothing to add');
	contoso.emu.resetStats();
	const error = await failureOf(run(contoso, 'add', { mailbox, message: byId(m.id), binaryPropertyNames: 'data, missing' }, { items: [{ json: {}, binary: { data: binary(randomFile(10), 'a.bin') } }] }));
	expect(error.message).toBe('Attachments: The item has no binary property "missing" (binary properties it has: data) [item 0]');
	expect(contoso.emu.stats().graphRequests).toBe(0);
	expect(stored(contoso, mailbox, m.id)!.attachments).toEqual([]);
});

test('an unknown message names the Message field', async () => {
	const m = seed(contoso, mailbox, 'Known');
	const unknown = m.id.slice(0, -8) + 'AAAAAAA=';
	const error = await failureOf(run(contoso, 'add', { mailbox, message: byId(unknown) }, { items: [{ json: {}, binary: { data: binary(randomFile(10), 'a.bin') } }] }));
	expect(error.message).toBe(`Message: no message "${unknown}" in mailbox ${mailbox}`);
});

test('a file over 150 MB fails naming the field and the item before any request', async () => {
	const m = seed(contoso, mailbox, 'Too big');
	// A stored binary's size is its recorded byte count: no 150 MB needs to exist for the check.
	const huge = { id: 'filesystem-v2:workflows/1/executions/1/binary_data/huge', data: 'filesystem-v2', bytes: 150 * 1024 * 1024 + 1, fileName: 'huge.iso', mimeType: 'application/octet-stream' };
	contoso.emu.resetStats();
	const error = await failureOf(run(contoso, 'add', { mailbox, message: byId(m.id), binaryPropertyNames: 'huge' }, { items: [{ json: {}, binary: { huge } }] }));
	expect(error.message).toBe('Attachments: "huge.iso" (binary property "huge") is 157286401 bytes (150.0 MB): Graph attaches files up to 157286400 bytes (150 MB) [item 0]');
	expect(contoso.emu.stats().graphRequests).toBe(0);
	expect(stored(contoso, mailbox, m.id)!.attachments).toEqual([]);
});
