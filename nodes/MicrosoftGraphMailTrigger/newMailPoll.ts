/**
 * One poll of the New Mail trigger: first Mark as Read for the mail the stored cursor says was
 * emitted, then each watched folder's sync in turn, within the cap per poll and the time budget,
 * then one write of the cursor. Until that write nothing is stored, so a poll that throws (or whose
 * emission n8n abandons) leaves the cursor where it was and the next poll fetches the same mail
 * again, still unread.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import type { MailTriggerContext } from './triggerContext';
import type { GraphClient } from '../shared/transport/graphClient';
import { resolveFolder } from '../shared/folders';
import { MAILBOX_CONCURRENCY } from '../shared/transport/limits';
import { deltaRound, deltaShape, newDeltaCursor, restartedCursor } from './deltaSync';
import type { FolderRound } from './folderRound';
import { mailToItem, mapLimited, markAsRead } from './mailItems';
import { emptyCursor, epochSeconds, idKey, readCursor, writeCursor, type FolderCursor, type NewMailCursor } from './newMailCursor';
import { PollBudget } from './pollBudget';
import { deltaUnavailable, windowRound, windowShape } from './receivedWindow';
import { mailFilter } from './triggerFilters';
import { preferFor, selectFor, type NewMailSettings, type WatchedFolder } from './triggerSettings';

/** Where a folder's requests start: a well-known name or id goes straight into the URL; a path is looked up once. */
async function folderPathOf(client: GraphClient, mailboxPath: string, folder: WatchedFolder, cursor: FolderCursor): Promise<{ path: string; folderId?: string }> {
	if (cursor.folderId) return { path: `${mailboxPath}/mailFolders/${encodeURIComponent(cursor.folderId)}`, folderId: cursor.folderId };
	if (folder.ref.mode !== 'path') return { path: `${mailboxPath}/mailFolders/${encodeURIComponent(folder.ref.value)}` };
	const { id } = await resolveFolder(client, mailboxPath, folder.ref);
	return { path: `${mailboxPath}/mailFolders/${encodeURIComponent(id)}`, folderId: id };
}

/** The cursor of a folder the trigger starts watching: from `from` (or now), or from the beginning. */
function newFolderCursor(useDelta: boolean, shape: string, includeExisting: boolean, nowS: number, from: number | undefined): FolderCursor {
	if (useDelta) return newDeltaCursor(shape, includeExisting, nowS, from);
	// Without delta, "now" can only be this clock's.
	const since = includeExisting ? 0 : (from ?? nowS);
	return { shape, anchor: since, startAt: since, watchedSince: since };
}

/** Where a folder that was just started counts mail as new from (epoch s, Graph's clock); undefined if its baseline has not begun. */
function startedFrom(cursor: FolderCursor): number | undefined {
	return cursor.baseline ? cursor.baselineAt : cursor.watchedSince;
}

/** The mailbox a cursor belongs to. */
export function cursorScope(client: GraphClient, settings: NewMailSettings): string {
	return `${client.endpoints.graphUrl}${client.mailboxPath(settings.mailbox)}`;
}

/** What woke the poll knows about where a trigger without a stored cursor starts. */
export interface PollStart {
	/** Epoch s (Graph's clock) from which mail counts as new for a folder without a cursor; undefined: from now. */
	watchedFrom?: number;
}

/** Delta guarantees no order: a poll's mail goes out oldest received first (stable for equal times). */
function inReceivedOrder(mails: IDataObject[]): IDataObject[] {
	const at = (mail: IDataObject) => Date.parse(String(mail.receivedDateTime ?? '')) || 0;
	return [...mails].sort((a, b) => at(a) - at(b));
}

export interface PollResult {
	items: INodeExecutionData[];
	requests: number;
	/** Some folder stopped with mail left (cap or budget): the next poll goes on from there. */
	more: boolean;
	/** No cursor was stored: where the folders started watching (the earliest; epoch s, Graph's clock). */
	startedFrom?: number;
}

export async function pollNewMail(ctx: MailTriggerContext, client: GraphClient, settings: NewMailSettings, start: PollStart = {}): Promise<PollResult> {
	const mailboxPath = client.mailboxPath(settings.mailbox);
	const staticData = ctx.getWorkflowStaticData('node');
	const scope = cursorScope(client, settings);
	const stored = readCursor(staticData, scope);
	const before: NewMailCursor = stored ?? emptyCursor(scope);
	const remembered = new Set(before.emitted.map(([key]) => key));
	const useDelta = !deltaUnavailable(client.endpoints);
	const select = selectFor(settings);
	const shape = useDelta ? deltaShape(select) : windowShape(select);
	const matches = mailFilter(settings.filters);
	const budget = PollBudget.of(ctx);
	const nowS = Math.floor(Date.now() / 1000);
	// The stored cursor came with an execution: its mails were handed over, so marking them is safe now.
	const markedNow = new Set(before.markRead ?? []);
	if (markedNow.size) await markAsRead(ctx, client, mailboxPath, [...markedNow]);

	const folders: Record<string, FolderCursor> = {};
	const emitted: IDataObject[] = [];
	const items = new Map<string, INodeExecutionData>();
	let requests = 0;
	let more = false;
	const count = settings.folders.length;
	const first = before.turn % count;
	let turn = first;

	for (let i = 0; i < count; i++) {
		const index = (first + i) % count;
		const folder = settings.folders[index];
		let cursor = before.folders[folder.key] ?? newFolderCursor(useDelta, shape, settings.includeExisting, nowS, stored ? undefined : start.watchedFrom);
		if (cursor.shape !== shape) cursor = restartedCursor(cursor, shape);
		const limit = settings.maxMailsPerPoll - emitted.length;
		if (limit <= 0 || (i > 0 && !budget.hasTimeForPage())) {
			// No room left in this poll: the folder keeps its place (a new one is watched from now on).
			folders[folder.key] = cursor;
			more = true;
			continue;
		}
		let folderId = cursor.folderId;
		const round: FolderRound = {
			client,
			folderPath: async () => {
				const where = await folderPathOf(client, mailboxPath, folder, cursor);
				folderId = where.folderId;
				return where.path;
			},
			select,
			prefer: preferFor(settings),
			matches,
			alreadyEmitted: (mail) => remembered.has(idKey(String(mail.id))),
			take: async (mails) => {
				for (const mail of mails) remembered.add(idKey(String(mail.id)));
				const built = await mapLimited(mails, MAILBOX_CONCURRENCY, async (mail) => await mailToItem(ctx, client, mailboxPath, mail, settings));
				mails.forEach((mail, n) => items.set(String(mail.id), built[n]));
			},
			limit,
			budget,
		};
		const outcome = useDelta ? await deltaRound(round, cursor) : await windowRound(round, cursor);
		folders[folder.key] = folderId ? { ...outcome.cursor, folderId } : outcome.cursor;
		emitted.push(...outcome.mails);
		requests += outcome.requests;
		if (outcome.stopped) {
			more = true;
			// The next poll starts with the folder after this one, so no folder waits behind a busy one.
			if (turn === first) turn = (index + 1) % count;
		}
	}

	// Commit. Another poll of this trigger may have committed meanwhile (older n8n lets polls overlap):
	// its emitted ids count too, so no mail goes out twice.
	const latest = readCursor(staticData, scope) ?? before;
	const already = new Set(latest.emitted.map(([key]) => key));
	const fresh = inReceivedOrder(emitted.filter((mail) => !already.has(idKey(String(mail.id)))));
	const cursor: NewMailCursor = {
		...emptyCursor(scope),
		folders,
		emitted: [...latest.emitted, ...fresh.map((mail): [string, number] => [idKey(String(mail.id)), epochSeconds(mail.receivedDateTime) ?? nowS])],
		turn,
		markRead: [
			...(latest.markRead ?? []).filter((id) => !markedNow.has(id)),
			...(settings.markAsRead ? fresh.filter((mail) => mail.isRead !== true).map((mail) => String(mail.id)) : []),
		],
	};
	writeCursor(staticData, cursor);
	const starts = stored ? [] : Object.values(folders).map(startedFrom).filter((at): at is number => at !== undefined);
	return { items: fresh.map((mail) => items.get(String(mail.id))!), requests, more, startedFrom: starts.length ? Math.min(...starts) : undefined };
}
