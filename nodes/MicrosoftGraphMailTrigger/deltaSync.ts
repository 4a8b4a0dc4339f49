/**
 * One folder's share of a poll through Graph's delta query (messages/delta, changeType=created).
 * The cursor is Graph's link: the deltaLink of the last finished round, or the nextLink of the page
 * where a poll stopped (cap per poll, time budget). A page is either kept whole or not at all, so
 * the stored link always points at the first page not yet handed over.
 */
import { NodeOperationError, type IDataObject } from 'n8n-workflow';
import type { GraphCall } from '../shared/transport/graphClient';
import { MAX_PAGE_SIZE } from '../shared/transport/limits';
import { pageSizeFor, type FolderRound, type RoundOutcome } from './folderRound';
import { epochSeconds, idKey, OVERLAP_SECONDS, type FolderCursor } from './newMailCursor';

/**
 * A trigger starting "from now" first runs a baseline round over this much recent mail (to learn
 * where Graph stands, and to tolerate any clock difference); its mail is consumed, not emitted.
 */
export const BASELINE_LOOKBACK_SECONDS = 24 * 60 * 60;

/** Graph's answer when a delta token is too old or unknown: start a new sync. */
export function isStaleSyncState(error: unknown): boolean {
	const e = error as { httpCode?: string; message?: string };
	if (String(e?.httpCode) === '410') return true;
	return /\b(SyncStateNotFound|SyncStateInvalid|InvalidSyncState)\b/i.test(String(e?.message ?? ''));
}

export function deltaShape(select: string[] | undefined): string {
	return `delta|${select ? select.join(',') : '*'}`;
}

/**
 * The cursor of a folder the trigger starts watching: from now or from `from` (a baseline round
 * that emits only mail received from then on), or from the beginning.
 */
export function newDeltaCursor(shape: string, includeExisting: boolean, nowS: number, from?: number): FolderCursor {
	if (includeExisting) return { shape, anchor: 0, startAt: 0, watchedSince: 0 };
	if (from !== undefined) {
		// The start is known (activation): a short round around it, not a day.
		const since = from - OVERLAP_SECONDS;
		return { shape, anchor: since, startAt: since, watchedSince: since, baseline: true, baselineAt: from };
	}
	const since = nowS - BASELINE_LOOKBACK_SECONDS;
	return { shape, anchor: since, startAt: since, watchedSince: since, baseline: true };
}

/**
 * A new round in place of a lost one (stale token, other $select): from the anchor minus the
 * overlap, never before the trigger started watching. A baseline round starts again, from the
 * overlap before the time it began once Graph has told it (not the whole lookback again).
 */
export function restartedCursor(cursor: FolderCursor, shape: string): FolderCursor {
	const kept: FolderCursor = { ...cursor };
	delete kept.link;
	delete kept.roundNewest;
	if (cursor.baseline) {
		if (cursor.baselineAt === undefined) return { ...kept, shape };
		return { ...kept, shape, startAt: Math.max(cursor.startAt, cursor.baselineAt - OVERLAP_SECONDS) };
	}
	const startAt = cursor.anchor > 0 ? Math.max(cursor.watchedSince, cursor.anchor - OVERLAP_SECONDS) : cursor.watchedSince;
	return { ...kept, shape, startAt };
}

function isoSeconds(epochS: number): string {
	return new Date(epochS * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

async function firstCall(round: FolderRound, cursor: FolderCursor): Promise<GraphCall> {
	const qs: IDataObject = { changeType: 'created' };
	if (round.select) qs.$select = round.select.join(',');
	if (cursor.startAt > 0) qs.$filter = `receivedDateTime ge ${isoSeconds(cursor.startAt)}`;
	return { url: `${await round.folderPath()}/messages/delta`, qs, itemIndex: round.itemIndex, permission: 'Mail.Read' };
}

function linkCall(round: FolderRound, url: string): GraphCall {
	return { url, itemIndex: round.itemIndex, permission: 'Mail.Read' };
}

export async function deltaRound(round: FolderRound, start: FolderCursor): Promise<RoundOutcome> {
	let cursor: FolderCursor = { ...start };
	const mails: IDataObject[] = [];
	const seenThisRound = new Set<string>();
	let requests = 0;
	let restarted = false;
	let call: GraphCall = cursor.link ? linkCall(round, cursor.link) : await firstCall(round, cursor);

	for (;;) {
		if (requests > 0 && !round.budget.hasTimeForPage()) return { mails, cursor, stopped: 'budget', restarted, requests };
		const startedAt = Date.now();
		let page: IDataObject;
		try {
			requests++;
			const response = await round.client.requestFull<IDataObject>({
				...call,
				prefer: [...round.prefer, `odata.maxpagesize=${pageSizeFor(round.limit, mails.length, MAX_PAGE_SIZE)}`],
			});
			page = response.body;
			// Graph's clock, not ours, says when the baseline began.
			if (cursor.baseline && cursor.baselineAt === undefined) cursor = { ...cursor, baselineAt: epochSeconds(response.headers.date) ?? Math.floor(startedAt / 1000) };
		} catch (error) {
			// The transport's errors are NodeApiError/NodeOperationError already: pass them on as they are.
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
			if (restarted || !isStaleSyncState(error)) throw error;
			// Graph forgot the sync state: sync again from the anchor; remembered ids keep old mail out.
			restarted = true;
			cursor = restartedCursor(cursor, cursor.shape);
			call = await firstCall(round, cursor);
			continue;
		}

		const fresh: IDataObject[] = [];
		let newest = cursor.roundNewest;
		for (const mail of (page.value as IDataObject[] | undefined) ?? []) {
			if (mail['@removed'] || typeof mail.id !== 'string') continue;
			const received = epochSeconds(mail.receivedDateTime);
			if (received !== undefined) newest = Math.max(newest ?? received, received);
			// Baseline: mail that was there before the trigger started is not new.
			if (cursor.baseline && (received === undefined || received < cursor.baselineAt!)) continue;
			const key = idKey(mail.id);
			if (seenThisRound.has(key) || !round.matches(mail) || round.alreadyEmitted(mail)) continue;
			seenThisRound.add(key);
			fresh.push(mail);
		}
		// Over the cap: leave the whole page (and the link to it) for the next poll.
		if (mails.length > 0 && mails.length + fresh.length > round.limit && cursor.link === call.url) {
			return { mails, cursor, stopped: 'cap', restarted, requests };
		}
		await round.take(fresh);
		mails.push(...fresh);
		round.budget.pageTook(Date.now() - startedAt);

		const nextLink = page['@odata.nextLink'] as string | undefined;
		const deltaLink = page['@odata.deltaLink'] as string | undefined;
		if (nextLink) {
			cursor = { ...cursor, link: nextLink, roundNewest: newest };
			call = linkCall(round, nextLink);
			if (mails.length >= round.limit) return { mails, cursor, stopped: 'cap', restarted, requests };
			continue;
		}
		if (deltaLink) return { mails, cursor: caughtUp(cursor, deltaLink, newest), restarted, requests };
		throw new NodeOperationError(round.client.node, 'Graph answered a delta request without a nextLink or deltaLink', {
			description: 'The sync position is kept; the next poll asks again.',
		});
	}
}

/** End of a round: everything received up to its newest mail has been seen. */
function caughtUp(cursor: FolderCursor, deltaLink: string, newest: number | undefined): FolderCursor {
	const next: FolderCursor = { ...cursor, link: deltaLink, anchor: Math.max(cursor.anchor, newest ?? cursor.anchor) };
	delete next.roundNewest;
	delete next.baseline;
	delete next.baselineAt;
	if (cursor.baseline) {
		// From here on, mail received from the baseline's start counts as new (and no restart goes earlier).
		next.watchedSince = cursor.baselineAt ?? next.anchor;
		next.anchor = Math.max(next.anchor, next.watchedSince);
	}
	return next;
}
