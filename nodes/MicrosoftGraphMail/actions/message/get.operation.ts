/** Get Message: one message by its id, in the same output shapes as Get Messages. */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { mailboxField } from '../../../shared/descriptions/authentication';
import type { GraphClient } from '../../../shared/transport/graphClient';
import type { MailOperation } from '../operation';
import { messageLookupError } from './messageLocator';
import { messageToItem, outputFields, outputSettings, preferFor, readOptionsField, selectFor } from './read/output';

const OPERATION = 'get';
const show = { operation: [OPERATION] };

const fields: INodeProperties[] = [
	{ ...mailboxField, displayOptions: { show } },
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		required: true,
		displayOptions: { show },
		default: '',
		placeholder: 'AAMkAGI2TG93AAA=',
		description: 'The ID of the message, e.g. the ID output by Get Messages or the trigger',
	},
	...outputFields(OPERATION),
	readOptionsField(OPERATION),
];

export const getOperation: MailOperation = {
	option: { name: 'Get Message', value: OPERATION, action: 'Get a message', description: 'Get one message by its ID' },
	fields,
	async execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
		const mailboxPath = client.mailboxPath(this.getNodeParameter('mailbox', itemIndex, '') as string, itemIndex);
		const messageId = String(this.getNodeParameter('messageId', itemIndex, '') ?? '').trim();
		if (!messageId) throw new NodeOperationError(this.getNode(), 'Message ID: enter the ID of the message', { itemIndex });
		const settings = outputSettings(this, itemIndex);
		const select = selectFor(settings);
		let message: IDataObject;
		try {
			message = await client.request<IDataObject>({
				url: `${mailboxPath}/messages/${encodeURIComponent(messageId)}`,
				qs: select ? { $select: select } : undefined,
				prefer: preferFor(settings),
				permission: 'Mail.Read',
				itemIndex,
			});
		} catch (error) {
			throw messageLookupError(this.getNode(), error as Error, 'Message ID', messageId, mailboxPath, itemIndex);
		}
		return [await messageToItem(this, client, mailboxPath, message, settings, itemIndex)];
	},
};
