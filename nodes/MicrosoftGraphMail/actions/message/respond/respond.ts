/* eslint-disable @n8n/community-nodes/require-node-api-error -- FieldError becomes a NodeOperationError below; other errors are the transport's, passed on with a note */
/**
 * Reply, Reply All and Forward. Small (attachments up to 3 MB in all, no recipients to merge, a copy
 * in Sent Items): one POST …/reply | replyAll | forward. Otherwise the draft way: createReply |
 * createReplyAll | createForward, recipients merged, attachments added (upload sessions from 3 MB),
 * then …/send. Neither way is ever repeated blindly: a send whose outcome is unknown fails the
 * item; the draft way checks the draft afterwards and sends again only while it is confirmed unsent
 * (Send Mail's own draft code, shared).
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import type { GraphClient } from '../../../../shared/transport/graphClient';
import { InputError, parseAddressList, type MailAddress } from '../send/addresses';
import { resolveAttachments, type AttachmentSource } from '../send/attachments';
import { attachmentJson, NO_SENT_COPY, planDelivery, postAttachment, sendDraft } from '../send/delivery';
import { FieldError, MAX_RECIPIENTS, recipients } from '../send/messageBuilder';
import { addNote, mayHaveActed } from '../send/outcome';
import { uploadAttachment } from '../send/uploadSession';
import { messageTarget, onMessage, permissionName, type MessageTarget } from '../target';
import type { ResponseKind } from './description';

const CREATE: Record<ResponseKind, string> = { reply: 'createReply', replyAll: 'createReplyAll', forward: 'createForward' };

interface ResponseInput {
	comment: string;
	to: MailAddress[];
	cc: MailAddress[];
	bcc: MailAddress[];
	saveToSentItems: boolean;
	sources: AttachmentSource[];
}

function addresses(field: string, value: unknown): MailAddress[] {
	try {
		return parseAddressList(value);
	} catch (error) {
		if (error instanceof InputError) throw new FieldError(field, error.message);
		throw error;
	}
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

async function readInput(ctx: IExecuteFunctions, kind: ResponseKind, itemIndex: number): Promise<ResponseInput> {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const to = addresses(kind === 'forward' ? 'To' : 'Additional To', kind === 'forward' ? ctx.getNodeParameter('toRecipients', itemIndex, '') : options.toRecipients);
	const cc = addresses('CC', options.ccRecipients);
	const bcc = addresses('BCC', options.bccRecipients);
	if (kind === 'forward' && to.length === 0) throw new FieldError('To', 'Forward needs at least one recipient: enter an address');
	if (to.length + cc.length + bcc.length > MAX_RECIPIENTS) throw new FieldError('To', `Exchange Online accepts at most ${MAX_RECIPIENTS} recipients (To, CC and BCC together)`);
	const type = String(ctx.getNodeParameter('commentContentType', itemIndex, 'html'));
	if (type !== 'html' && type !== 'text') throw new FieldError('Comment Content Type', `"${type}" is not html or text`);
	const text = String(ctx.getNodeParameter('comment', itemIndex, '') ?? '');
	// Graph takes the comment as HTML: plain text is escaped, its line breaks kept.
	const comment = type === 'html' ? text : escapeHtml(text).replace(/\r?\n/g, '<br>');
	const sources = await resolveAttachments(ctx, itemIndex, options.attachments, undefined);
	return { comment, to, cc, bcc, saveToSentItems: options.saveToSentItems !== false, sources };
}

/** The draft way: create, complete, send. Until the send, a failure means nothing went out and the draft is removed. */
async function respondViaDraft(ctx: IExecuteFunctions, client: GraphClient, kind: ResponseKind, target: MessageTarget, input: ResponseInput, plan: ReturnType<typeof planDelivery>): Promise<IDataObject> {
	const { itemIndex } = target;
	const readWrite = permissionName(client, target.mailboxPath, 'Mail.ReadWrite');
	const message: IDataObject = {};
	if (kind === 'forward') message.toRecipients = recipients(input.to);
	if (plan.withMessage.length) message.attachments = await Promise.all(plan.withMessage.map((a) => attachmentJson(ctx, a)));
	let draft: IDataObject;
	try {
		draft = await onMessage(client, target, () =>
			client.request<IDataObject>({ method: 'POST', url: `${target.url}/${CREATE[kind]}`, body: { comment: input.comment, ...(Object.keys(message).length ? { message } : {}) }, permission: readWrite, itemIndex }),
		);
	} catch (error) {
		if (!mayHaveActed(error)) throw error;
		throw addNote(error as Error, 'Nothing was sent. A draft of the response may have been left in Drafts: it is never sent by itself; delete it.');
	}
	const draftId = String(draft.id ?? '');
	if (!draftId) throw new NodeOperationError(client.node, 'Graph created the draft but returned no id', { itemIndex });
	const draftUrl = `${target.mailboxPath}/messages/${encodeURIComponent(draftId)}`;

	try {
		const patch: IDataObject = {};
		const merged = (current: unknown, extra: MailAddress[]) => {
			const list = Array.isArray(current) ? (current as IDataObject[]) : [];
			const have = new Set(list.map((r) => String((r.emailAddress as IDataObject | undefined)?.address ?? '').toLowerCase()));
			return [...list, ...recipients(extra.filter((a) => !have.has(a.address.toLowerCase())))];
		};
		if (kind !== 'forward' && input.to.length) patch.toRecipients = merged(draft.toRecipients, input.to);
		if (input.cc.length) patch.ccRecipients = merged(draft.ccRecipients, input.cc);
		if (input.bcc.length) patch.bccRecipients = merged(draft.bccRecipients, input.bcc);
		if (!input.saveToSentItems) patch.singleValueExtendedProperties = NO_SENT_COPY;
		if (Object.keys(patch).length) draft = { ...draft, ...(await client.request<IDataObject>({ method: 'PATCH', url: draftUrl, body: patch, permission: readWrite, itemIndex })) };
		for (const a of plan.posted) await postAttachment(ctx, client, draftUrl, a, { itemIndex, permission: readWrite });
		for (const a of plan.uploaded) await uploadAttachment(ctx, client, draftUrl, a, { itemIndex, permission: readWrite });
	} catch (error) {
		try {
			await client.request({ method: 'DELETE', url: draftUrl, permission: readWrite, itemIndex });
		} catch {
			throw addNote(error as Error, `Nothing was sent; the unfinished draft (id ${draftId}) is left in Drafts: delete it.`);
		}
		throw addNote(error as Error, 'Nothing was sent; the unfinished draft was deleted.');
	}
	const { checked } = await sendDraft(client, draftUrl, undefined, { itemIndex, permission: permissionName(client, target.mailboxPath, 'Mail.Send') });
	const addressesOf = (list: unknown) => (Array.isArray(list) ? list.map((r: IDataObject) => String((r.emailAddress as IDataObject | undefined)?.address ?? '')) : []);
	return {
		path: 'draft',
		messageId: draftId,
		subject: draft.subject,
		toRecipients: addressesOf(draft.toRecipients),
		ccRecipients: addressesOf(draft.ccRecipients),
		bccRecipients: addressesOf(draft.bccRecipients),
		...(checked ? { sendConfirmedAfterRetry: true } : {}),
	};
}

export async function respond(ctx: IExecuteFunctions, client: GraphClient, kind: ResponseKind, itemIndex: number): Promise<INodeExecutionData[]> {
	const target = messageTarget(ctx, client, itemIndex);
	let input: ResponseInput;
	let plan: ReturnType<typeof planDelivery>;
	try {
		input = await readInput(ctx, kind, itemIndex);
		plan = planDelivery({ comment: input.comment }, input.sources);
	} catch (error) {
		if (!(error instanceof FieldError)) throw error;
		throw new NodeOperationError(ctx.getNode(), `${error.field}: ${error.message} [item ${itemIndex}]`, { itemIndex, description: 'Nothing was sent for this item.' });
	}
	// Reply recipients are Outlook's to pick; adding to them needs the draft, where they can be read first.
	const extraReplyRecipients = kind !== 'forward' && input.to.length + input.cc.length + input.bcc.length > 0;
	const viaDraft = plan.path === 'draft' || extraReplyRecipients || !input.saveToSentItems;
	const common: IDataObject = {
		inReplyToId: target.messageId,
		action: kind,
		attachments: input.sources.map((s) => ({ name: s.name, size: s.size, contentType: s.contentType })),
		saveToSentItems: input.saveToSentItems,
	};
	if (viaDraft) return [{ json: { ...common, ...(await respondViaDraft(ctx, client, kind, target, input, plan)) } }];

	const message: IDataObject = {};
	if (kind === 'forward') {
		message.toRecipients = recipients(input.to);
		if (input.cc.length) message.ccRecipients = recipients(input.cc);
		if (input.bcc.length) message.bccRecipients = recipients(input.bcc);
	}
	if (input.sources.length) message.attachments = await Promise.all(input.sources.map((a) => attachmentJson(ctx, a)));
	await onMessage(client, target, () =>
		client.request({
			method: 'POST',
			url: `${target.url}/${kind}`,
			body: { comment: input.comment, ...(Object.keys(message).length ? { message } : {}) },
			permission: permissionName(client, target.mailboxPath, 'Mail.Send'),
			itemIndex,
		}),
	);
	return [{ json: { ...common, path: 'inline', ...(kind === 'forward' ? { toRecipients: input.to.map((a) => a.address), ccRecipients: input.cc.map((a) => a.address), bccRecipients: input.bcc.map((a) => a.address) } : {}) } }];
}
