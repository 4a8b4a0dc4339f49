/** Forward: to the given recipients with the comment, the original's attachments and new ones; no recipient is a clear error. */
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { binary, randomFile, sha256 } from '../send/sendFixture';
import { addMailbox, byId, run, seed } from './messageFixture';

let contoso: Contoso;
let mailbox: string;
let accounting: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'frontdesk');
	accounting = addMailbox(contoso, 'accounting');
});
afterAll(async () => {
	await contoso?.emu.stop();
});

const arrived = (subject: string) => contoso.emu.messages(accounting, 'inbox').filter((m) => m.subject === subject);

test("forwarded with the comment, the original's attachment and an added one", async () => {
	const original = Buffer.from('%PDF-1.7 invoice');
	const m = seed(contoso, mailbox, 'Invoice 42', { attachments: [{ name: 'invoice.pdf', contentType: 'application/pdf', contentBytes: original }] });
	const added = randomFile(50_000);
	const [out] = await run(contoso, 'forward', { mailbox, message: byId(m.id), toRecipients: accounting, comment: 'Please pay', options: { attachments: 'note' } }, { items: [{ json: {}, binary: { note: binary(added, 'note.bin') } }] });
	expect(out.json).toMatchObject({ action: 'forward', path: 'inline', toRecipients: [accounting] });
	const [fw] = arrived('FW: Invoice 42');
	expect(fw.body.content).toContain('Please pay');
	expect(fw.body.content).toContain('Body of Invoice 42');
	expect(fw.attachments.map((a) => a.name)).toEqual(['invoice.pdf', 'note.bin']);
	expect(fw.attachments[0].contentBytes!.equals(original)).toBe(true);
	expect(sha256(fw.attachments[1].contentBytes!)).toBe(sha256(added));
});

test('a 4 MB attachment goes through createForward + upload session', async () => {
	const m = seed(contoso, mailbox, 'Scan');
	const big = randomFile(4 * 1024 * 1024);
	const [out] = await run(contoso, 'forward', { mailbox, message: byId(m.id), toRecipients: accounting, comment: 'scan', options: { attachments: 'scan' } }, { items: [{ json: {}, binary: { scan: binary(big, 'scan.bin') } }] });
	expect(out.json).toMatchObject({ path: 'draft', subject: 'FW: Scan', toRecipients: [accounting] });
	expect(sha256(arrived('FW: Scan')[0].attachments[0].contentBytes!)).toBe(sha256(big));
	expect(contoso.emu.messages(mailbox, 'drafts')).toHaveLength(0);
});

test('no recipient: "To" is named with the item, nothing is sent, the other items are', async () => {
	const good = seed(contoso, mailbox, 'Good');
	const bad = seed(contoso, mailbox, 'Bad');
	const out = await run(contoso, 'forward', { mailbox, message: byId('={{ $json.id }}'), toRecipients: '={{ $json.to }}', comment: 'fyi' }, {
		items: [{ json: { id: good.id, to: accounting } }, { json: { id: bad.id, to: '' } }],
		continueOnFail: true,
	});
	expect(out[0].json.error).toBeUndefined();
	expect(out[1].json.error).toBe('To: Forward needs at least one recipient: enter an address [item 1]');
	expect(arrived('FW: Good')).toHaveLength(1);
	expect(arrived('FW: Bad')).toHaveLength(0);
});
