/** Get: one attachment's metadata; an unknown attachment ID names the Attachment ID field and the item. */
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, byId, failureOf, randomFile, run, seed } from './attachmentFixture';

let contoso: Contoso;
let mailbox: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'getter');
});
afterAll(async () => {
	await contoso?.emu.stop();
});

test("an attachment's metadata, no bytes", async () => {
	const m = seed(contoso, mailbox, 'One', { attachments: [{ name: 'scan.jpg', contentType: 'image/jpeg', contentBytes: randomFile(777), isInline: true, contentId: 'scan1' }] });
	const [a] = contoso.emu.messages(mailbox).find((x) => x.id === m.id)!.attachments;
	const [out] = await run(contoso, 'get', { mailbox, message: byId(m.id), attachmentId: a.id });
	expect(out.json).toMatchObject({ id: a.id, name: 'scan.jpg', kind: 'file', contentType: 'image/jpeg', size: 777, isInline: true, contentId: 'scan1', messageId: m.id });
	expect(out.json).not.toHaveProperty('contentBytes');
});

test('an unknown attachment ID names the field, the message and the item', async () => {
	const m = seed(contoso, mailbox, 'Has one', { attachments: [{ name: 'a.txt', contentBytes: randomFile(5) }] });
	const [a] = contoso.emu.messages(mailbox).find((x) => x.id === m.id)!.attachments;
	const unknown = a.id.slice(0, -8) + 'AAAAAAA=';
	const error = await failureOf(run(contoso, 'get', { mailbox, message: byId(m.id), attachmentId: unknown }, { items: [{ json: {} }, { json: {} }] }));
	expect(error.message).toBe(`Attachment ID: no attachment "${unknown}" on message "${m.id}" in mailbox ${mailbox} [item 0]`);
});

test('an empty attachment ID names the field and the item, an unknown message the Message field', async () => {
	const m = seed(contoso, mailbox, 'Empty id');
	expect((await failureOf(run(contoso, 'get', { mailbox, message: byId(m.id), attachmentId: ' ' }))).message).toMatch(/^Attachment ID: enter the ID of the attachment .* \[item 0\]$/);
	const unknown = m.id.slice(0, -8) + 'AAAAAAA=';
	const error = await failureOf(run(contoso, 'get', { mailbox, message: byId(unknown), attachmentId: 'AAMkATxyz' }));
	expect(error.message).toBe(`Message: no message "${unknown}" in mailbox ${mailbox}`);
});
