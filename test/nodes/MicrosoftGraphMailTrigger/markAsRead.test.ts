/**
 * Mark as Read waits until the emission is certain: n8n stores a poll's cursor only with the
 * execution it starts, so the next poll marks what that cursor says was emitted.
 */
import { startContoso, type Contoso } from '../../fixtures/contoso';
import { addMailbox, subjects, Trigger } from './triggerFixture';

let contoso: Contoso;
beforeAll(async () => {
	contoso = await startContoso();
});
afterAll(async () => {
	await contoso?.emu.stop();
});

const isRead = (mailbox: string) => contoso.emu.messages(mailbox, 'inbox').map((m) => [m.subject, m.isRead]);
const patches = (mailbox: string) => contoso.emu.stats().log.filter((e) => e.method === 'PATCH' && e.path.includes(mailbox)).length;

test('a poll whose emission n8n abandons leaves the mail unread; the next poll emits it, the one after marks it read', async () => {
	const mailbox = addMailbox(contoso, 'read-abandoned');
	const trigger = new Trigger(contoso, { mailbox, filters: { unreadOnly: true }, options: { markAsRead: true } });
	await trigger.poll();
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'urgent' });
	// n8n gives up on this poll's result (time budget, deactivated): nothing of it is stored.
	expect(subjects(await trigger.poll({ abandoned: true }))).toEqual(['urgent']);
	expect(isRead(mailbox)).toEqual([['urgent', false]]);
	expect(subjects(await trigger.poll())).toEqual(['urgent']);
	expect(isRead(mailbox)).toEqual([['urgent', false]]);
	expect(await trigger.poll()).toEqual([]);
	expect(isRead(mailbox)).toEqual([['urgent', true]]);
	expect(await trigger.poll()).toEqual([]);
	expect(patches(mailbox)).toBe(1);
});

test('the mail waiting to be marked survives a restart in the static data alone; mail that was read already is not patched', async () => {
	const mailbox = addMailbox(contoso, 'read-restart');
	const trigger = new Trigger(contoso, { mailbox, options: { markAsRead: true } });
	await trigger.poll();
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'one' });
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'two', isRead: true });
	expect(subjects(await trigger.poll())).toEqual(['one', 'two']);
	trigger.restart();
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'three' });
	expect(subjects(await trigger.poll())).toEqual(['three']);
	expect(isRead(mailbox)).toEqual([
		['one', true],
		['two', true],
		['three', false],
	]);
	expect(patches(mailbox)).toBe(1);
	expect(await trigger.poll()).toEqual([]);
	expect(isRead(mailbox).map(([, read]) => read)).toEqual([true, true, true]);
});
