/** Move: the message to another folder; with immutable ids it keeps its id (output: idUnchanged). */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { GraphClient } from '../../../shared/transport/graphClient';
import type { MailOperation } from '../operation';
import { relocate, relocateFields } from './relocate';

export const moveOperation: MailOperation = {
	option: { name: 'Move', value: 'move', action: 'Move a message', description: 'Move a message to another folder (it keeps its ID)' },
	fields: relocateFields('move'),
	async execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
		return await relocate(this, client, itemIndex, 'move');
	},
};
