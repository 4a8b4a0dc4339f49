/**
 * n8n stores a poll's static data only with the execution it starts: after a quiet spell the stored
 * cursor is the one of the last poll that emitted, and Graph may have forgotten its sync state by
 * then (410 SyncStateNotFound). That costs one short resync from the last anchor, never a rescan of
 * the baseline's day, a lost mail or a repeated one.
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
afterEach(() => contoso.emu.setDeltaSyncStateMaxAge(undefined));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('an old delta link after a long quiet spell costs one short resync: nothing lost, nothing repeated', async () => {
	const { emu } = contoso;
	const mailbox = addMailbox(contoso, 'quiet-spell');
	// A day of mail before activation: what a rescan of the baseline would page through again.
	const dayAgo = Date.now() - 24 * 3600_000;
	for (let i = 0; i < 100; i++) emu.seedMessage(mailbox, 'inbox', { subject: `old order ${i}`, receivedDateTime: new Date(dayAgo + i * 10 * 60_000).toISOString() });
	const trigger = new Trigger(contoso, { mailbox, filters: { subjectContains: 'order' }, options: { maxMailsPerPoll: 10 } });
	expect(await trigger.pollAsN8nStores({ activation: true })).toEqual([]);
	emu.seedMessage(mailbox, 'inbox', { subject: 'order 1' });
	expect(subjects(await trigger.pollAsN8nStores())).toEqual(['order 1']);
	// The quiet spell: polls find only mail that does not match; n8n stores none of them.
	for (let i = 0; i < 3; i++) {
		emu.seedMessage(mailbox, 'inbox', { subject: `newsletter ${i}` });
		expect(await trigger.pollAsN8nStores()).toEqual([]);
	}
	// Graph forgets sync states after a while; n8n restarts with what it stored.
	emu.setDeltaSyncStateMaxAge(0.5);
	await sleep(700);
	trigger.restartFromDatabase();
	emu.seedMessage(mailbox, 'inbox', { subject: 'order 2' });
	emu.resetStats();
	expect(subjects(await trigger.pollAsN8nStores())).toEqual(['order 2']);
	const graph = emu.stats().log.filter((e) => e.path.startsWith('/v1.0'));
	// One 410, then one page of a resync from the last anchor minus the overlap (pages of 10: a day would be 11).
	expect(graph.map((e) => e.status)).toEqual([410, 200]);
	expect(await trigger.pollAsN8nStores()).toEqual([]);
	trigger.restartFromDatabase();
	expect(await trigger.pollAsN8nStores()).toEqual([]);
});

test('a quiet spell right after activation: the stored activation cursor resyncs from the activation, not a day back', async () => {
	const { emu } = contoso;
	const mailbox = addMailbox(contoso, 'quiet-from-activation');
	const dayAgo = Date.now() - 24 * 3600_000;
	for (let i = 0; i < 100; i++) emu.seedMessage(mailbox, 'inbox', { subject: `old ${i}`, receivedDateTime: new Date(dayAgo + i * 10 * 60_000).toISOString() });
	const trigger = new Trigger(contoso, { mailbox, options: { maxMailsPerPoll: 10 } });
	expect(await trigger.pollAsN8nStores({ activation: true })).toEqual([]);
	expect(await trigger.pollAsN8nStores()).toEqual([]);
	emu.setDeltaSyncStateMaxAge(0.5);
	await sleep(700);
	trigger.restartFromDatabase();
	emu.seedMessage(mailbox, 'inbox', { subject: 'first' });
	emu.resetStats();
	expect(subjects(await trigger.pollAsN8nStores())).toEqual(['first']);
	expect(emu.stats().log.filter((e) => e.path.startsWith('/v1.0')).map((e) => e.status)).toEqual([410, 200]);
});

test('a baseline cut short by the time budget and then forgotten by Graph restarts around its start, not a day back', async () => {
	const { emu } = contoso;
	const mailbox = addMailbox(contoso, 'quiet-baseline-restart');
	const dayAgo = Date.now() - 24 * 3600_000;
	for (let i = 0; i < 2500; i++) emu.seedMessage(mailbox, 'inbox', { subject: `old ${i}`, receivedDateTime: new Date(dayAgo + i * 30_000).toISOString() });
	const trigger = new Trigger(contoso, { mailbox, options: { maxMailsPerPoll: 5000 } });
	emu.setLatency(150);
	try {
		// 600 ms of budget, pages of 1,000 taking over 150 ms: the baseline stops after its first page.
		expect(await trigger.poll({ budgetMs: 600 })).toEqual([]);
		expect(String((trigger.cursor()!.folders as Record<string, { link: string }>)['wk:inbox'].link)).toMatch(/\$skiptoken=/);
	} finally {
		emu.setLatency(0);
	}
	emu.seedMessage(mailbox, 'inbox', { subject: 'fresh' });
	emu.invalidateDeltaTokens();
	emu.resetStats();
	expect(subjects(await trigger.poll({ budgetMs: 600 }))).toEqual(['fresh']);
	expect(emu.stats().log.filter((e) => e.path.startsWith('/v1.0')).map((e) => e.status)).toEqual([410, 200]);
	expect(await trigger.poll()).toEqual([]);
});
