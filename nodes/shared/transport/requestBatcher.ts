/**
 * Coalesces the requests of one sign-in to one mailbox into JSON `$batch` calls. Operations keep
 * asking for one request per item; what waits here while the mailbox's slots are busy goes out
 * together in `dependsOn` chains, one slot per chain (Graph runs a batch four requests at a time, so
 * at most 4 chains a batch). A request alone goes out as itself.
 *
 * Each inner answer is handed back as if it had come alone (the caller's retry rules apply to it).
 * 424 means "not run because its dependency failed": such a request waits for the next batch here.
 * When the envelope itself fails, no inner answer exists: the caller gets the failure and treats it
 * like a broken connection (a POST's outcome is unknown, an idempotent call is retried).
 */
import { sleep, type IDataObject, type IHttpRequestMethods } from 'n8n-workflow';
import { BATCH } from './limits';
import type { Slots } from './mailboxSlots';

export interface InnerAnswer {
	status: number;
	headers: Record<string, string>;
	body: unknown;
}

export interface BatchPart {
	method: IHttpRequestMethods;
	/** URL under the version base, query included (`/users/x/messages?$top=1`). */
	url: string;
	headers: Record<string, string>;
	body?: IDataObject;
	/** Size of the body as JSON: batches stay under Graph's 4 MB. */
	bytes: number;
	/** Set after a 401: the token must be newer than this (epoch ms). */
	staleSince?: number;
	/** Sends the request as itself (when nothing else waits to go with it), on a slot already held. */
	alone(): Promise<InnerAnswer>;
}

/** The batch envelope failed after it may have reached Graph: what ran inside is unknown. */
export class BatchEnvelopeError extends Error {
	readonly code = 'EBATCHFAILED';
}

export type PostBatch = (requests: IDataObject[], staleSince?: number) => Promise<InnerAnswer>;

interface Waiting {
	part: BatchPart;
	resolve(answer: InnerAnswer): void;
	reject(error: unknown): void;
}

/** Header names in lower case, one value each: direct answers and inner batch answers alike. */
export function lowerCaseHeaders(headers: unknown): Record<string, string> {
	const result: Record<string, string> = {};
	for (const [name, value] of Object.entries((headers ?? {}) as Record<string, unknown>)) {
		result[name.toLowerCase()] = Array.isArray(value) ? String(value[0]) : String(value);
	}
	return result;
}

/**
 * Answers go to their items one per turn of the event loop: what an item does next (its output,
 * the next item's parameters and expressions) is CPU work that would otherwise run as one block and
 * hold up the network I/O of the batches that keep the mailbox busy.
 */
async function handOut(settle: Array<() => void>): Promise<void> {
	// The first waits too: the next batch, just given the freed slots, gets onto the wire first.
	for (const answer of settle) {
		await sleep(0);
		answer();
	}
}

export class RequestBatcher {
	private readonly queue: Waiting[] = [];
	private pumping = false;

	constructor(
		private readonly slots: Slots,
		private readonly postBatch: PostBatch,
		/** How many more requests are on their way (about one per item not started yet). */
		private readonly itemsToCome: () => number,
	) {}

	/** Resolves with the request's own answer, whether it went alone or inside a batch. */
	async submit(part: BatchPart): Promise<InnerAnswer> {
		return await new Promise<InnerAnswer>((resolve, reject) => {
			this.queue.push({ part, resolve, reject });
			this.kick();
		});
	}

	private kick(): void {
		if (this.pumping) return;
		this.pumping = true;
		void this.pump();
	}

	private async pump(): Promise<void> {
		// Items started together reach here within a turn of the event loop: let them join one batch.
		await sleep(0);
		while (this.queue.length) {
			const slots = [await this.slots.acquire()];
			// More chains only while there are more requests than chains and slots are free now.
			while (slots.length < BATCH.maxChains && this.queue.length > slots.length) {
				const release = this.slots.tryAcquire();
				if (!release) break;
				slots.push(release);
			}
			// Spread what waits over the slots held, in chains as long as it allows: each envelope
			// costs a round trip during which its slots do no work, so fewer, longer chains waste less.
			// Near the end of a run (what waits and what is still to come would not fill every slot's
			// chain) no chain gets more than its share of all 4 slots: the busy ones free up soon,
			// and one long chain would leave them idle to the end.
			const share = Math.ceil((this.queue.length + this.itemsToCome()) / BATCH.maxChains);
			const chainLength = Math.min(BATCH.maxRequests, Math.ceil(this.queue.length / slots.length), share);
			const chains = Math.min(slots.length, Math.ceil(this.queue.length / chainLength));
			for (const release of slots.splice(chains)) release();
			const chainsPerBatch = Math.max(1, Math.floor(BATCH.maxRequests / chainLength));
			while (slots.length) {
				const held = slots.splice(0, chainsPerBatch);
				const taken = this.take(held.length * chainLength);
				// Bodies too big to fill every chain: fewer chains, the rest of the slots back.
				for (const release of held.splice(Math.min(held.length, taken.length))) release();
				const release = () => held.forEach((slot) => slot());
				if (taken.length === 1) void this.alone(taken[0], release);
				else void this.dispatch(taken, held.length, release);
			}
		}
		this.pumping = false;
	}

	/** Up to `count` waiting requests whose bodies fit one batch together. */
	private take(count: number): Waiting[] {
		const taken: Waiting[] = [];
		let bytes = 0;
		while (this.queue.length && taken.length < Math.min(count, BATCH.maxRequests)) {
			const next = this.queue[0];
			if (taken.length && bytes + next.part.bytes > BATCH.maxBodyBytes) break;
			bytes += next.part.bytes;
			taken.push(this.queue.shift()!);
		}
		return taken;
	}

	/*
	 * Both release the slots as soon as Graph has answered, before handing answers out: what the
	 * items do next (their output, the next item's parameters) must not keep the mailbox idle.
	 */
	private async alone(waiting: Waiting, release: () => void): Promise<void> {
		try {
			const answer = await waiting.part.alone();
			release();
			waiting.resolve(answer);
		} catch (error) {
			release();
			waiting.reject(error);
		}
	}

	private async dispatch(taken: Waiting[], chains: number, release: () => void): Promise<void> {
		const requests = taken.map(({ part }, index) => ({
			id: String(index + 1),
			method: part.method,
			url: part.url,
			headers: part.body === undefined ? part.headers : { ...part.headers, 'Content-Type': 'application/json' },
			...(part.body === undefined ? {} : { body: part.body }),
			// Request i follows request i - chains: `chains` sequences side by side.
			...(index >= chains ? { dependsOn: [String(index + 1 - chains)] } : {}),
		}));
		const staleSince = Math.max(0, ...taken.map(({ part }) => part.staleSince ?? 0)) || undefined;
		let envelope: InnerAnswer;
		try {
			envelope = await this.postBatch(requests, staleSince);
		} catch (error) {
			release();
			await handOut(taken.map((waiting) => () => waiting.reject(error)));
			return;
		}
		release();
		const responses = (envelope.body as { responses?: unknown } | undefined)?.responses;
		let settle: Array<() => void>;
		if (!Array.isArray(responses)) {
			// No inner answers. Refused (4xx) or throttled (503) as a whole means nothing ran: each
			// request gets that answer. Any other answer may follow running some of them.
			const refused = (envelope.status >= 400 && envelope.status < 500) || envelope.status === 503;
			const failure = new BatchEnvelopeError(`$batch answered ${envelope.status} without inner responses`);
			settle = taken.map((waiting) => (refused ? () => waiting.resolve(envelope) : () => waiting.reject(failure)));
		} else {
			const byId = new Map((responses as IDataObject[]).map((r) => [String(r.id), r]));
			const notRun: Waiting[] = [];
			settle = [];
			taken.forEach((waiting, index) => {
				const answer = byId.get(String(index + 1));
				if (!answer) settle.push(() => waiting.reject(new BatchEnvelopeError(`$batch left request ${index + 1} without an answer`)));
				else if (answer.status === 424) notRun.push(waiting);
				else settle.push(() => waiting.resolve({ status: Number(answer.status), headers: lowerCaseHeaders(answer.headers), body: answer.body ?? '' }));
			});
			if (notRun.length) {
				this.queue.unshift(...notRun);
				this.kick();
			}
		}
		await handOut(settle);
	}
}
