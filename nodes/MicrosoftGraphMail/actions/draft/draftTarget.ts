/* eslint-disable @n8n/community-nodes/require-node-api-error -- FieldError becomes a NodeOperationError naming the item; other errors are passed on as they came */
/**
 * What the Draft operations share: the draft is addressed by the Message locator, must still be a
 * draft, and a problem with a field is reported with the field and the item.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import type { GraphClient } from '../../../shared/transport/graphClient';
import { FieldError } from '../message/send/messageBuilder';
import { MESSAGE_FIELD } from '../message/messageLocator';
import { messageTarget, onMessage, permissionName, type MessageTarget } from '../message/target';

/** Runs checks that throw FieldError; the error then names the field and the item, and says nothing was changed. */
export function checkedInput<T>(ctx: IExecuteFunctions, itemIndex: number, read: () => T): T {
	try {
		return read();
	} catch (error) {
		if (!(error instanceof FieldError)) throw error;
		throw new NodeOperationError(ctx.getNode(), `${error.field}: ${error.message} [item ${itemIndex}]`, { itemIndex, description: 'Nothing was changed for this item.' });
	}
}

/** The draft the Message field names, read once: a sent or received mail is refused before anything is done to it. */
export async function draftTarget(ctx: IExecuteFunctions, client: GraphClient, itemIndex: number, select?: string): Promise<{ target: MessageTarget; draft: IDataObject }> {
	const target = messageTarget(ctx, client, itemIndex);
	const draft = await onMessage(client, target, () =>
		client.request<IDataObject>({
			url: target.url,
			qs: select ? { $select: `${select},isDraft` } : undefined,
			permission: permissionName(client, target.mailboxPath, 'Mail.ReadWrite'),
			itemIndex,
		}),
	);
	if (draft.isDraft !== true) {
		throw new NodeOperationError(ctx.getNode(), `${MESSAGE_FIELD}: "${target.messageId}" is not a draft (it was sent or received) [item ${itemIndex}]`, {
			itemIndex,
			description: 'The Draft operations act only on unsent drafts. Use the Message resource for other mail.',
		});
	}
	return { target, draft };
}
