/** Export as .eml: the MIME a mail parser reads back as the same mail, as n8n binary data named after the subject. */
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { parseMail } from '../../../../emulator/test/mailParser';
import { executeContext } from '../../../harness/n8nContext';
import { randomFile, sha256 } from '../send/sendFixture';
import { addMailbox, byId, failureOf, node, run, seed } from './messageFixture';

let contoso: Contoso;
let mailbox: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'archiver');
});
afterAll(async () => {
	await contoso?.emu.stop();
});

async function bytesOf(binary: { data: string; id?: string }): Promise<Buffer> {
	if (!binary.id) return Buffer.from(binary.data, 'base64');
	const { context } = executeContext({ nodeType: node, parameters: {} });
	return await context.helpers.binaryToBuffer(await context.helpers.getBinaryStream(binary.id));
}

test('an .eml named after the subject that parses back to the same mail, attachment bytes identical', async () => {
	const file = randomFile(300_000);
	const m = seed(contoso, mailbox, 'Vertrag: März/2026 <final>?', {
		body: { contentType: 'html', content: '<p>Grüße aus Köln</p>' },
		attachments: [{ name: 'vertrag.pdf', contentType: 'application/pdf', contentBytes: file }],
	});
	const [out] = await run(contoso, 'export', { mailbox, message: byId(m.id) }, { items: [{ json: { keep: true } }] });
	expect(out.json).toMatchObject({ id: m.id, subject: 'Vertrag: März/2026 <final>?', fileName: 'Vertrag März 2026 final.eml' });
	const binary = out.binary!.data;
	expect(binary).toMatchObject({ fileName: 'Vertrag März 2026 final.eml', mimeType: 'message/rfc822', fileExtension: 'eml' });
	const parsed = await parseMail(await bytesOf(binary as never));
	expect(parsed.subject).toBe('Vertrag: März/2026 <final>?');
	expect(parsed.messageId).toBe(m.internetMessageId);
	expect(parsed.from?.value[0].address).toBe('customer@fabrikam.example');
	expect(parsed.html).toContain('Grüße aus Köln');
	expect(parsed.attachments.map((a) => a.filename)).toEqual(['vertrag.pdf']);
	expect(sha256(parsed.attachments[0].content)).toBe(sha256(file));
	expect(out.json.size).toBe(Buffer.from((binary as { data: string }).data, 'base64').length);
});

test('into another binary field, keeping the binary data the item already had', async () => {
	const m = seed(contoso, mailbox, '');
	const [out] = await run(contoso, 'export', { mailbox, message: byId(m.id), binaryPropertyName: 'eml' }, { items: [{ json: {}, binary: { other: { data: Buffer.from('x').toString('base64'), mimeType: 'text/plain' } } }] });
	expect(Object.keys(out.binary!).sort()).toEqual(['eml', 'other']);
	expect(out.binary!.eml.fileName).toBe('message.eml');
});

test('an unknown message names the Message field and the item', async () => {
	const m = seed(contoso, mailbox, 'Known');
	const unknown = m.id.slice(0, -8) + 'AAAAAAA=';
	const error = await failureOf(run(contoso, 'export', { mailbox, message: byId(unknown) }));
	expect(error.message).toBe(`Message: no message "${unknown}" in mailbox ${mailbox}`);
});
