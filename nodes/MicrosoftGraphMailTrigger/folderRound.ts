/** What a poll hands to one folder's sync (delta or received-time window), and what it gets back. */
import type { IDataObject } from 'n8n-workflow';
import type { GraphClient } from '../shared/transport/graphClient';
import type { FolderCursor } from './newMailCursor';
import type { PollBudget } from './pollBudget';

export interface FolderRound {
	client: GraphClient;
	/** `/users/{id}/mailFolders/{folder}`, asked for only to start a sync (a path may need a lookup); later requests follow Graph's links. */
	folderPath(): Promise<string>;
	/** $select for every page; undefined asks for every property (raw output). */
	select?: string[];
	/** Extra Prefer values for every request (body format). */
	prefer: string[];
	/** The trigger's filters. */
	matches(mail: IDataObject): boolean;
	/** Emitted before (remembered in the cursor) or earlier in this poll. */
	alreadyEmitted(mail: IDataObject): boolean;
	/** Called with the new mails of each page this poll keeps, before it fetches the next one. */
	take(mails: IDataObject[]): Promise<void>;
	/** Most mails this folder may emit in this poll. */
	limit: number;
	budget: PollBudget;
	itemIndex?: number;
}

export interface RoundOutcome {
	/** New matching mails in the order Graph gave them. */
	mails: IDataObject[];
	cursor: FolderCursor;
	/** The poll stopped with mail left in this folder: the cap per poll, or the time budget. */
	stopped?: 'cap' | 'budget';
	/** A stale sync state was replaced by a new sync. */
	restarted?: boolean;
	requests: number;
}

/** Page size to ask for: never more than the mails this folder may still emit. */
export function pageSizeFor(limit: number, taken: number, max: number): number {
	return Math.max(1, Math.min(max, limit - taken));
}
