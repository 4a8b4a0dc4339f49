/**
 * The faults the soak injects, drawn from the seeded PRNG. Each tick clears what the previous one
 * left unused and injects one new fault, so a fault lives for one tick at most (a bounded window;
 * the naive workflow's check keeps them until hit instead).
 * The seed fixes the sequence of faults; which request a fault hits still depends on timing.
 */
import type { Emulator } from '../../emulator/src';
import { between, pick, type Random } from './prng';

/** The Graph calls a fault can hit: the trigger's delta pages and the exactly-once send's steps. */
export const TARGETS = {
	delta: { method: 'GET', path: /\/messages\/delta$/ },
	createDraft: { method: 'POST', path: /\/users\/[^/]+\/messages$/ },
	sendDraft: { method: 'POST', path: /\/messages\/[^/]+\/send$/ },
	lookup: { method: 'GET', path: /\/users\/[^/]+\/messages$/ },
	checkDraft: { method: 'GET', path: /\/messages\/(?!delta$)[^/]+$/ },
	deleteDraft: { method: 'DELETE', path: /\/messages\/[^/]+$/ },
	/** Only the naive workflow (Delivery: Automatic) sends this way. */
	sendMail: { method: 'POST', path: /\/sendMail$/ },
	/** The envelope carrying several of the above ($batch): a fault here hits every request inside. */
	batch: { method: 'POST', path: /\/\$batch$/ },
} as const;
export type Target = keyof typeof TARGETS;

export const FAULT_KINDS = [
	'429',
	'503',
	'drop-before',
	'drop-after',
	'html-502',
	'garbage',
	'token-expiry',
	'stale-delta-token',
	'trigger-restart',
	'poll-dies-half-way',
	'send-outcome-unknown',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * How often each kind comes, relative to the others. A stale delta token is rare in real life (days
 * without a poll, a mailbox move) and costs a busy mailbox a rescan of the trigger's overlap window
 * (5 minutes of mail): at the other kinds' rate it would starve the trigger rather than test it.
 */
const WEIGHTS: Record<FaultKind, number> = {
	'429': 1,
	'503': 1,
	'drop-before': 1,
	'drop-after': 1,
	'html-502': 1,
	garbage: 1,
	'token-expiry': 1,
	'stale-delta-token': 0.25,
	'trigger-restart': 1,
	'poll-dies-half-way': 1,
	'send-outcome-unknown': 1,
};
const TOTAL_WEIGHT = FAULT_KINDS.reduce((sum, kind) => sum + WEIGHTS[kind], 0);

function weighted(random: Random): FaultKind {
	let x = random() * TOTAL_WEIGHT;
	for (const kind of FAULT_KINDS) if ((x -= WEIGHTS[kind]) < 0) return kind;
	return FAULT_KINDS[FAULT_KINDS.length - 1];
}

/** What one tick injected, for the log and the counts. */
export interface InjectedFault {
	kind: FaultKind;
	target?: Target;
	detail?: string;
}

const ANY_TARGET: Target[] = ['delta', 'createDraft', 'sendDraft', 'lookup', 'checkDraft', 'sendMail', 'batch'];
/** A 200 with broken JSON only makes sense for reads. */
const READ_TARGETS: Target[] = ['delta', 'lookup', 'checkDraft'];

export class FaultInjector {
	readonly counts: Record<string, number> = {};
	/** Set by a 'trigger-restart' tick; the poller restarts before its next poll and clears it. */
	restartPending = false;

	constructor(
		private readonly emu: Emulator,
		private readonly random: Random,
		/** Where transport faults go; the naive workflow's check aims them all at sendMail (alone or in a $batch). */
		private readonly targets: Target[] = ANY_TARGET,
		/**
		 * Keep a fault armed until a request hits it instead of clearing it at the next tick. The naive
		 * workflow's check needs a broken send for certain: with $batch, sends are a few envelopes, and a
		 * fault that lives one tick can miss them all.
		 */
		private readonly untilHit = false,
	) {}

	/** A fault that needs longer than a tick (a check a second after the send) holds the next ticks off. */
	private holdUntil = 0;

	tick(now = Date.now()): InjectedFault | undefined {
		if (now < this.holdUntil) return undefined;
		if (!this.untilHit) this.emu.clearFaults();
		const fault = this.draw();
		const key = fault.target ? `${fault.kind} on ${fault.target}` : fault.kind;
		this.counts[key] = (this.counts[key] ?? 0) + 1;
		return fault;
	}

	stop(): void {
		this.emu.clearFaults();
	}

	private draw(): InjectedFault {
		const { emu, random } = this;
		const kind = weighted(random);
		switch (kind) {
			case '429':
			case '503': {
				const target = pick(random, this.targets);
				const retryAfterSeconds = between(random, 0, 1);
				const times = between(random, 1, 3);
				emu.inject({ match: TARGETS[target], kind: 'status', status: Number(kind), retryAfterSeconds, times });
				return { kind, target, detail: `Retry-After ${retryAfterSeconds}s ×${times}` };
			}
			case 'drop-before':
			case 'drop-after':
			case 'html-502': {
				const target = pick(random, this.targets);
				emu.inject({ match: TARGETS[target], kind: kind === 'html-502' ? 'html' : kind });
				return { kind, target };
			}
			case 'garbage': {
				const target = pick(random, READ_TARGETS);
				emu.inject({ match: TARGETS[target], kind: 'garbage' });
				return { kind, target };
			}
			case 'token-expiry':
				emu.expireTokens();
				return { kind };
			case 'stale-delta-token':
				emu.invalidateDeltaTokens();
				return { kind };
			case 'trigger-restart':
				this.restartPending = true;
				return { kind };
			case 'poll-dies-half-way':
				// The next delta request passes, the one after it (a nextLink page, or the next poll) fails.
				emu.inject({ match: TARGETS.delta, kind: 'latency', ms: 0, times: 1 });
				emu.inject({ match: TARGETS.delta, kind: 'status', status: 500, times: 1 });
				return { kind, target: 'delta' };
			case 'send-outcome-unknown':
				// The send's connection breaks (before or after Graph acted) and the check that follows fails too:
				// the node cannot know, the item fails "unknown", and only the Idempotency Key makes a retry safe.
				emu.inject({ match: TARGETS.sendDraft, kind: random() < 0.5 ? 'drop-before' : 'drop-after' });
				emu.inject({ match: TARGETS.checkDraft, kind: 'status', status: 500, times: 3 });
				this.holdUntil = Date.now() + 1500;
				return { kind, target: 'sendDraft' };
		}
	}
}
