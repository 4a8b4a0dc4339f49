/** Graph's delta query guarantees no order: each poll emits its mail oldest received first. */
import { startContoso, type Contoso } from '../../fixtures/contoso';
import { addMailbox, subjects, Trigger } from './triggerFixture';

let contoso: Contoso;
beforeAll(async () => {
	contoso = await startContoso();
});
afterAll(async () => {
	await contoso?.emu.stop();
});
afterEach(() => contoso.emu.setDeltaOrder('oldest-first'));

test.each(['newest-first', 'shuffled'] as const)('delta pages %s: a poll emits its mail in receivedDateTime order, each once', async (order) => {
	const mailbox = addMailbox(contoso, `order-${order}`);
	const projects = contoso.emu.createFolder(mailbox, 'msgfolderroot', 'Projects');
	const trigger = new Trigger(contoso, { mailbox, folders: ['inbox', projects.id] });
	await trigger.poll();
	contoso.emu.setDeltaOrder(order);
	// Seeded mail has strictly increasing receivedDateTime.
	for (let i = 0; i < 30; i++) contoso.emu.seedMessage(mailbox, i % 3 ? 'inbox' : projects.id, { subject: `m${String(i).padStart(2, '0')}` });
	const out = await trigger.poll();
	expect(subjects(out)).toEqual(Array.from({ length: 30 }, (_, i) => `m${String(i).padStart(2, '0')}`));
	expect(await trigger.poll()).toEqual([]);
});

test('mails received in the same second keep the order Graph gave them', async () => {
	const mailbox = addMailbox(contoso, 'order-same-second');
	const trigger = new Trigger(contoso, { mailbox });
	await trigger.poll();
	const second = new Date(Math.floor(Date.now() / 1000) * 1000 + 2000).toISOString();
	const earlier = new Date(Math.floor(Date.now() / 1000) * 1000 + 1000).toISOString();
	contoso.emu.setDeltaOrder('newest-first');
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'twin A', receivedDateTime: second });
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'twin B', receivedDateTime: second });
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'first', receivedDateTime: earlier });
	// Newest change first: Graph gives first, twin B, twin A; equal times keep that order.
	expect(subjects(await trigger.poll())).toEqual(['first', 'twin B', 'twin A']);
});
