/**
 * The instant trigger's state: its subscription and clientState under one static-data key, beside
 * the polling trigger's cursor (CURSOR_KEY), which the delta round reads and writes as it does there.
 *
 * n8n 2.41 loads a workflow (and its static data) from the database for every webhook call and saves
 * it after the call, so two notifications handled at once would both start from the same cursor and
 * emit the same mail. Calls for one trigger therefore run one after another in a lane, and the lane
 * keeps the newest state in memory: a call that loaded an older copy from the database continues
 * from the newer one. (One n8n main process handles a workflow's webhooks; with separate webhook
 * processes in queue mode the lane is per process.)
 */
import { timingSafeEqual } from 'crypto';
import type { IDataObject } from 'n8n-workflow';
import { CURSOR_KEY } from './newMailCursor';
import type { SubscriptionRecord } from './graphSubscription';

export const STATE_KEY = 'instant';
const VERSION = 1;

export interface InstantState {
	v: number;
	/** Bumped with every write, so the lane can tell the newer of two copies. */
	seq: number;
	subscription?: SubscriptionRecord;
	/** The production webhook URL (the keep-alive timer has no way to ask n8n for it). */
	notificationUrl?: string;
	/** The secret Graph echoes in every notification; kept across re-created subscriptions. */
	clientState?: string;
	/** Epoch s (Graph's clock): with no cursor yet, mail counts as new from here (activation). */
	watchedFrom?: number;
	/** A lapse the trigger noticed (epoch ms): the subscription ran out or vanished without a word. */
	lapse?: { expiredAt?: number; noticedAt: number; reason: string };
}

export function readState(staticData: IDataObject): InstantState {
	const stored = staticData[STATE_KEY] as InstantState | undefined;
	if (!stored || typeof stored !== 'object' || stored.v !== VERSION) return { v: VERSION, seq: 0 };
	return JSON.parse(JSON.stringify(stored)) as InstantState;
}

export function writeState(staticData: IDataObject, state: InstantState): void {
	staticData[STATE_KEY] = { ...state, seq: state.seq + 1 } as unknown as IDataObject;
}

/** Constant-time comparison of a notification's clientState with ours. */
export function sameClientState(received: unknown, expected: string | undefined): boolean {
	if (typeof received !== 'string' || !expected) return false;
	const a = Buffer.from(received);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}

interface Snapshot {
	seq: number;
	data: IDataObject;
}

interface Lane {
	tail: Promise<unknown>;
	newest?: Snapshot;
	/** When the last delta round of this trigger that caught up started (ms): a notification that arrived before it is already answered. */
	lastRoundStartedAt: number;
	/** Lapses already reported as an error execution (by noticedAt). */
	reported: Set<number>;
}

const lanes = new Map<string, Lane>();

function laneOf(key: string): Lane {
	let lane = lanes.get(key);
	if (!lane) {
		lane = { tail: Promise.resolve(), lastRoundStartedAt: 0, reported: new Set() };
		lanes.set(key, lane);
	}
	return lane;
}

const KEYS = [STATE_KEY, CURSOR_KEY];

/** Brings the newest state this process has seen into `staticData` (an older copy from the database is replaced). */
function catchUp(lane: Lane, staticData: IDataObject): void {
	const stored = readState(staticData).seq;
	if (!lane.newest || lane.newest.seq <= stored) return;
	for (const key of KEYS) {
		if (lane.newest.data[key] === undefined) delete staticData[key];
		else staticData[key] = JSON.parse(JSON.stringify(lane.newest.data[key])) as IDataObject;
	}
}

function remember(lane: Lane, staticData: IDataObject): void {
	const data: IDataObject = {};
	for (const key of KEYS) if (staticData[key] !== undefined) data[key] = JSON.parse(JSON.stringify(staticData[key])) as IDataObject;
	lane.newest = { seq: readState(staticData).seq, data };
}

export interface LaneControl {
	/** Whether a delta round that started after `at` (ms) has run to the end of the new mail. */
	roundSince(at: number): boolean;
	/** A round that started at `startedAt` (ms) emitted everything new (not stopped by the cap per round). */
	caughtUp(startedAt: number): void;
	/** True the first time a lapse is seen by this process. */
	firstReport(noticedAt: number): boolean;
}

/**
 * Runs `work` for one trigger after the calls before it, on static data brought up to date; what it
 * leaves in static data (also when it throws) is what the next call starts from.
 */
export async function inLane<T>(key: string, staticData: IDataObject, work: (control: LaneControl) => Promise<T>): Promise<T> {
	const lane = laneOf(key);
	const run = lane.tail.then(async () => {
		catchUp(lane, staticData);
		try {
			return await work({
				roundSince: (at) => lane.lastRoundStartedAt > at,
				caughtUp: (startedAt) => (lane.lastRoundStartedAt = Math.max(lane.lastRoundStartedAt, startedAt)),
				firstReport: (noticedAt) => {
					if (lane.reported.has(noticedAt)) return false;
					lane.reported.add(noticedAt);
					return true;
				},
			});
		} finally {
			remember(lane, staticData);
		}
	});
	lane.tail = run.catch(() => undefined);
	return await run;
}

/** Activation and deactivation run in the same process: they go through the lane too. */
export function laneKey(workflowId: string | undefined, nodeId: string): string {
	return `${workflowId ?? ''}:${nodeId}`;
}
