/** Get Many: each attachment's metadata (kind from @odata.type, content ID of inline images), inline ones skippable. */
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, byId, failureOf, randomFile, run, seed } from './attachmentFixture';

let contoso: Contoso;
let mailbox: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'lister');
});
afterAll(async () => {
	await contoso?.emu.stop();
});

function mixed() {
	return seed(contoso, mailbox, 'Mixed', {
		attachments: [
			{ name: 'invoice.pdf', contentType: 'application/pdf', contentBytes: randomFile(1234) },
			{ name: 'logo.png', contentType: 'image/png', contentBytes: randomFile(50), isInline: true, contentId: 'logo@acme' },
			{ kind: 'item', name: 'Forwarded', item: { subject: 'Inner mail', body: { contentType: 'text', content: 'inner' } } },
			{ kind: 'reference', name: 'plan.xlsx', sourceUrl: 'https://contoso.sharepoint.com/plan.xlsx' },
		],
	});
}

test('one item per attachment with name, type, size, inline flag, content ID and kind', async () => {
	const m = mixed();
	const ids = contoso.emu.messages(mailbox).find((x) => x.id === m.id)!.attachments.map((a) => a.id);
	const out = await run(contoso, 'getAll', { mailbox, message: byId(m.id) });
	expect(out.map((o) => o.json)).toEqual([
		expect.objectContaining({ id: ids[0], name: 'invoice.pdf', kind: 'file', contentType: 'application/pdf', size: 1234, isInline: false, contentId: null, messageId: m.id }),
		expect.objectContaining({ id: ids[1], name: 'logo.png', kind: 'file', isInline: true, contentId: 'logo@acme' }),
		expect.objectContaining({ id: ids[2], name: 'Forwarded', kind: 'item' }),
		expect.objectContaining({ id: ids[3], name: 'plan.xlsx', kind: 'reference', sourceUrl: 'https://contoso.sharepoint.com/plan.xlsx' }),
	]);
	expect(out[0].json).not.toHaveProperty('contentBytes');
});

test('inline images left out on request', async () => {
	const m = mixed();
	const out = await run(contoso, 'getAll', { mailbox, message: byId(m.id), options: { includeInline: false } });
	expect(out.map((o) => o.json.name)).toEqual(['invoice.pdf', 'Forwarded', 'plan.xlsx']);
});

test('a message without attachments gives no items; an unknown one names the Message field', async () => {
	const m = seed(contoso, mailbox, 'Plain');
	expect(await run(contoso, 'getAll', { mailbox, message: byId(m.id) })).toEqual([]);
	const unknown = m.id.slice(0, -8) + 'AAAAAAA=';
	const error = await failureOf(run(contoso, 'getAll', { mailbox, message: byId(unknown) }));
	expect(error.message).toBe(`Message: no message "${unknown}" in mailbox ${mailbox}`);
});
