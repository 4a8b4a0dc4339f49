/** Get Message: one mail by id, the same shapes as Get Messages, clear errors for ids that name nothing. */
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, failureOf, run } from './readFixture';

let contoso: Contoso;
let mailbox: string;
let id: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'reader-one');
	id = contoso.emu.seedMessage(mailbox, 'inbox', {
		subject: 'Hello <you>',
		from: { emailAddress: { name: 'Alice', address: 'alice@contoso.onmicrosoft.com' } },
		toRecipients: [{ emailAddress: { address: mailbox } }],
		ccRecipients: [{ emailAddress: { address: 'bob@contoso.onmicrosoft.com' } }],
		body: { contentType: 'html', content: '<p>Line one<br>Line &amp; two</p>' },
		importance: 'high',
	}).id;
});
afterAll(async () => {
	await contoso?.emu.stop();
});

test('simplified by id', async () => {
	const out = await run(contoso, { operation: 'get', mailbox, messageId: id });
	expect(out).toHaveLength(1);
	expect(out[0].json).toMatchObject({
		id,
		subject: 'Hello <you>',
		fromName: 'Alice',
		fromAddress: 'alice@contoso.onmicrosoft.com',
		to: [mailbox],
		cc: ['bob@contoso.onmicrosoft.com'],
		importance: 'high',
		isRead: false,
	});
	expect(out[0].pairedItem).toEqual({ item: 0 });
});

test('raw, body as text or HTML', async () => {
	const text = await run(contoso, { operation: 'get', mailbox, messageId: id, output: 'raw', options: { bodyFormat: 'text' } });
	expect(text[0].json.body).toEqual({ contentType: 'text', content: 'Line one\nLine & two' });
	const html = await run(contoso, { operation: 'get', mailbox, messageId: id, output: 'raw', options: { bodyFormat: 'html' } });
	expect(html[0].json.body).toEqual({ contentType: 'html', content: '<p>Line one<br>Line &amp; two</p>' });
});

test('one output per input item, each its own message', async () => {
	const other = contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'Second' }).id;
	const out = await run(contoso, { operation: 'get', mailbox, messageId: '={{ $json.id }}' }, [{ json: { id } }, { json: { id: other } }]);
	expect(out.map((i) => [i.json.id, i.pairedItem])).toEqual([
		[id, { item: 0 }],
		[other, { item: 1 }],
	]);
});

test('an unknown or malformed id names the Message ID field and the item', async () => {
	const unknown = id.slice(0, -8) + 'AAAAAAA=';
	for (const messageId of [unknown, 'not-an-id']) {
		const error = await failureOf(run(contoso, { operation: 'get', mailbox, messageId: '={{ $json.id }}' }, [{ json: { id } }, { json: { id: messageId } }]));
		expect(error.message).toBe(`Message ID: no message "${messageId}" in mailbox ${mailbox}`);
		expect(error.context?.itemIndex).toBe(1);
	}
});

test('an empty id is refused before asking Graph', async () => {
	const error = await failureOf(run(contoso, { operation: 'get', mailbox, messageId: ' ' }));
	expect(error.message).toBe('Message ID: enter the ID of the message');
});
