/** The New Mail trigger's everyday behaviour against the emulator. */
import { startContoso, type Contoso } from '../../fixtures/contoso';
import { addMailbox, subjects, Trigger } from './triggerFixture';

let contoso: Contoso;
beforeAll(async () => {
	contoso = await startContoso();
});
afterAll(async () => {
	await contoso?.emu.stop();
});

const hourAgo = () => new Date(Date.now() - 3600_000).toISOString();

test('first activation emits nothing old; then each new mail once, in arrival order', async () => {
	const mailbox = addMailbox(contoso, 'first-activation');
	for (let i = 1; i <= 3; i++) contoso.emu.seedMessage(mailbox, 'inbox', { subject: `old ${i}`, receivedDateTime: hourAgo() });
	const trigger = new Trigger(contoso, { mailbox });
	expect(await trigger.poll()).toEqual([]);
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'new 1' });
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'new 2' });
	expect(subjects(await trigger.poll())).toEqual(['new 1', 'new 2']);
	expect(await trigger.poll()).toEqual([]);
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'new 3' });
	const third = await trigger.poll();
	expect(subjects(third)).toEqual(['new 3']);
	expect(third[0].json).toMatchObject({ fromAddress: 'sender@fabrikam.example', isRead: false });
});

test('an idle poll costs one request', async () => {
	const mailbox = addMailbox(contoso, 'idle');
	const trigger = new Trigger(contoso, { mailbox });
	await trigger.poll();
	contoso.emu.resetStats();
	expect(await trigger.poll()).toEqual([]);
	const graph = contoso.emu.stats().log.filter((e) => e.path.startsWith('/v1.0'));
	expect(graph.map((e) => `${e.method} ${e.status}`)).toEqual(['GET 200']);
});

test('include mail already in the folder: the first polls emit it, in batches of the cap', async () => {
	const mailbox = addMailbox(contoso, 'include-existing');
	for (let i = 1; i <= 5; i++) contoso.emu.seedMessage(mailbox, 'inbox', { subject: `old ${i}`, receivedDateTime: new Date(Date.now() - (10 - i) * 60_000).toISOString() });
	const trigger = new Trigger(contoso, { mailbox, includeExisting: true, options: { maxMailsPerPoll: 2 } });
	expect(subjects(await trigger.poll())).toEqual(['old 1', 'old 2']);
	expect(subjects(await trigger.poll())).toEqual(['old 3', 'old 4']);
	expect(subjects(await trigger.poll())).toEqual(['old 5']);
	expect(await trigger.poll()).toEqual([]);
});
