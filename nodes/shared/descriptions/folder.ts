/**
 * The folder choice shared by Get Messages and the New Mail trigger: a well-known folder, one of
 * the mailbox's own folders from a live list, an ID, or a path like `Inbox/Invoices`. The value is
 * resolved to a folder id by `resolveFolder` (../folders.ts).
 */
import type { IDisplayOptions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/** Graph's well-known folder names: they work in every mailbox and every language. */
export const WELL_KNOWN_FOLDERS: (INodePropertyOptions & { value: string })[] = [
	{ name: 'Inbox', value: 'inbox' },
	{ name: 'Sent Items', value: 'sentitems' },
	{ name: 'Drafts', value: 'drafts' },
	{ name: 'Deleted Items', value: 'deleteditems' },
	{ name: 'Junk Email', value: 'junkemail' },
	{ name: 'Archive', value: 'archive' },
	{ name: 'Outbox', value: 'outbox' },
];

/** Method name of the searchable folder list (register it under `methods.listSearch`). */
export const SEARCH_FOLDERS_METHOD = 'searchFolders';

export const folderScopeField: INodeProperties = {
	displayName: 'Look In',
	name: 'folderScope',
	type: 'options',
	options: [
		{ name: 'A Folder', value: 'folder', description: 'One folder (its subfolders are not included)' },
		{ name: 'All Mail', value: 'allMail', description: 'Every folder of the mailbox, Deleted Items and Junk Email included' },
	],
	default: 'folder',
};

export const folderLocatorField: INodeProperties = {
	displayName: 'Folder',
	name: 'folder',
	type: 'resourceLocator',
	default: { __rl: true, mode: 'list', value: 'inbox', cachedResultName: 'Inbox' },
	description: 'Well-known folders work in any mailbox language. A path names folders from the top, separated by "/".',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a folder…',
			typeOptions: { searchListMethod: SEARCH_FOLDERS_METHOD, searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'AQMkADAwATM0MDAAMS1… or inbox',
		},
		{
			displayName: 'By Path',
			name: 'path',
			type: 'string',
			placeholder: 'Inbox/Invoices',
			hint: 'Folder names from the top of the mailbox, separated by "/" (Inbox, Sent Items, … name the well-known folders); write a "/" inside a name as \\/',
		},
	],
};

/**
 * The folder fields for an operation or trigger. `show` is its displayOptions.show; with
 * `allMail`, a Look In choice offers every folder at once (listings only: delta is per folder).
 */
export function folderFields(show: NonNullable<IDisplayOptions['show']>, { allMail = false } = {}): INodeProperties[] {
	if (!allMail) return [{ ...folderLocatorField, displayOptions: { show } }];
	return [
		{ ...folderScopeField, displayOptions: { show } },
		{ ...folderLocatorField, displayOptions: { show: { ...show, folderScope: ['folder'] } } },
	];
}
