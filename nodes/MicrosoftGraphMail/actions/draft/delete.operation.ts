/** Delete Draft: the draft goes to Deleted Items (as Graph's DELETE does), never a sent or received mail. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { GraphClient } from '../../../shared/transport/graphClient';
import type { MailOperation } from '../operation';
import { onMessage, permissionName, targetFields } from '../message/target';
import { draftTarget } from './draftTarget';

const OPERATION = 'delete';

export const deleteOperation: MailOperation = {
	option: { name: 'Delete', value: OPERATION, action: 'Delete a draft', description: 'Delete a draft (it goes to Deleted Items)' },
	fields: targetFields(OPERATION),
	async execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
		const { target } = await draftTarget(this, client, itemIndex, 'id');
		const permission = permissionName(client, target.mailboxPath, 'Mail.ReadWrite');
		await onMessage(client, target, () => client.request({ method: 'DELETE', url: target.url, permission, itemIndex }));
		return [{ json: { id: target.messageId, deleted: true } }];
	},
};
