/**
 * Where the trigger stands, kept in the node's workflow static data under one key. It is read once
 * at the start of a poll (as a copy) and written back once, as a whole, when the poll has done all
 * its Graph calls. So a poll that fails changes nothing. n8n 2.41 stores static data only with a
 * poll that emitted (and after activating); with durable poll cursors with every completed poll
 * except an activation that emitted nothing (see README, "When n8n stores the position").
 *
 * Nothing else (no process memory) decides what is emitted, so any worker can run the next poll.
 */
import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

/** Static data key; bump VERSION when the shape changes (an unknown shape starts from now). */
export const CURSOR_KEY = 'newMail';
const VERSION = 1;

/**
 * Mail that arrives late with an earlier receivedDateTime (indexing lag, clock skew) is still
 * caught when a sync restarts from a receivedDateTime: restarts go back this far.
 */
export const OVERLAP_SECONDS = 5 * 60;
/** Upper bound of the emitted-id set (about 30 bytes each in static data). */
export const MAX_REMEMBERED = 10_000;

export interface FolderCursor {
	/** Graph's link to call next: the deltaLink of a finished round, or the nextLink where a poll stopped. */
	link?: string;
	/** The request shape ($select, sync kind) the link was made for; another shape restarts the sync. */
	shape: string;
	/**
	 * Epoch seconds. Mail received before it was all seen when the folder was last caught up (or, before
	 * that, when the trigger started watching). A new sync starts at anchor - OVERLAP_SECONDS.
	 */
	anchor: number;
	/** receivedDateTime filter of the round's first request (epoch s); 0 = the whole folder. */
	startAt: number;
	/** Newest receivedDateTime (epoch s) seen in the round under way. */
	roundNewest?: number;
	/**
	 * Epoch seconds (Graph's clock) from which mail counts as new; 0 includes the mail already there.
	 * No sync ever starts earlier.
	 */
	watchedSince: number;
	/**
	 * The first round of a trigger that starts "from now": mail in it is consumed, not emitted, unless
	 * received at or after `baselineAt` (Graph's Date when the round began), i.e. arrived meanwhile.
	 */
	baseline?: boolean;
	baselineAt?: number;
	/** The folder's id, once a path had to be looked up (so later polls need no lookup). */
	folderId?: string;
}

export interface NewMailCursor {
	v: number;
	/** The mailbox path the folders belong to; another mailbox starts afresh. */
	mailbox: string;
	folders: Record<string, FolderCursor>;
	/** Recently emitted mails: [hash of the immutable id, receivedDateTime in epoch s], oldest first. */
	emitted: Array<[string, number]>;
	/** Index of the folder the next poll starts with, so one busy folder cannot starve the others. */
	turn: number;
	/**
	 * Mark as Read: ids of unread mail the poll that wrote this cursor emitted (at most Max Mails per
	 * Poll). n8n stores a cursor only with the execution it started, so the next poll that finds them
	 * here knows the emission happened, and marks them then.
	 */
	markRead?: string[];
}

/** Short, stable key for an immutable id (ids are ~150 characters; 72 bits is plenty for 10,000). */
export function idKey(id: string): string {
	return createHash('sha256').update(id).digest('base64url').slice(0, 12);
}

export function epochSeconds(iso: unknown): number | undefined {
	const ms = Date.parse(String(iso ?? ''));
	return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

function isFolderCursor(value: unknown): value is FolderCursor {
	const f = value as FolderCursor;
	return !!f && typeof f === 'object' && typeof f.shape === 'string' && typeof f.anchor === 'number' && typeof f.startAt === 'number' && typeof f.watchedSince === 'number';
}

/** A copy of the stored cursor for this mailbox, or undefined when there is none (or not a usable one). */
export function readCursor(staticData: IDataObject, mailbox: string): NewMailCursor | undefined {
	const stored = staticData[CURSOR_KEY] as NewMailCursor | undefined;
	if (!stored || typeof stored !== 'object' || stored.v !== VERSION || stored.mailbox !== mailbox) return undefined;
	const copy = JSON.parse(JSON.stringify(stored)) as NewMailCursor;
	for (const [key, folder] of Object.entries(copy.folders ?? {})) if (!isFolderCursor(folder)) delete copy.folders[key];
	copy.emitted = Array.isArray(copy.emitted) ? copy.emitted.filter((e) => Array.isArray(e) && typeof e[0] === 'string') : [];
	copy.turn = Number.isInteger(copy.turn) ? copy.turn : 0;
	copy.markRead = Array.isArray(copy.markRead) ? copy.markRead.filter((id) => typeof id === 'string') : [];
	copy.folders ??= {};
	return copy;
}

export function emptyCursor(mailbox: string): NewMailCursor {
	return { v: VERSION, mailbox, folders: {}, emitted: [], turn: 0 };
}

/**
 * Drops remembered ids no restart can bring back: older than the oldest anchor minus the overlap.
 * Keeps at most MAX_REMEMBERED, the most recent.
 */
export function trimEmitted(cursor: NewMailCursor): void {
	const anchors = Object.values(cursor.folders).map((f) => f.anchor);
	// A folder that was never caught up (anchor 0) may resend anything: keep all, up to the bound.
	const floor = anchors.length ? Math.min(...anchors) - OVERLAP_SECONDS : 0;
	let kept = anchors.some((a) => a === 0) ? cursor.emitted : cursor.emitted.filter(([, received]) => received >= floor);
	if (kept.length > MAX_REMEMBERED) kept = kept.slice(kept.length - MAX_REMEMBERED);
	cursor.emitted = kept;
}

/** Stores the cursor with one assignment; the only write to static data a poll makes. */
export function writeCursor(staticData: IDataObject, cursor: NewMailCursor): void {
	trimEmitted(cursor);
	if (!cursor.markRead?.length) delete cursor.markRead;
	staticData[CURSOR_KEY] = cursor as unknown as IDataObject;
}
