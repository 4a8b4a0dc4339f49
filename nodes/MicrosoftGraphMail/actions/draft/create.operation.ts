/**
 * Create Draft: Send Mail's fields and message building, saved in Drafts instead of sent.
 * Attachments that fit go with the draft; larger ones are added afterwards (upload sessions from 3 MB).
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { GraphClient } from '../../../shared/transport/graphClient';
import type { MailOperation } from '../operation';
import { actedMessage } from '../message/messageOutput';
import { permissionName } from '../message/target';
import { resolveAttachments } from '../message/send/attachments';
import { addLaterAttachments, draftJson, planDelivery } from '../message/send/delivery';
import { composeFields } from '../message/send/description';
import { deleteDrafts } from '../message/send/exactlyOnce';
import { readMailInput } from '../message/send/mailInput';
import { buildMessage, FieldError } from '../message/send/messageBuilder';
import { addNote } from '../message/send/outcome';
import { checkedInput } from './draftTarget';

const OPERATION = 'create';

async function execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
	const mailboxUrl = client.mailboxPath(String(this.getNodeParameter('mailbox', itemIndex, '') ?? ''), itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const { input, message } = checkedInput(this, itemIndex, () => {
		const input = readMailInput(this, itemIndex, options);
		return { input, message: buildMessage(input, { requireRecipient: false }) };
	});
	const sources = await resolveAttachments(this, itemIndex, options.attachments, options.inlineImages).catch((error) => checkedInput(this, itemIndex, () => {
		throw error;
	}));
	const plan = checkedInput(this, itemIndex, () => {
		if (sources.some((s) => s.contentId) && input.bodyContentType !== 'html') {
			throw new FieldError('Inline Images', 'Inline images need an HTML body (Body Content Type: HTML) that refers to them as cid:…');
		}
		return planDelivery(message, sources);
	});
	const permission = permissionName(client, mailboxUrl, 'Mail.ReadWrite');
	const body = await draftJson(this, message, plan, options.saveToSentItems !== false);
	const draft = await client.request<IDataObject>({ method: 'POST', url: `${mailboxUrl}/messages`, body, permission, itemIndex });
	const messageUrl = `${mailboxUrl}/messages/${encodeURIComponent(String(draft.id))}`;
	try {
		await addLaterAttachments(this, client, messageUrl, plan, { itemIndex, permission });
	} catch (error) {
		// A draft without all its attachments would be sent by someone as if complete: remove it.
		try {
			await deleteDrafts(client, mailboxUrl, [{ id: String(draft.id) }], itemIndex);
		} catch {
			throw addNote(error as Error, `The draft (id ${String(draft.id)}) is left in Drafts without all its attachments: delete it.`);
		}
		throw addNote(error as Error, 'The draft without all its attachments was deleted.');
	}
	const attachments = sources.map((s) => ({ name: s.name, size: s.size, contentType: s.contentType, ...(s.contentId ? { contentId: s.contentId } : {}) }));
	return [{ json: actedMessage(draft, { attachments, hasAttachments: attachments.length > 0 }) }];
}

export const createOperation: MailOperation = {
	option: { name: 'Create', value: OPERATION, action: 'Create a draft', description: 'Save a mail in Drafts, with attachments up to 150 MB each' },
	fields: composeFields(OPERATION, 'draft'),
	execute,
};
