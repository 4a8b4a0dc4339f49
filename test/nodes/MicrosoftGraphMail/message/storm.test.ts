/**
 * 200 items of each acting operation while Graph throttles every third item twice: each item is
 * handled exactly once (counted in the mailboxes), output in input order with paired items.
 */
import type { INodeParameters } from 'n8n-workflow';
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, byId, run, seed } from './messageFixture';

const ITEMS = 200;
let contoso: Contoso;
let mailbox: string;
let archive: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'stormy');
	archive = addMailbox(contoso, 'stormy-archive');
});
afterAll(async () => {
	await contoso?.emu.stop();
});
afterEach(() => contoso.emu.clearFaults());

async function storm(operation: string, parameters: INodeParameters, pathSuffix: string) {
	const mails = Array.from({ length: ITEMS }, (_, i) => seed(contoso, mailbox, `${operation} ${i}`));
	mails.filter((_, i) => i % 3 === 0).forEach((m) => contoso.emu.inject({ match: { path: `${m.id}${pathSuffix}` }, kind: 'status', status: 429, retryAfterSeconds: 0, times: 2 }));
	contoso.emu.resetStats();
	const out = await run(contoso, operation, { mailbox, message: byId('={{ $json.id }}'), ...parameters }, { items: mails.map((m) => ({ json: { id: m.id } })) });
	expect(out.map((o) => o.pairedItem)).toEqual(mails.map((_, i) => ({ item: i })));
	expect(contoso.emu.stats().throttled).toBe(2 * Math.ceil(ITEMS / 3));
	return mails;
}

const count = (upn: string, folder: string, prefix: string) => {
	const seen = new Map<string, number>();
	for (const m of contoso.emu.messages(upn, folder)) if (m.subject.startsWith(prefix)) seen.set(m.subject, (seen.get(m.subject) ?? 0) + 1);
	return seen;
};

test('Update (mark read)', async () => {
	const mails = await storm('update', { updateFields: { readStatus: 'read' } }, '');
	const ids = new Set(mails.map((m) => m.id));
	expect(contoso.emu.messages(mailbox, 'inbox').filter((m) => ids.has(m.id) && m.isRead)).toHaveLength(ITEMS);
});

test('Move', async () => {
	const mails = await storm('move', { folder: { __rl: true, mode: 'list', value: 'archive' } }, '/move');
	const ids = new Set(contoso.emu.messages(mailbox, 'archive').map((m) => m.id));
	expect(mails.every((m) => ids.has(m.id))).toBe(true);
	expect(contoso.emu.messages(mailbox, 'inbox').some((m) => m.subject.startsWith('move '))).toBe(false);
});

test('Copy', async () => {
	await storm('copy', { folder: { __rl: true, mode: 'list', value: 'drafts' } }, '/copy');
	const copies = count(mailbox, 'drafts', 'copy ');
	expect(copies.size).toBe(ITEMS);
	expect([...copies.values()].every((n) => n === 1)).toBe(true);
});

test('Forward', async () => {
	await storm('forward', { toRecipients: archive, comment: 'archived' }, '/forward');
	const arrived = count(archive, 'inbox', 'FW: forward ');
	expect(arrived.size).toBe(ITEMS);
	expect([...arrived.values()].every((n) => n === 1)).toBe(true);
});

test('Delete', async () => {
	const mails = await storm('delete', {}, '');
	const ids = new Set(contoso.emu.messages(mailbox, 'deleteditems').map((m) => m.id));
	expect(mails.every((m) => ids.has(m.id))).toBe(true);
});
