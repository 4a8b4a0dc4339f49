/**
 * At most MAILBOX_CONCURRENCY requests in flight per (app, mailbox) in this process, whatever the
 * number of items, operations or executions that share it: Graph's own limit. A throttled answer
 * with Retry-After pauses the whole mailbox: Graph throttles the mailbox, not the one request.
 */
import { sleep } from 'n8n-workflow';
import { MAILBOX_CONCURRENCY } from './limits';

export class Slots {
	private active = 0;
	private readonly waiting: Array<() => void> = [];
	private pausedUntil = 0;
	constructor(private readonly size: number) {}

	/** No request of this mailbox starts before `until` (epoch ms); those in flight finish. */
	pauseUntil(until: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, until);
	}

	async acquire(): Promise<() => void> {
		if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
		else this.active++;
		// Sleeping on the slot costs nothing: while paused no request of this mailbox may start anyway.
		for (let wait = this.pausedUntil - Date.now(); wait > 0; wait = this.pausedUntil - Date.now()) await sleep(wait);
		return this.releaser();
	}

	/** A free slot now, or undefined: never jumps the queue of those waiting, never during a pause. */
	tryAcquire(): (() => void) | undefined {
		if (this.active >= this.size || this.waiting.length > 0 || this.pausedUntil > Date.now()) return undefined;
		this.active++;
		return this.releaser();
	}

	private releaser(): () => void {
		let released = false;
		return () => {
			if (released) return;
			released = true;
			const next = this.waiting.shift();
			if (next) next(); // hand the slot over directly
			else this.active--;
		};
	}
}

const slotsByMailbox = new Map<string, Slots>();

export function mailboxSlots(key: string): Slots {
	let slots = slotsByMailbox.get(key);
	if (!slots) {
		slots = new Slots(MAILBOX_CONCURRENCY);
		slotsByMailbox.set(key, slots);
	}
	return slots;
}
