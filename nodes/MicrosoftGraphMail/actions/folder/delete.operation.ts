/** Delete: Graph moves the folder, with its subfolders and mail, into Deleted Items (deleting it there removes it). */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { GraphClient } from '../../../shared/transport/graphClient';
import { permissionName } from '../message/target';
import { parallelItemsOption, type MailOperation } from '../operation';
import { folderLocator, folderOf, folderUrl, mailboxFieldFor, mailboxPathOf } from './folderTarget';

const OPERATION = 'delete';
const show = { operation: [OPERATION] };
const FOLDER = { name: 'folder', displayName: 'Folder' };

const fields: INodeProperties[] = [
	mailboxFieldFor(OPERATION),
	folderLocator(OPERATION, {
		default: { __rl: true, mode: 'list', value: '' },
		hint: 'Graph moves the folder, with its subfolders and mail, into Deleted Items, where the user can still restore it. A folder already in Deleted Items is removed for good.',
	}),
	{ displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', displayOptions: { show }, default: {}, options: [parallelItemsOption] },
];

async function execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
	const mailboxPath = mailboxPathOf(this, client, itemIndex);
	const folder = (await folderOf(this, client, mailboxPath, itemIndex, FOLDER))!;
	await client.request({ method: 'DELETE', url: folderUrl(mailboxPath, folder.id), permission: permissionName(client, mailboxPath, 'Mail.ReadWrite'), itemIndex });
	return [{ json: { id: folder.id, displayName: folder.displayName, deleted: true, movedTo: 'deleteditems' } }];
}

export const deleteOperation: MailOperation = {
	option: { name: 'Delete', value: OPERATION, action: 'Delete a folder', description: 'Move a folder with its contents to Deleted Items' },
	fields,
	execute,
};
