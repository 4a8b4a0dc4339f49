/**
 * Emitted mail → n8n items (simplified, raw or chosen fields; attachments into binary, through the
 * read operations' own helpers), and the optional "mark as read" once they are surely emitted.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import type { MailTriggerContext } from './triggerContext';
import type { GraphClient } from '../shared/transport/graphClient';
import { MAILBOX_CONCURRENCY } from '../shared/transport/limits';
import { attachmentsToBinary } from '../MicrosoftGraphMail/actions/message/read/attachmentsToBinary';
import { simplifyMessage } from '../MicrosoftGraphMail/actions/message/read/simplify';
import type { NewMailSettings } from './triggerSettings';

/** Runs `work` over `values`, at most `limit` at a time; results keep the input order. */
export async function mapLimited<T, R>(values: T[], limit: number, work: (value: T) => Promise<R>): Promise<R[]> {
	const results = new Array<R>(values.length);
	let next = 0;
	const worker = async () => {
		while (next < values.length) {
			const index = next++;
			results[index] = await work(values[index]);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, values.length) }, worker));
	return results;
}

function shape(mail: IDataObject, settings: NewMailSettings): IDataObject {
	if (settings.output === 'simplified') return simplifyMessage(mail);
	if (settings.output === 'raw') return mail;
	// Selected fields: only what was asked for (filters made us select a few more).
	const json: IDataObject = { id: mail.id };
	for (const field of settings.fields) if (field in mail) json[field] = mail[field];
	return json;
}

export async function mailToItem(ctx: MailTriggerContext, client: GraphClient, mailboxPath: string, mail: IDataObject, settings: NewMailSettings): Promise<INodeExecutionData> {
	const json = shape(mail, settings);
	const item: INodeExecutionData = { json };
	if (!settings.download) return item;
	if (mail.hasAttachments !== true) {
		json.attachments = [];
		return item;
	}
	const messagePath = `${mailboxPath}/messages/${encodeURIComponent(String(mail.id))}`;
	const { binary, attachments } = await attachmentsToBinary(ctx, client, messagePath, settings.download);
	json.attachments = attachments;
	if (Object.keys(binary).length) item.binary = binary;
	return item;
}

/**
 * PATCH isRead on mail emitted by an earlier poll (see newMailPoll: only once its emission is
 * certain). A failure does not fail the poll: it is logged, and the mail stays unread.
 * Returns the ids that could not be marked.
 */
export async function markAsRead(ctx: MailTriggerContext, client: GraphClient, mailboxPath: string, ids: string[]): Promise<string[]> {
	const failed: string[] = [];
	await mapLimited(ids, MAILBOX_CONCURRENCY, async (id) => {
		try {
			await client.request({
				method: 'PATCH',
				url: `${mailboxPath}/messages/${encodeURIComponent(id)}`,
				body: { isRead: true },
				permission: 'Mail.ReadWrite',
			});
		} catch (error) {
			failed.push(id);
			ctx.logger.warn(`Microsoft Graph Mail Trigger: could not mark a mail as read (${(error as Error).message})`);
		}
	});
	return failed;
}
