/** Copy: a copy of the message in another folder; the copy has a new id, the original stays. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { GraphClient } from '../../../shared/transport/graphClient';
import type { MailOperation } from '../operation';
import { relocate, relocateFields } from './relocate';

export const copyOperation: MailOperation = {
	option: { name: 'Copy', value: 'copy', action: 'Copy a message', description: 'Copy a message to another folder (the copy gets a new ID)' },
	fields: relocateFields('copy'),
	async execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
		return await relocate(this, client, itemIndex, 'copy');
	},
};
