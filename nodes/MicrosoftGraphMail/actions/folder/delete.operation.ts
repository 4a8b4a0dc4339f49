/** Delete: Graph moves the folder, with its subfolders and mail, into Deleted Items (deleting it there removes it). */
import { NodeApiError, NodeOperationError, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import type { GraphClient } from '../../../shared/transport/graphClient';
import { permissionName } from '../message/target';
import { throughputOptionsCollection, type MailOperation } from '../operation';
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
	throughputOptionsCollection(show),
];

async function execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
	const mailboxPath = mailboxPathOf(this, client, itemIndex);
	const folder = (await folderOf(this, client, mailboxPath, itemIndex, FOLDER))!;
	try {
		await client.request({ method: 'DELETE', url: folderUrl(mailboxPath, folder.id), permission: permissionName(client, mailboxPath, 'Mail.ReadWrite'), itemIndex });
	} catch (error) {
		throw distinguishedError(client, error as Error, folder.displayName, itemIndex);
	}
	return [{ json: { id: folder.id, displayName: folder.displayName, deleted: true, movedTo: 'deleteditems' } }];
}

/** Graph's 403 for Inbox & co. is not a missing permission: say what it is, naming the Folder field. */
function distinguishedError(client: GraphClient, error: Error, name: string, itemIndex: number): Error {
	if (!(error instanceof NodeApiError) || error.errorResponse?.code !== 'ErrorDeleteDistinguishedFolder') return error;
	return new NodeOperationError(client.node, `${FOLDER.displayName}: "${name}" is a well-known folder, which cannot be deleted`, {
		description: 'Graph answered ErrorDeleteDistinguishedFolder. Pick one of the mailbox\'s own folders.',
		itemIndex,
	});
}

export const deleteOperation: MailOperation = {
	option: { name: 'Delete', value: OPERATION, action: 'Delete a folder', description: 'Move a folder with its contents to Deleted Items' },
	fields,
	execute,
};
