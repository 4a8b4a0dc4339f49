/** Delete: removes one attachment from a message or draft (for good: attachments have no Deleted Items). */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { GraphClient } from '../../../shared/transport/graphClient';
import { throughputOptionsCollection, type MailOperation } from '../operation';
import { permissionName, targetFields } from '../message/target';
import { attachmentIdField, attachmentTarget, onAttachment } from './attachmentTarget';

const OPERATION = 'delete';
const show = { operation: [OPERATION] };

const fields: INodeProperties[] = [
	...targetFields(OPERATION),
	attachmentIdField(OPERATION),
	throughputOptionsCollection(show),
];

async function execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
	const target = attachmentTarget(this, client, itemIndex);
	const permission = permissionName(client, target.mailboxPath, 'Mail.ReadWrite');
	await onAttachment(client, target, permission, () => client.request({ method: 'DELETE', url: target.attachmentUrl, permission, itemIndex }));
	return [{ json: { messageId: target.messageId, attachmentId: target.attachmentId, deleted: true } }];
}

export const deleteOperation: MailOperation = {
	option: { name: 'Delete', value: OPERATION, action: 'Delete an attachment of a message', description: 'Remove an attachment from a message or draft' },
	fields,
	execute,
};
