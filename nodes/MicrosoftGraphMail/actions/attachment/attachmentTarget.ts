/* eslint-disable @n8n/community-nodes/require-node-api-error -- what is re-thrown is the transport's NodeApiError/NodeOperationError as it came */
/**
 * What the Attachment operations share: Mailbox and Message (the Message resource's locator), the
 * Attachment ID field, and the "no such attachment" error, told apart from "no such message".
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { mailboxLabel } from '../../../shared/folders';
import type { GraphClient } from '../../../shared/transport/graphClient';
import { isItemNotFound } from '../message/messageLocator';
import { summaryOf } from '../message/read/attachmentsToBinary';
import { messageTarget, onMessage, type MessageTarget } from '../message/target';

export const ATTACHMENT_FIELD = 'Attachment ID';

export function attachmentIdField(operation: string, extra: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: ATTACHMENT_FIELD,
		name: 'attachmentId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'AAMkAGI2…',
		displayOptions: { show: { operation: [operation] } },
		description: 'The ID of the attachment, as Get Many Attachments outputs it',
		...extra,
	};
}

export interface AttachmentTarget extends MessageTarget {
	attachmentId: string;
	/** `/users/x/messages/{id}/attachments/{aid}` (ids encoded). */
	attachmentUrl: string;
}

/** The attachment the fields name for this item; an empty ID names the field and the item. */
export function attachmentTarget(ctx: IExecuteFunctions, client: GraphClient, itemIndex: number): AttachmentTarget {
	const target = messageTarget(ctx, client, itemIndex);
	const attachmentId = String(ctx.getNodeParameter('attachmentId', itemIndex, '') ?? '').trim();
	if (!attachmentId) {
		throw new NodeOperationError(ctx.getNode(), `${ATTACHMENT_FIELD}: enter the ID of the attachment (e.g. {{ $json.id }} after Get Many Attachments) [item ${itemIndex}]`, { itemIndex });
	}
	return { ...target, attachmentId, attachmentUrl: `${target.url}/attachments/${encodeURIComponent(attachmentId)}` };
}

/**
 * Runs a call on the attachment. Graph answers the same 404 for an unknown message and an unknown
 * attachment, so the message is looked up to say which one is missing.
 */
export async function onAttachment<T>(client: GraphClient, target: AttachmentTarget, permission: string, call: () => Promise<T>): Promise<T> {
	try {
		return await call();
	} catch (error) {
		if (!isItemNotFound(error)) throw error;
		await onMessage(client, target, () => client.request({ url: target.url, qs: { $select: 'id' }, permission, itemIndex: target.itemIndex }));
		throw new NodeOperationError(client.node, `${ATTACHMENT_FIELD}: no attachment "${target.attachmentId}" on message "${target.messageId}" in mailbox ${mailboxLabel(target.mailboxPath)} [item ${target.itemIndex}]`, {
			description: `Graph answered ${(error as Error).message}. The attachment may have been deleted, or the ID belongs to another message.`,
			itemIndex: target.itemIndex,
		});
	}
}

/**
 * The base type's fields, what Get and Get Many ask for: Graph refuses contentId (a fileAttachment
 * field) in $select on attachments, and without $select every file's bytes come along as base64.
 */
export const METADATA_SELECT = 'id,name,contentType,size,isInline,lastModifiedDateTime';

/**
 * One attachment's metadata. Inline images and reference attachments are fetched whole once more for
 * what only the derived types carry (contentId; sourceUrl), inline images being small as a rule.
 */
export async function attachmentMetadata(client: GraphClient, messageTarget: MessageTarget, raw: IDataObject, permission: string): Promise<IDataObject> {
	const summary = summaryOf(raw);
	const out: IDataObject = { ...summary, contentId: null, lastModifiedDateTime: raw.lastModifiedDateTime ?? null, messageId: messageTarget.messageId };
	if (summary.isInline || summary.kind === 'reference') {
		const url = `${messageTarget.url}/attachments/${encodeURIComponent(summary.id)}`;
		const full = await client.request<IDataObject>({ url, permission, itemIndex: messageTarget.itemIndex });
		out.contentId = full.contentId ?? null;
		if (summary.kind === 'reference') Object.assign(out, { sourceUrl: full.sourceUrl ?? null, providerType: full.providerType ?? null });
	}
	return out;
}

/** Include in Get Many's and Download's options. */
export const includeInlineOption: INodeProperties = {
	displayName: 'Include Inline Images',
	name: 'includeInline',
	type: 'boolean',
	default: true,
	description: 'Whether to include inline attachments (images shown in the body, referenced as cid:…), not only the attachments listed under the mail',
};

/** Every attachment of the message, as listed (metadata only), inline ones left out on request. */
export async function listAttachments(client: GraphClient, target: MessageTarget, permission: string, includeInline: boolean): Promise<IDataObject[]> {
	const found: IDataObject[] = [];
	await onMessage(client, target, async () => {
		for await (const page of client.pages<IDataObject>({ url: `${target.url}/attachments`, qs: { $select: METADATA_SELECT }, permission, itemIndex: target.itemIndex })) {
			found.push(...page.value.filter((a) => includeInline || a.isInline !== true));
		}
	});
	return found;
}
