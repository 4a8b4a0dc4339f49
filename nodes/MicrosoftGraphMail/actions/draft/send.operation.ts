/**
 * Send Draft: POST …/send through Send Mail's sendDraft, so a broken connection is checked, never
 * answered by sending blindly again. A mail that is not a draft (any more) is refused before sending.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { GraphClient } from '../../../shared/transport/graphClient';
import type { MailOperation } from '../operation';
import { sendDraft } from '../message/send/delivery';
import { onMessage, permissionName, targetFields } from '../message/target';
import { draftTarget } from './draftTarget';

const OPERATION = 'send';

export const sendOperation: MailOperation = {
	option: { name: 'Send', value: OPERATION, action: 'Send a draft', description: 'Send a draft as it is now' },
	fields: targetFields(OPERATION),
	async execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
		const { target, draft } = await draftTarget(this, client, itemIndex, 'id,parentFolderId');
		const permission = permissionName(client, target.mailboxPath, 'Mail.Send');
		const { checked } = await onMessage(client, target, () => sendDraft(client, target.url, draft.parentFolderId as string | undefined, { itemIndex, permission }));
		return [{ json: { id: target.messageId, sent: true, ...(checked ? { sendConfirmedAfterRetry: true } : {}) } }];
	},
};
