/** Filters: only matching mail is emitted; mail that does not match is consumed, never fetched again. */
import { startContoso, type Contoso } from '../../fixtures/contoso';
import { addMailbox, graphAsApp, subjects, Trigger } from './triggerFixture';

let contoso: Contoso;
beforeAll(async () => {
	contoso = await startContoso();
});
afterAll(async () => {
	await contoso?.emu.stop();
});

const from = (address: string) => ({ emailAddress: { address, name: address } });
const file = { name: 'a.txt', contentType: 'text/plain', contentBytes: Buffer.from('a') };

function seedMix(mailbox: string) {
	const seed = (subject: string, extra: object = {}) => contoso.emu.seedMessage(mailbox, 'inbox', { subject, ...extra });
	seed('Invoice 1 from fabrikam', { from: from('billing@fabrikam.example'), importance: 'high', attachments: [file] });
	seed('Invoice 2 read already', { from: from('billing@fabrikam.example'), isRead: true, attachments: [file] });
	seed('Invoice 3 no attachment', { from: from('billing@fabrikam.example'), importance: 'high' });
	seed('Invoice 4 other sender', { from: from('eve@phish.example'), importance: 'high', attachments: [file] });
	seed('Lunch', { from: from('bob@fabrikam.example'), importance: 'low' });
	seed('INVOICE 5 upper case', { from: from('Alice@Contoso.onmicrosoft.com'), importance: 'high', attachments: [file] });
}

test.each([
	[{ from: '@fabrikam.example' }, ['Invoice 1 from fabrikam', 'Invoice 2 read already', 'Invoice 3 no attachment', 'Lunch']],
	[{ from: 'alice@contoso.onmicrosoft.com, eve@phish.example' }, ['Invoice 4 other sender', 'INVOICE 5 upper case']],
	[{ from: 'fabrikam.example' }, ['Invoice 1 from fabrikam', 'Invoice 2 read already', 'Invoice 3 no attachment', 'Lunch']],
	[{ subjectContains: 'invoice' }, ['Invoice 1 from fabrikam', 'Invoice 2 read already', 'Invoice 3 no attachment', 'Invoice 4 other sender', 'INVOICE 5 upper case']],
	[{ hasAttachments: true }, ['Invoice 1 from fabrikam', 'Invoice 2 read already', 'Invoice 4 other sender', 'INVOICE 5 upper case']],
	[{ unreadOnly: true }, ['Invoice 1 from fabrikam', 'Invoice 3 no attachment', 'Invoice 4 other sender', 'Lunch', 'INVOICE 5 upper case']],
	[{ importance: 'low' }, ['Lunch']],
	[
		{ from: '@fabrikam.example', subjectContains: 'Invoice', hasAttachments: true, unreadOnly: true, importance: 'high' },
		['Invoice 1 from fabrikam'],
	],
])('filters %j', async (filters, expected) => {
	const mailbox = addMailbox(contoso, `filters-${Math.random().toString(36).slice(2, 8)}`);
	const trigger = new Trigger(contoso, { mailbox, filters });
	await trigger.poll();
	seedMix(mailbox);
	expect(subjects(await trigger.poll())).toEqual(expected);
});

test('mail that does not match is consumed: later polls neither fetch nor emit it', async () => {
	const mailbox = addMailbox(contoso, 'filters-consumed');
	const trigger = new Trigger(contoso, { mailbox, filters: { unreadOnly: true } });
	await trigger.poll();
	const read = contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'read when it came', isRead: true });
	expect(await trigger.poll()).toEqual([]);
	// Marked unread later: it was consumed when it arrived, so it is not "new mail" now.
	const graph = await graphAsApp(contoso);
	await graph.request({ method: 'PATCH', url: `/users/${mailbox}/messages/${encodeURIComponent(read.id)}`, body: { isRead: false } });
	expect(contoso.emu.messages(mailbox, 'inbox').find((m) => m.id === read.id)?.isRead).toBe(false);
	contoso.emu.resetStats();
	expect(await trigger.poll()).toEqual([]);
	expect(await trigger.poll()).toEqual([]);
	expect(contoso.emu.stats().graphRequests).toBe(2);
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'unread newcomer' });
	expect(subjects(await trigger.poll())).toEqual(['unread newcomer']);
});
