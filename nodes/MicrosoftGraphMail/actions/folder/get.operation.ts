/** Get: one folder with its counts (unread, total, subfolders), by list, ID or path. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { GraphClient } from '../../../shared/transport/graphClient';
import { permissionName } from '../message/target';
import { type MailOperation } from '../operation';
import { FOLDER_PROPERTIES, folderJson, folderLocator, folderOf, folderUrl, mailboxFieldFor, mailboxPathOf } from './folderTarget';

const OPERATION = 'get';
const FOLDER = { name: 'folder', displayName: 'Folder' };

const fields: INodeProperties[] = [mailboxFieldFor(OPERATION), folderLocator(OPERATION)];

async function execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
	const mailboxPath = mailboxPathOf(this, client, itemIndex);
	const folder = (await folderOf(this, client, mailboxPath, itemIndex, FOLDER))!;
	const json = await client.request<IDataObject>({
		url: folderUrl(mailboxPath, folder.id),
		qs: { $select: FOLDER_PROPERTIES.join(',') },
		permission: permissionName(client, mailboxPath, 'Mail.Read'),
		itemIndex,
	});
	return [{ json: folderJson(json) }];
}

export const getOperation: MailOperation = {
	option: { name: 'Get', value: OPERATION, action: 'Get a folder', description: 'Get one folder with its message counts' },
	fields,
	execute,
};
