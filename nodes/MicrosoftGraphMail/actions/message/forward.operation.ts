/** Forward: see respond/respond.ts for how it is sent (one request, or a draft for large attachments) and why never twice. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { GraphClient } from '../../../shared/transport/graphClient';
import type { MailOperation } from '../operation';
import { responseFields } from './respond/description';
import { respond } from './respond/respond';

export const forwardOperation: MailOperation = {
	option: { name: 'Forward', value: 'forward', action: 'Forward a message', description: 'Forward a message to recipients, with a comment and attachments' },
	fields: responseFields('forward'),
	async execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
		return await respond(this, client, 'forward', itemIndex);
	},
};
