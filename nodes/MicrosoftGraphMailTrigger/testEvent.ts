/**
 * Fetch Test Event (manual mode): the newest mail of the watched folders that matches the filters,
 * shaped like a real event. It reads the folders' newest mail (no delta) and never touches the
 * cursor, so testing cannot make the active trigger skip or repeat mail. Nothing is marked as read.
 */
import { NodeOperationError, type IDataObject, type INodeExecutionData } from 'n8n-workflow';
import type { MailTriggerContext } from './triggerContext';
import { resolveFolder } from '../shared/folders';
import type { GraphClient } from '../shared/transport/graphClient';
import { mailToItem } from './mailItems';
import { epochSeconds } from './newMailCursor';
import { mailFilter } from './triggerFilters';
import { preferFor, selectFor, type NewMailSettings } from './triggerSettings';

/** How far back a test event looks in each folder. */
const NEWEST_LOOKED_AT = 100;
const PAGE = 25;

export async function newestMatchingMail(ctx: MailTriggerContext, client: GraphClient, settings: NewMailSettings): Promise<INodeExecutionData[][]> {
	const mailboxPath = client.mailboxPath(settings.mailbox);
	const matches = mailFilter(settings.filters);
	const select = selectFor(settings);
	let newest: IDataObject | undefined;
	for (const folder of settings.folders) {
		const id = folder.ref.mode === 'path' ? (await resolveFolder(client, mailboxPath, folder.ref)).id : folder.ref.value;
		const qs: IDataObject = { $orderby: 'receivedDateTime desc', $top: PAGE };
		if (select) qs.$select = select.join(',');
		let looked = 0;
		for await (const page of client.pages<IDataObject>({ url: `${mailboxPath}/mailFolders/${encodeURIComponent(id)}/messages`, qs, prefer: preferFor(settings), permission: 'Mail.Read' })) {
			const found = page.value.find(matches);
			looked += page.value.length;
			if (found) {
				if (!newest || (epochSeconds(found.receivedDateTime) ?? 0) > (epochSeconds(newest.receivedDateTime) ?? 0)) newest = found;
				break;
			}
			if (looked >= NEWEST_LOOKED_AT) break;
		}
	}
	if (!newest) {
		throw new NodeOperationError(ctx.getNode(), 'No mail in the watched folders matches the filters', {
			description: `Looked at the newest ${NEWEST_LOOKED_AT} mails of each folder. Send a matching test mail, or loosen the filters, then fetch again.`,
		});
	}
	return [[await mailToItem(ctx, client, mailboxPath, newest, settings)]];
}
