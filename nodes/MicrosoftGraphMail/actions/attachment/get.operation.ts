/** Get: one attachment's metadata (no bytes: Download gives those). */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { GraphClient } from '../../../shared/transport/graphClient';
import { throughputOptionsCollection, type MailOperation } from '../operation';
import { permissionName, targetFields } from '../message/target';
import { attachmentIdField, attachmentMetadata, attachmentTarget, METADATA_SELECT, onAttachment } from './attachmentTarget';

const OPERATION = 'get';
const show = { operation: [OPERATION] };

const fields: INodeProperties[] = [
	...targetFields(OPERATION),
	attachmentIdField(OPERATION),
	throughputOptionsCollection(show),
];

async function execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
	const target = attachmentTarget(this, client, itemIndex);
	const permission = permissionName(client, target.mailboxPath, 'Mail.Read');
	const raw = await onAttachment(client, target, permission, () => client.request<IDataObject>({ url: target.attachmentUrl, qs: { $select: METADATA_SELECT }, permission, itemIndex }));
	return [{ json: await attachmentMetadata(client, target, raw, permission) }];
}

export const getOperation: MailOperation = {
	option: { name: 'Get', value: OPERATION, action: 'Get an attachment of a message', description: "One attachment's metadata" },
	fields,
	execute,
};
