/** Get Many: the attachments of a message or draft, one output item each (metadata, no bytes). */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { GraphClient } from '../../../shared/transport/graphClient';
import { throughputOptions, type MailOperation } from '../operation';
import { messageTarget, permissionName, targetFields } from '../message/target';
import { attachmentMetadata, includeInlineOption, listAttachments } from './attachmentTarget';

const OPERATION = 'getAll';
const show = { operation: [OPERATION] };

const fields: INodeProperties[] = [
	...targetFields(OPERATION),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		displayOptions: { show },
		default: {},
		options: [includeInlineOption, ...throughputOptions],
	},
];

async function execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
	const target = messageTarget(this, client, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const permission = permissionName(client, target.mailboxPath, 'Mail.Read');
	const listed = await listAttachments(client, target, permission, options.includeInline !== false);
	const out: INodeExecutionData[] = [];
	for (const raw of listed) out.push({ json: await attachmentMetadata(client, target, raw, permission) });
	return out;
}

export const getManyOperation: MailOperation = {
	option: { name: 'Get Many', value: OPERATION, action: 'Get many attachments of a message', description: 'List the attachments of a message or draft (name, type, size, inline, content ID)' },
	fields,
	execute,
};
