/**
 * The cursor: it moves only with a poll that completed, survives restarts as static data alone,
 * recovers from a stale delta token without repeats, and keeps a burst in arrival order.
 */
import { startContoso, type Contoso } from '../../fixtures/contoso';
import { pollContext } from '../../harness/n8nContext';
import { addMailbox, failureOf, node, subjects, Trigger } from './triggerFixture';

let contoso: Contoso;
beforeAll(async () => {
	contoso = await startContoso();
});
afterAll(async () => {
	await contoso?.emu.stop();
});
afterEach(() => contoso.emu.clearFaults());

const deltaPath = /\/messages\/delta$/;

test('a poll that fails half-way through paging leaves the cursor as it was; the next poll emits everything once', async () => {
	const mailbox = addMailbox(contoso, 'cursor-fails');
	const trigger = new Trigger(contoso, { mailbox, options: { maxMailsPerPoll: 5000 } });
	await trigger.poll();
	for (let i = 0; i < 2500; i++) contoso.emu.seedMessage(mailbox, 'inbox', { subject: `m${i}` });
	const before = JSON.stringify(trigger.staticData);
	// Pages of 1,000: the first answers, the second fails for good (500 is not retried).
	contoso.emu.inject({ match: { path: deltaPath }, kind: 'latency', ms: 0, times: 1 });
	contoso.emu.inject({ match: { path: deltaPath }, kind: 'status', status: 500, times: 1 });
	const error = await failureOf(trigger.poll());
	expect(error.message).toMatch(/500|error/i);
	expect(JSON.stringify(trigger.staticData)).toBe(before);
	const out = await trigger.poll();
	expect(subjects(out)).toEqual(Array.from({ length: 2500 }, (_, i) => `m${i}`));
	expect(await trigger.poll()).toEqual([]);
});

test('a burst larger than the cap comes in batches; the stored cursor is the nextLink where a batch stopped', async () => {
	const mailbox = addMailbox(contoso, 'cursor-batches');
	const trigger = new Trigger(contoso, { mailbox, options: { maxMailsPerPoll: 40 } });
	await trigger.poll();
	for (let i = 0; i < 100; i++) contoso.emu.seedMessage(mailbox, 'inbox', { subject: `m${i}` });
	const seen: string[] = [];
	for (const expected of [40, 40, 20, 0]) {
		const out = await trigger.poll();
		expect(out).toHaveLength(expected);
		seen.push(...subjects(out));
		const link = String((trigger.cursor()!.folders as Record<string, { link: string }>)['wk:inbox'].link);
		expect(link).toMatch(expected === 40 ? /\$skiptoken=/ : /\$deltatoken=/);
	}
	expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
});

test('a restart with only the static data goes on where the last completed poll stopped', async () => {
	const mailbox = addMailbox(contoso, 'cursor-restart');
	const trigger = new Trigger(contoso, { mailbox, options: { maxMailsPerPoll: 3 } });
	await trigger.poll();
	for (let i = 0; i < 5; i++) contoso.emu.seedMessage(mailbox, 'inbox', { subject: `m${i}` });
	expect(subjects(await trigger.poll())).toEqual(['m0', 'm1', 'm2']);
	trigger.restart();
	expect(subjects(await trigger.poll())).toEqual(['m3', 'm4']);
	trigger.restart();
	expect(await trigger.poll()).toEqual([]);
});

test('a stale delta token (410 SyncStateNotFound) starts a new sync without emitting mail again', async () => {
	const mailbox = addMailbox(contoso, 'cursor-stale');
	const trigger = new Trigger(contoso, { mailbox, options: { maxMailsPerPoll: 4 } });
	await trigger.poll();
	for (let i = 0; i < 6; i++) contoso.emu.seedMessage(mailbox, 'inbox', { subject: `m${i}` });
	expect(subjects(await trigger.poll())).toEqual(['m0', 'm1', 'm2', 'm3']);
	// Stale in the middle of a round (the stored link is a nextLink)…
	contoso.emu.invalidateDeltaTokens();
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'm6' });
	expect(subjects(await trigger.poll())).toEqual(['m4', 'm5', 'm6']);
	// …and after a finished round.
	contoso.emu.invalidateDeltaTokens();
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'm7' });
	expect(subjects(await trigger.poll())).toEqual(['m7']);
	expect(await trigger.poll()).toEqual([]);
	expect(contoso.emu.stats().log.some((e) => e.status === 410)).toBe(true);
});

test('two mails received in the same second are both emitted, once', async () => {
	const mailbox = addMailbox(contoso, 'cursor-same-second');
	const trigger = new Trigger(contoso, { mailbox });
	await trigger.poll();
	const second = new Date(Math.floor(Date.now() / 1000) * 1000 + 2000).toISOString();
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'twin A', receivedDateTime: second });
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'twin B', receivedDateTime: second });
	expect(subjects(await trigger.poll())).toEqual(['twin A', 'twin B']);
	// Even a new sync from that very second (stale token) does not repeat them.
	contoso.emu.invalidateDeltaTokens();
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'twin C', receivedDateTime: second });
	expect(subjects(await trigger.poll())).toEqual(['twin C']);
});

test('a mail arriving while a poll pages is emitted once, after the burst it followed', async () => {
	const mailbox = addMailbox(contoso, 'cursor-while-paging');
	const trigger = new Trigger(contoso, { mailbox, options: { maxMailsPerPoll: 5000 } });
	await trigger.poll();
	for (let i = 0; i < 1200; i++) contoso.emu.seedMessage(mailbox, 'inbox', { subject: `m${i}` });
	contoso.emu.inject({ match: { path: deltaPath }, kind: 'latency', ms: 0, times: 1 });
	contoso.emu.inject({ match: { path: deltaPath }, kind: 'latency', ms: 400, times: 1 });
	const polling = trigger.poll();
	await new Promise((resolve) => setTimeout(resolve, 200));
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'late' });
	const all = [...subjects(await polling), ...subjects(await trigger.poll()), ...subjects(await trigger.poll())];
	expect(all).toEqual([...Array.from({ length: 1200 }, (_, i) => `m${i}`), 'late']);
});

test('Fetch Test Event returns the newest matching mail and leaves the cursor alone', async () => {
	const mailbox = addMailbox(contoso, 'cursor-test-event');
	const trigger = new Trigger(contoso, { mailbox, filters: { subjectContains: 'order' } });
	await trigger.poll();
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'Order 1' });
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'Order 2' });
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'Lunch' });
	const before = JSON.stringify(trigger.staticData);
	expect(subjects(await trigger.testEvent())).toEqual(['Order 2']);
	expect(JSON.stringify(trigger.staticData)).toBe(before);
	expect(subjects(await trigger.poll())).toEqual(['Order 1', 'Order 2']);
});

test('Fetch Test Event before any poll works too, and says so when nothing matches', async () => {
	const mailbox = addMailbox(contoso, 'cursor-test-event-empty');
	const trigger = new Trigger(contoso, { mailbox, filters: { subjectContains: 'order' } });
	const error = await failureOf(trigger.testEvent());
	expect(error.message).toBe('No mail in the watched folders matches the filters');
	expect(trigger.staticData).toEqual({});
});

test('the time budget stops paging early; the rest comes with the next poll', async () => {
	const mailbox = addMailbox(contoso, 'cursor-budget');
	const trigger = new Trigger(contoso, { mailbox, options: { maxMailsPerPoll: 5000 } });
	await trigger.poll();
	for (let i = 0; i < 2500; i++) contoso.emu.seedMessage(mailbox, 'inbox', { subject: `m${i}` });
	contoso.emu.setLatency(150);
	try {
		// 600 ms of budget leaves 360 ms for pages of 1,000 taking over 150 ms each: one page per poll.
		const batches: number[] = [];
		const all: string[] = [];
		for (let i = 0; i < 5 && all.length < 2500; i++) {
			const out = await trigger.poll({ budgetMs: 600 });
			batches.push(out.length);
			all.push(...subjects(out));
		}
		expect(batches).toEqual([1000, 1000, 500]);
		expect(all).toEqual(Array.from({ length: 2500 }, (_, i) => `m${i}`));
	} finally {
		contoso.emu.setLatency(0);
	}
});

test('n8n 2.41 durable poll cursors: the poll writes only the staged copy n8n hands it, once, and not at all when it fails', async () => {
	const mailbox = addMailbox(contoso, 'cursor-durable');
	const staged: Record<string, unknown> = {};
	const run = async () => {
		const { context, workflow } = pollContext({
			nodeType: node,
			parameters: { authentication: 'clientCredentials', event: 'newMail', mailbox },
			credentials: { microsoftGraphMailClientCredentialsApi: contoso.clientCredentials },
		});
		// As n8n's TriggerExecutionContextFactory does with durable cursors: node static data is a staged snapshot.
		Object.assign(context, { resolveNodeStaticData: () => staged });
		const out = await node.poll!.call(context);
		// The node's own static data stays untouched (only the activation time goes to global static data).
		expect(Object.keys(workflow.staticData).filter((key) => key !== 'global')).toEqual([]);
		return out?.[0] ?? [];
	};
	await run();
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'one' });
	const before = JSON.stringify(staged);
	contoso.emu.inject({ match: { path: deltaPath }, kind: 'status', status: 500, times: 1 });
	await expect(run()).rejects.toThrow();
	expect(JSON.stringify(staged)).toBe(before);
	expect(subjects(await run())).toEqual(['one']);
});
