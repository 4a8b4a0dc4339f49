/**
 * Reply: the reply is in the sender's inbox with the comment, the quoted original and the
 * attachments byte for byte; small attachments go in one request, large ones through a draft and an
 * upload session; a reply whose outcome is unknown is never sent again.
 */
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { binary, randomFile, sha256 } from '../send/sendFixture';
import { addMailbox, byId, failureOf, run, seed } from './messageFixture';

let contoso: Contoso;
let mailbox: string;
let customer: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'support');
	customer = addMailbox(contoso, 'customer');
});
afterAll(async () => {
	await contoso?.emu.stop();
});
afterEach(() => contoso.emu.clearFaults());

const fromCustomer = (subject: string) =>
	seed(contoso, mailbox, subject, { from: { emailAddress: { name: 'Customer', address: customer } }, body: { contentType: 'html', content: '<p>My printer is on fire</p>' } });
const inCustomerInbox = (subject: string) => contoso.emu.messages(customer, 'inbox').filter((m) => m.subject === subject);

test('a text comment with a small attachment: one reply request; in the inbox with the quoted original, bytes identical', async () => {
	const m = fromCustomer('Ticket 1');
	const file = randomFile(200_000);
	contoso.emu.resetStats();
	const [out] = await run(
		contoso,
		'reply',
		{ mailbox, message: byId(m.id), commentContentType: 'text', comment: 'We are on it.\nHang on <tight>.', options: { attachments: 'data' } },
		{ items: [{ json: {}, binary: { data: binary(file, 'steps.bin') } }] },
	);
	expect(out.json).toMatchObject({ path: 'inline', action: 'reply', inReplyToId: m.id, attachments: [{ name: 'steps.bin', size: 200_000 }] });
	expect(contoso.emu.stats().log.filter((l) => l.method === 'POST' && l.path.startsWith('/v1.0/')).map((l) => l.path.split('/').pop())).toEqual(['reply']);
	const [reply] = inCustomerInbox('RE: Ticket 1');
	expect(reply.body.content).toContain('We are on it.<br>Hang on &lt;tight&gt;.');
	expect(reply.body.content).toContain('My printer is on fire');
	expect(reply.inReplyTo).toBe(m.internetMessageId);
	expect(sha256(reply.attachments[0].contentBytes!)).toBe(sha256(file));
	expect(contoso.emu.messages(mailbox, 'sentitems').some((s) => s.subject === 'RE: Ticket 1')).toBe(true);
});

test('a 5 MB attachment: createReply draft + upload session + send; bytes identical, no draft left', async () => {
	const m = fromCustomer('Ticket 2');
	const file = randomFile(5 * 1024 * 1024 + 123);
	const [out] = await run(contoso, 'reply', { mailbox, message: byId(m.id), comment: '<p>Log attached</p>', options: { attachments: 'log' } }, { items: [{ json: {}, binary: { log: binary(file, 'log.bin') } }] });
	expect(out.json).toMatchObject({ path: 'draft', subject: 'RE: Ticket 2', toRecipients: [customer] });
	const [reply] = inCustomerInbox('RE: Ticket 2');
	expect(reply.body.content).toContain('<p>Log attached</p>');
	expect(reply.body.content).toContain('My printer is on fire');
	expect(sha256(reply.attachments[0].contentBytes!)).toBe(sha256(file));
	expect(contoso.emu.messages(mailbox, 'drafts')).toHaveLength(0);
	expect(contoso.emu.stats().log.some((l) => l.path.endsWith('/createReply'))).toBe(true);
});

test('extra To and CC are added to the sender (through the draft)', async () => {
	const m = fromCustomer('Ticket 3');
	const colleague = addMailbox(contoso, 'colleague');
	const [out] = await run(contoso, 'reply', { mailbox, message: byId(m.id), comment: 'cc my colleague', options: { ccRecipients: colleague } });
	expect(out.json).toMatchObject({ path: 'draft', toRecipients: [customer], ccRecipients: [colleague] });
	expect(inCustomerInbox('RE: Ticket 3')).toHaveLength(1);
	expect(contoso.emu.messages(colleague, 'inbox').filter((x) => x.subject === 'RE: Ticket 3')).toHaveLength(1);
});

test('Save to Sent Items off: sent, and no copy kept', async () => {
	const m = fromCustomer('Ticket 4');
	await run(contoso, 'reply', { mailbox, message: byId(m.id), comment: 'quiet', options: { saveToSentItems: false } });
	expect(inCustomerInbox('RE: Ticket 4')).toHaveLength(1);
	expect(contoso.emu.messages(mailbox, 'sentitems').some((s) => s.subject === 'RE: Ticket 4')).toBe(false);
});

test('200 items in a 429 storm: each reply arrives exactly once', async () => {
	const mails = Array.from({ length: 200 }, (_, i) => fromCustomer(`Storm ${i}`));
	// Every third mail is throttled twice before Graph takes its reply.
	mails.filter((_, i) => i % 3 === 0).forEach((m) => contoso.emu.inject({ match: { path: `${m.id}/reply` }, kind: 'status', status: 429, retryAfterSeconds: 0, times: 2 }));
	contoso.emu.resetStats();
	const out = await run(contoso, 'reply', { mailbox, message: byId('={{ $json.id }}'), comment: 'ok' }, { items: mails.map((m) => ({ json: { id: m.id } })) });
	expect(out.map((i) => i.json.inReplyToId)).toEqual(mails.map((m) => m.id));
	const arrived = new Map<string, number>();
	for (const r of contoso.emu.messages(customer, 'inbox')) if (r.subject.startsWith('RE: Storm ')) arrived.set(r.subject, (arrived.get(r.subject) ?? 0) + 1);
	expect(arrived.size).toBe(200);
	expect([...arrived.values()].every((n) => n === 1)).toBe(true);
	expect(contoso.emu.stats().throttled).toBe(2 * 67);
});

test('the connection breaks after the reply went out: the item fails as "may or may not", and it is not sent again', async () => {
	const m = fromCustomer('Ticket 5');
	contoso.emu.inject({ match: { path: /\/reply$/ }, kind: 'drop-after' });
	const error = await failureOf(run(contoso, 'reply', { mailbox, message: byId(m.id), comment: 'once' }));
	expect(error.message).toMatch(/may or may not have been carried out/);
	expect(inCustomerInbox('RE: Ticket 5')).toHaveLength(1);
});

test('draft way: the connection breaks after the send went out: the draft is checked, sent once, reported', async () => {
	const m = fromCustomer('Ticket 6');
	contoso.emu.inject({ match: { path: /\/send$/ }, kind: 'drop-after' });
	const [out] = await run(contoso, 'reply', { mailbox, message: byId(m.id), comment: 'checked', options: { saveToSentItems: false } });
	expect(out.json).toMatchObject({ path: 'draft', sendConfirmedAfterRetry: true });
	expect(inCustomerInbox('RE: Ticket 6')).toHaveLength(1);
});

test('an unknown message names the Message field and the item; nothing is sent', async () => {
	const m = fromCustomer('Ticket 7');
	const unknown = m.id.slice(0, -8) + 'AAAAAAA=';
	const error = await failureOf(run(contoso, 'reply', { mailbox, message: byId(unknown), comment: 'x' }));
	expect(error.message).toBe(`Message: no message "${unknown}" in mailbox ${mailbox}`);
});

test('a bad extra address names the field and the item', async () => {
	const m = fromCustomer('Ticket 8');
	const error = await failureOf(run(contoso, 'reply', { mailbox, message: byId(m.id), comment: 'x', options: { toRecipients: 'not-an-address' } }));
	expect(error.message).toMatch(/^Additional To: "not-an-address" is not a valid email address.*\[item 0\]$/);
	expect(inCustomerInbox('RE: Ticket 8')).toHaveLength(0);
});
