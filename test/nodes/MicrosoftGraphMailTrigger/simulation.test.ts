/**
 * The simulation: 1,000 mails arrive in two folders over 50 polls while faults hit the
 * trigger (429, 503, dropped connections before and after Graph answered, a poll that dies
 * half-way through paging, a restart with only the static data, a stale delta token, mail arriving
 * while a poll pages). Every matching mail must come out exactly once, in arrival order per folder.
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

/** Small deterministic PRNG, so a failure can be replayed. */
function mulberry32(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const FAULTS = ['none', '429', '503', 'drop-before', 'drop-after', 'dies-half-way', 'restart', 'stale-token', 'arrives-while-paging'] as const;
const deltaPath = /\/messages\/delta$/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test.each([20240501, 7])('1,000 mails over 50 polls with faults (seed %i): each matching mail exactly once, in arrival order per folder', async (seed) => {
	const { emu } = contoso;
	const random = mulberry32(seed);
	const mailbox = addMailbox(contoso, `simulation-${seed}`);
	const projects = emu.createFolder(mailbox, 'msgfolderroot', 'Projects');
	let trigger = new Trigger(contoso, { mailbox, folders: ['inbox', projects.id], filters: { subjectContains: 'order' }, options: { maxMailsPerPoll: 60 } });
	expect(await trigger.poll()).toEqual([]);

	const arrived: Record<string, string[]> = { inbox: [], projects: [] };
	let count = 0;
	const arrive = () => {
		const folder = random() < 0.6 ? 'inbox' : 'projects';
		// A quarter does not match the filter: consumed, never emitted.
		const subject = random() < 0.25 ? `note ${count}` : `order ${count}`;
		count++;
		emu.seedMessage(mailbox, folder === 'inbox' ? 'inbox' : projects.id, { subject });
		if (subject.startsWith('order')) arrived[folder].push(subject);
	};

	const emitted: string[] = [];
	let failedPolls = 0;
	for (let poll = 0; poll < 50; poll++) {
		const fault = FAULTS[poll % FAULTS.length];
		const now = fault === 'arrives-while-paging' ? 10 : 20;
		for (let i = 0; i < now; i++) arrive();
		switch (fault) {
			case '429':
				emu.inject({ match: { path: deltaPath }, kind: 'status', status: 429, retryAfterSeconds: 0, times: 2 });
				break;
			case '503':
				emu.inject({ match: { path: deltaPath }, kind: 'status', status: 503, retryAfterSeconds: 0, times: 1 });
				break;
			case 'drop-before':
				emu.inject({ match: { path: deltaPath }, kind: 'drop-before', times: 1 });
				break;
			case 'drop-after':
				// Graph answered, the answer got lost: the same page is fetched again.
				emu.inject({ match: { path: deltaPath }, kind: 'drop-after', times: 1 });
				break;
			case 'dies-half-way':
				emu.inject({ match: { path: deltaPath }, kind: 'latency', ms: 0, times: 1 });
				emu.inject({ match: { path: deltaPath }, kind: 'status', status: 500, times: 1 });
				break;
			case 'restart':
				trigger = Object.assign(new Trigger(contoso, { mailbox, folders: ['inbox', projects.id], filters: { subjectContains: 'order' }, options: { maxMailsPerPoll: 60 } }), {
					staticData: JSON.parse(JSON.stringify(trigger.staticData)),
				});
				break;
			case 'stale-token':
				emu.invalidateDeltaTokens();
				break;
			case 'arrives-while-paging':
				emu.inject({ match: { path: deltaPath }, kind: 'latency', ms: 150, times: 2 });
				break;
		}
		const polling = trigger.poll();
		if (fault === 'arrives-while-paging') {
			await sleep(100);
			for (let i = 0; i < 10; i++) arrive();
		}
		try {
			emitted.push(...subjects(await polling));
		} catch {
			failedPolls++;
		}
		emu.clearFaults();
	}
	// Then quiet polls until the backlog is drained.
	for (let poll = 0; poll < 40; poll++) {
		const out = await trigger.poll();
		emitted.push(...subjects(out));
		if (out.length === 0) break;
	}

	expect(count).toBe(1000);
	expect(failedPolls).toBeGreaterThanOrEqual(5);
	const expected = [...arrived.inbox, ...arrived.projects];
	expect(emitted.length).toBe(expected.length);
	expect(new Set(emitted).size).toBe(emitted.length);
	expect(emitted.filter((s) => arrived.inbox.includes(s))).toEqual(arrived.inbox);
	expect(emitted.filter((s) => arrived.projects.includes(s))).toEqual(arrived.projects);
	expect(emitted.some((s) => s.startsWith('note'))).toBe(false);
}, 120_000);
