/**
 * At most MAILBOX_CONCURRENCY requests in flight per (sign-in, mailbox) in this process,
 * whatever the number of items, operations or executions that share it: Graph's own limit.
 */
import { MAILBOX_CONCURRENCY } from './limits';

class Slots {
	private active = 0;
	private readonly waiting: Array<() => void> = [];
	constructor(private readonly size: number) {}

	async acquire(): Promise<() => void> {
		if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
		else this.active++;
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
