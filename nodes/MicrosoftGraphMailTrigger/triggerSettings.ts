/** The trigger's parameters, read and checked once per poll. */
import { NodeOperationError, type IDataObject, type IHookFunctions } from 'n8n-workflow';
import type { MailTriggerContext } from './triggerContext';
import { folderRef, wellKnownName, type FolderRef } from '../shared/folders';
import { SIMPLIFIED_SELECT } from '../MicrosoftGraphMail/actions/message/read/simplify';
import { readOptionSettings, type OutputKind } from '../MicrosoftGraphMail/actions/message/read/output';
import { DEFAULT_MAX_MAILS_PER_POLL } from './triggerDescription';
import { FILTER_FIELDS, type NewMailFilters } from './triggerFilters';

export interface WatchedFolder {
	/** Stable key of the folder choice in the cursor. */
	key: string;
	ref: FolderRef;
}

export interface NewMailSettings {
	mailbox: string;
	folders: WatchedFolder[];
	includeExisting: boolean;
	filters: NewMailFilters;
	output: OutputKind;
	fields: string[];
	bodyFormat?: 'text' | 'html';
	download?: { prefix: string; maxBytes: number };
	markAsRead: boolean;
	maxMailsPerPoll: number;
}

/** A plain string is a well-known name, an id, or (with a "/": ids never have one) a path. */
function refOf(value: unknown): FolderRef {
	if (typeof value === 'string' && value.includes('/')) return { mode: 'path', value: value.trim() };
	return folderRef(value);
}

function watched(ref: FolderRef): WatchedFolder | undefined {
	if (!ref.value) return undefined;
	if (ref.mode === 'path') return { key: `path:${ref.value.toLowerCase()}`, ref };
	const known = wellKnownName(ref.value);
	return known ? { key: `wk:${known}`, ref: { mode: 'id', value: known } } : { key: `id:${ref.value}`, ref: { mode: 'id', value: ref.value } };
}

/**
 * The Folders parameter: the list's values (well-known names, ids), or from an expression an array
 * or comma-separated string of names, ids and paths (folder locator objects work too).
 */
export function watchedFolders(parameter: unknown): WatchedFolder[] {
	const refs: unknown[] = typeof parameter === 'string' ? parameter.split(',') : Array.isArray(parameter) ? parameter : [parameter];
	const folders = new Map<string, WatchedFolder>();
	for (const ref of refs) {
		const folder = watched(refOf(typeof ref === 'string' ? ref.trim() : ref));
		if (folder && !folders.has(folder.key)) folders.set(folder.key, folder);
	}
	return [...folders.values()];
}

export function readSettings(ctx: MailTriggerContext | IHookFunctions): NewMailSettings {
	const node = ctx.getNode();
	const event = ctx.getNodeParameter('event', 'newMail') as string;
	if (event !== 'newMail') throw new NodeOperationError(node, `Event: unknown event "${event}"`);
	const folders = watchedFolders(ctx.getNodeParameter('folders', ['inbox']));
	if (folders.length === 0) throw new NodeOperationError(node, 'Folders: add at least one folder to watch');
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const output = ctx.getNodeParameter('output', 'simplified') as OutputKind;
	if (!['simplified', 'raw', 'fields'].includes(output)) throw new NodeOperationError(node, `Output: unknown choice "${output}"`);
	const max = Number(options.maxMailsPerPoll ?? DEFAULT_MAX_MAILS_PER_POLL);
	if (!Number.isInteger(max) || max < 1) throw new NodeOperationError(node, `Max Mails per Poll must be a whole number of at least 1 (got ${String(options.maxMailsPerPoll)})`);
	return {
		mailbox: String(ctx.getNodeParameter('mailbox', '') ?? ''),
		folders,
		includeExisting: ctx.getNodeParameter('includeExisting', false) === true,
		filters: ctx.getNodeParameter('filters', {}) as NewMailFilters,
		output,
		fields: output === 'fields' ? ((ctx.getNodeParameter('fields', []) as string[]) ?? []) : [],
		...readOptionSettings(options),
		markAsRead: options.markAsRead === true,
		maxMailsPerPoll: max,
	};
}

/** $select for every request: the output's properties plus what filters and the cursor read (undefined: Raw, every property). */
export function selectFor(settings: NewMailSettings): string[] | undefined {
	if (settings.output === 'raw') return undefined;
	const wanted = settings.output === 'simplified' ? SIMPLIFIED_SELECT : ['id', ...settings.fields];
	return [...new Set([...wanted, ...FILTER_FIELDS])];
}

export function preferFor(settings: NewMailSettings): string[] {
	return settings.bodyFormat ? [`outlook.body-content-type="${settings.bodyFormat}"`] : [];
}
