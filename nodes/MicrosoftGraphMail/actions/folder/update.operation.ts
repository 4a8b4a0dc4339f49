/** Rename / Update: a new display name for one of the mailbox's own folders (well-known folders cannot be renamed). */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { mailboxLabel } from '../../../shared/folders';
import type { GraphClient } from '../../../shared/transport/graphClient';
import { permissionName } from '../message/target';
import { throughputOptionsCollection, type MailOperation } from '../operation';
import { folderJson, folderLocator, folderOf, folderExistsError, folderUrl, mailboxFieldFor, mailboxPathOf, requiredName } from './folderTarget';

const OPERATION = 'update';
const show = { operation: [OPERATION] };
const FOLDER = { name: 'folder', displayName: 'Folder' };
const NAME = { name: 'newName', displayName: 'New Name' };

const fields: INodeProperties[] = [
	mailboxFieldFor(OPERATION),
	folderLocator(OPERATION, { default: { __rl: true, mode: 'list', value: '' } }),
	{
		displayName: NAME.displayName,
		name: NAME.name,
		type: 'string',
		required: true,
		default: '',
		displayOptions: { show },
		description: 'The new display name (one name, not a path: a "/" in it is part of the name)',
	},
	throughputOptionsCollection(show),
];

async function execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
	const mailboxPath = mailboxPathOf(this, client, itemIndex);
	const name = requiredName(this, client, itemIndex, NAME);
	const folder = (await folderOf(this, client, mailboxPath, itemIndex, FOLDER))!;
	try {
		const json = await client.request<IDataObject>({
			method: 'PATCH',
			url: folderUrl(mailboxPath, folder.id),
			body: { displayName: name },
			permission: permissionName(client, mailboxPath, 'Mail.ReadWrite'),
			itemIndex,
		});
		return [{ json: folderJson(json, { previousName: folder.displayName }) }];
	} catch (error) {
		throw folderExistsError(client, error as Error, `${NAME.displayName}: a folder "${name}" already exists next to "${folder.displayName}" in mailbox ${mailboxLabel(mailboxPath)}`, 'Choose another name.', itemIndex);
	}
}

export const updateOperation: MailOperation = {
	option: { name: 'Rename / Update', value: OPERATION, action: 'Rename a folder', description: "Change a folder's display name" },
	fields,
	execute,
};
