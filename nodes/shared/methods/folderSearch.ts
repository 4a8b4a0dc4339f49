/**
 * The searchable folder list of the Folder field: well-known folders first (their names work in
 * any mailbox, so a workflow stays portable), then the mailbox's own folders and subfolders by path,
 * loaded live from Graph.
 */
import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';
import { createGraphClient } from '../transport/graphClient';
import { WELL_KNOWN_FOLDERS } from '../descriptions/folder';
import { listFolders } from '../folders';

/** Folders loaded into the list at most: beyond this, use By Path. */
const MAX_LISTED_FOLDERS = 1000;

function currentMailbox(ctx: ILoadOptionsFunctions): string {
	try {
		return String(ctx.getCurrentNodeParameter('mailbox') ?? '');
	} catch {
		// An expression that needs input data cannot be resolved while editing: use the default mailbox.
		return '';
	}
}

export async function searchFolders(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const needle = (filter ?? '').trim().toLowerCase();
	const matches = (name: string) => !needle || name.toLowerCase().includes(needle);
	const client = await createGraphClient(this);
	const mailboxPath = client.mailboxPath(currentMailbox(this));
	const results: INodeListSearchItems[] = WELL_KNOWN_FOLDERS.filter((f) => matches(f.name)).map((f) => ({ name: f.name, value: f.value }));
	for (const folder of await listFolders(client, mailboxPath, MAX_LISTED_FOLDERS)) {
		// A top-level well-known folder is already listed by its well-known name; its subfolders are not.
		if (folder.wellKnownName && WELL_KNOWN_FOLDERS.some((f) => f.value === folder.wellKnownName)) continue;
		if (matches(folder.path)) results.push({ name: folder.path, value: folder.id });
	}
	return { results };
}
