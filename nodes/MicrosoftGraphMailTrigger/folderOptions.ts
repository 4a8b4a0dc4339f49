/**
 * The Folders list of the trigger: well-known folders first (portable between mailboxes and
 * languages), then the mailbox's own folders by path, with their ids as values. Same listing as
 * the action node's folder picker (../shared/methods/folderSearch.ts).
 */
import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { WELL_KNOWN_FOLDERS } from '../shared/descriptions/folder';
import { listFolders } from '../shared/folders';
import { createGraphClient } from '../shared/transport/graphClient';

const MAX_LISTED_FOLDERS = 1000;

export async function getWatchableFolders(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	let mailbox = '';
	try {
		mailbox = String(this.getCurrentNodeParameter('mailbox') ?? '');
	} catch {
		// An expression that needs input data cannot be resolved while editing: use the default mailbox.
	}
	const client = await createGraphClient(this);
	const options: INodePropertyOptions[] = WELL_KNOWN_FOLDERS.map((f) => ({ name: f.name, value: f.value }));
	for (const folder of await listFolders(client, client.mailboxPath(mailbox), MAX_LISTED_FOLDERS)) {
		if (folder.wellKnownName && WELL_KNOWN_FOLDERS.some((f) => f.value === folder.wellKnownName)) continue;
		options.push({ name: folder.path, value: folder.id });
	}
	return options;
}
