/**
 * Fallback where Graph has no delta query (the China cloud operated by 21Vianet): list the folder's
 * mail received since the anchor minus an overlap, oldest first, and drop what was emitted before.
 * The overlap catches mail that shows up late with an earlier receivedDateTime; the remembered ids
 * keep it from being emitted twice. Within the overlap a non-matching mail is looked at again,
 * never beyond it.
 */
import type { IDataObject } from 'n8n-workflow';
import type { GraphCall } from '../shared/transport/graphClient';
import { MAX_PAGE_SIZE } from '../shared/transport/limits';
import { pageSizeFor, type FolderRound, type RoundOutcome } from './folderRound';
import { epochSeconds, idKey, OVERLAP_SECONDS, type FolderCursor } from './newMailCursor';

/** The Chinese cloud has no delta for messages; a custom cloud pointing there neither. */
export function deltaUnavailable(endpoints: { cloud: string; graphUrl: string }): boolean {
	return endpoints.cloud === 'china' || /\.chinacloudapi\.cn$/i.test(new URL(endpoints.graphUrl).hostname);
}

export function windowShape(select: string[] | undefined): string {
	return `window|${select ? select.join(',') : '*'}`;
}

function isoSeconds(epochS: number): string {
	return new Date(epochS * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export async function windowRound(round: FolderRound, start: FolderCursor): Promise<RoundOutcome> {
	const from = start.anchor > 0 ? Math.max(start.watchedSince, start.anchor - OVERLAP_SECONDS) : start.watchedSince;
	const qs: IDataObject = { $orderby: 'receivedDateTime asc', $top: pageSizeFor(round.limit, 0, MAX_PAGE_SIZE) };
	if (from > 0) qs.$filter = `receivedDateTime ge ${isoSeconds(from)}`;
	if (round.select) qs.$select = round.select.join(',');
	let call: GraphCall | undefined = { url: `${await round.folderPath()}/messages`, qs, itemIndex: round.itemIndex, permission: 'Mail.Read' };

	const mails: IDataObject[] = [];
	const seenThisRound = new Set<string>();
	let requests = 0;
	let anchor = start.anchor;
	while (call) {
		if (requests > 0 && !round.budget.hasTimeForPage()) return { mails, cursor: { ...start, anchor }, stopped: 'budget', requests };
		const startedAt = Date.now();
		requests++;
		const page = await round.client.request<IDataObject>({ ...call, prefer: round.prefer });
		const fresh: IDataObject[] = [];
		let full = false;
		for (const mail of (page.value as IDataObject[] | undefined) ?? []) {
			if (typeof mail.id !== 'string') continue;
			const key = idKey(mail.id);
			const isNew = !seenThisRound.has(key) && round.matches(mail) && !round.alreadyEmitted(mail);
			if (isNew && mails.length + fresh.length >= round.limit) {
				full = true;
				break;
			}
			// Oldest first: every mail before this one has been looked at.
			anchor = Math.max(anchor, epochSeconds(mail.receivedDateTime) ?? anchor);
			if (!isNew) continue;
			seenThisRound.add(key);
			fresh.push(mail);
		}
		await round.take(fresh);
		mails.push(...fresh);
		round.budget.pageTook(Date.now() - startedAt);
		if (full) return { mails, cursor: { ...start, anchor }, stopped: 'cap', requests };
		const nextLink = page['@odata.nextLink'] as string | undefined;
		call = nextLink ? { url: nextLink, itemIndex: round.itemIndex, permission: 'Mail.Read' } : undefined;
	}
	return { mails, cursor: { ...start, anchor }, requests };
}
