/** Reply All: see respond/respond.ts for how it is sent (one request, or a draft for large attachments) and why never twice. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { GraphClient } from '../../../shared/transport/graphClient';
import type { MailOperation } from '../operation';
import { responseFields } from './respond/description';
import { respond } from './respond/respond';

export const replyAllOperation: MailOperation = {
	option: { name: 'Reply All', value: 'replyAll', action: 'Reply to all recipients of a message', description: 'Reply to the sender and all recipients, with a comment and attachments' },
	fields: responseFields('replyAll'),
	async execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
		return await respond(this, client, 'replyAll', itemIndex);
	},
};
