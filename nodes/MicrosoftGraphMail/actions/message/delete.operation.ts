/** Delete: to Deleted Items (recoverable from there), or permanently with permanentDelete. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { GraphClient } from '../../../shared/transport/graphClient';
import { throughputOptionsCollection, type MailOperation } from '../operation';
import { messageTarget, onMessage, permissionName, targetFields } from './target';

const OPERATION = 'delete';
const show = { operation: [OPERATION] };

const fields: INodeProperties[] = [
	...targetFields(OPERATION),
	{
		displayName: 'Delete Permanently',
		name: 'permanentDelete',
		type: 'boolean',
		default: false,
		displayOptions: { show },
		description: 'Whether to remove the message for good instead of moving it to Deleted Items',
		hint: 'Off: the message goes to Deleted Items, where the user can still restore it. On: it is removed for good (only an admin can recover it from Recoverable Items within the retention period).',
	},
	throughputOptionsCollection(show),
];

async function execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
	const target = messageTarget(this, client, itemIndex);
	const permanently = this.getNodeParameter('permanentDelete', itemIndex, false) === true;
	const permission = permissionName(client, target.mailboxPath, 'Mail.ReadWrite');
	await onMessage(client, target, () =>
		permanently
			? // Deleting twice ends the same way (the second answers 404), so a broken connection may be retried.
				client.request({ method: 'POST', url: `${target.url}/permanentDelete`, idempotent: true, permission, itemIndex })
			: client.request({ method: 'DELETE', url: target.url, permission, itemIndex }),
	);
	return [{ json: { id: target.messageId, deleted: true, permanently, ...(permanently ? {} : { folder: 'deleteditems' }) } }];
}

export const deleteOperation: MailOperation = {
	option: { name: 'Delete', value: OPERATION, action: 'Delete a message', description: 'Move a message to Deleted Items, or delete it permanently' },
	fields,
	execute,
};
