/** Get Draft: one draft by the Message locator; sent or received mail is refused. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { GraphClient } from '../../../shared/transport/graphClient';
import type { MailOperation } from '../operation';
import { actedMessage } from '../message/messageOutput';
import { targetFields } from '../message/target';
import { draftTarget } from './draftTarget';

const OPERATION = 'get';

export const getOperation: MailOperation = {
	option: { name: 'Get', value: OPERATION, action: 'Get a draft', description: 'Get one draft by its ID' },
	fields: targetFields(OPERATION),
	async execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
		const { draft } = await draftTarget(this, client, itemIndex);
		return [{ json: actedMessage(draft) }];
	},
};
