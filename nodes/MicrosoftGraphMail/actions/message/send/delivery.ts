/* eslint-disable @n8n/community-nodes/require-node-api-error -- what is re-thrown is the transport's NodeApiError/NodeOperationError, with a note added */
/**
 * The two ways a mail leaves: one sendMail with everything inline (attachments up to 3 MB in all),
 * or a draft that larger attachments are added to before it is sent. Only the draft path can tell,
 * after a broken connection, whether the mail went out: its send is checked and never doubled.
 */
import { NodeApiError, NodeOperationError, sleep, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import type { GraphClient } from '../../../../shared/transport/graphClient';
import { MAX_INLINE_ATTACHMENT_BYTES, MAX_REQUEST_BYTES } from '../../../../shared/transport/limits';
import { readWhole, type AttachmentSource } from './attachments';
import { deleteDrafts, findMarked } from './exactlyOnce';
import { FieldError } from './messageBuilder';
import { addNote, gatewayAnswer, mayHaveActed as isAmbiguous, sendOutcomeUnknown } from './outcome';
import { uploadAttachment } from './uploadSession';

export type DeliveryPath = 'inline' | 'draft';

/** PR_DELETE_AFTER_SUBMIT on a draft: sending it keeps no copy in Sent Items. */
export const NO_SENT_COPY = [{ id: 'Boolean 0x0E01', value: 'true' }];

export interface DeliveryPlan {
	path: DeliveryPath;
	/** Sent as base64 in the one request (sendMail or draft creation). */
	withMessage: AttachmentSource[];
	/** Draft path: added one by one with POST …/attachments (each under 3 MB). */
	posted: AttachmentSource[];
	/** Draft path: uploaded through an upload session (3 MB and more). */
	uploaded: AttachmentSource[];
}

export interface Permissions {
	send: string;
	readWrite: string;
}

/** Room for the JSON around one attachment's base64 (type, name, content type, content ID). */
const ATTACHMENT_OVERHEAD = 512;
const base64Bytes = (size: number) => Math.ceil(size / 3) * 4;

/** Which attachments go where; throws if even the bare message is too big for one request. */
export function planDelivery(message: IDataObject, sources: AttachmentSource[]): DeliveryPlan {
	const messageBytes = Buffer.byteLength(JSON.stringify(message)) + 1024;
	if (messageBytes > MAX_REQUEST_BYTES) {
		throw new FieldError('Body Content', `The message is ${(messageBytes / 1024 / 1024).toFixed(1)} MB without attachments: Graph accepts requests up to 4 MB`);
	}
	const jsonBytes = (a: AttachmentSource) => base64Bytes(a.size) + ATTACHMENT_OVERHEAD + Buffer.byteLength(a.name) * 2;
	const total = sources.reduce((sum, a) => sum + a.size, 0);
	const totalJson = messageBytes + sources.reduce((sum, a) => sum + jsonBytes(a), 0);
	if (total <= MAX_INLINE_ATTACHMENT_BYTES && totalJson <= MAX_REQUEST_BYTES) return { path: 'inline', withMessage: sources, posted: [], uploaded: [] };

	const plan: DeliveryPlan = { path: 'draft', withMessage: [], posted: [], uploaded: [] };
	let packed = 0;
	let packedJson = messageBytes;
	for (const a of [...sources].sort((x, y) => x.size - y.size)) {
		if (a.size >= MAX_INLINE_ATTACHMENT_BYTES) plan.uploaded.push(a);
		else if (packed + a.size <= MAX_INLINE_ATTACHMENT_BYTES && packedJson + jsonBytes(a) <= MAX_REQUEST_BYTES) {
			plan.withMessage.push(a);
			packed += a.size;
			packedJson += jsonBytes(a);
		} else plan.posted.push(a);
	}
	// Keep the user's order within each group (sorting was only for packing).
	for (const group of [plan.withMessage, plan.posted, plan.uploaded]) group.sort((x, y) => sources.indexOf(x) - sources.indexOf(y));
	return plan;
}

/** A file attachment as Graph JSON (base64), inline when it has a content ID. */
export async function attachmentJson(ctx: IExecuteFunctions, a: AttachmentSource): Promise<IDataObject> {
	const json: IDataObject = {
		'@odata.type': '#microsoft.graph.fileAttachment',
		name: a.name,
		contentType: a.contentType,
		contentBytes: (await readWhole(ctx, a)).toString('base64'),
	};
	if (a.contentId) Object.assign(json, { isInline: true, contentId: a.contentId });
	return json;
}

/**
 * Path A: one POST /sendMail. Its outcome cannot be checked after a broken connection or a gateway
 * error (the transport says so for the former; a 500/502/504 is said so here).
 */
export async function sendInline(
	ctx: IExecuteFunctions,
	client: GraphClient,
	mailboxUrl: string,
	message: IDataObject,
	plan: DeliveryPlan,
	options: { saveToSentItems: boolean; itemIndex: number; permissions: Permissions },
): Promise<void> {
	const attachments: IDataObject[] = [];
	for (const a of plan.withMessage) attachments.push(await attachmentJson(ctx, a));
	try {
		await client.request({
			method: 'POST',
			url: `${mailboxUrl}/sendMail`,
			body: { message: attachments.length ? { ...message, attachments } : message, saveToSentItems: options.saveToSentItems },
			permission: options.permissions.send,
			itemIndex: options.itemIndex,
		});
	} catch (error) {
		if (!(error instanceof NodeApiError) || !isAmbiguous(error)) throw error;
		throw sendOutcomeUnknown(client.node, `POST ${decodeURIComponent(mailboxUrl)}/sendMail got a gateway error`, {
			detail: `${gatewayAnswer(error)} A gateway gives up without knowing whether Graph already sent the mail.`,
			lookIn: `Sent Items of ${decodeURIComponent(mailboxUrl.replace(/^\/users\//, ''))} (and the recipients' mail)`,
			itemIndex: options.itemIndex,
		});
	}
}

/** Waits before asking whether an ambiguous send went out: Exchange moves a sent draft asynchronously. */
const SETTLE_MS = [1000, 3000];
const MAX_SEND_ATTEMPTS = 3;

type DraftState = 'draft' | 'sent';

async function draftState(client: GraphClient, messageUrl: string, draftsFolderId: string | undefined, itemIndex: number): Promise<DraftState> {
	try {
		const m = await client.request<{ isDraft?: boolean; parentFolderId?: string }>({
			url: messageUrl,
			qs: { $select: 'isDraft,parentFolderId' },
			itemIndex,
		});
		if (m.isDraft === false) return 'sent';
		if (draftsFolderId && m.parentFolderId && m.parentFolderId !== draftsFolderId) return 'sent';
		return 'draft';
	} catch (error) {
		// Deleted after submission (Save to Sent Items off) or moved out of reach: it was sent.
		if (error instanceof NodeApiError && String(error.httpCode) === '404') return 'sent';
		throw error;
	}
}

/**
 * POST …/send, at most once per confirmed-unsent state: after an ambiguous failure the draft is
 * looked at; still a draft in Drafts → send again; sent, moved or gone → it went out.
 */
export async function sendDraft(client: GraphClient, messageUrl: string, draftsFolderId: string | undefined, options: { itemIndex: number; permission: string }): Promise<{ checked: boolean }> {
	for (let attempt = 1; ; attempt++) {
		try {
			await client.request({ method: 'POST', url: `${messageUrl}/send`, permission: options.permission, itemIndex: options.itemIndex });
			return { checked: attempt > 1 };
		} catch (error) {
			// Not a draft any more on a second try: the earlier attempt went out after all (Exchange submits asynchronously).
			if (attempt > 1 && error instanceof NodeApiError && String(error.httpCode) === '404') return { checked: true };
			if (!isAmbiguous(error)) throw error;
			let state: DraftState = 'draft';
			for (const wait of SETTLE_MS) {
				await sleep(wait);
				try {
					state = await draftState(client, messageUrl, draftsFolderId, options.itemIndex);
				} catch (checkError) {
					// Still unknown: say so, and never let the caller delete what may have been sent.
					throw sendOutcomeUnknown(client.node, 'Sending the draft got no clear answer', {
						detail: `${error instanceof NodeApiError ? gatewayAnswer(error) : (error as Error).message} Checking the draft afterwards failed too (${(checkError as Error).message}).`,
						lookIn: `Sent Items, Outbox and Drafts (draft id ${decodeURIComponent(messageUrl.split('/').pop() ?? '')})`,
						itemIndex: options.itemIndex,
					});
				}
				if (state === 'sent') return { checked: true };
			}
			if (attempt >= MAX_SEND_ATTEMPTS) {
				throw addNote(error as Error, `The draft is still unsent after ${attempt} attempts; it stays in Drafts (id ${decodeURIComponent(messageUrl.split('/').pop() ?? '')}) so you can send it by hand.`);
			}
		}
	}
}

/** POST …/attachments of a draft; after an unclear answer, added again only if it is not there. */
/** Adds one attachment (under 3 MB) to the message; answers the attachment as Graph holds it (id, name, size, …). */
export async function postAttachment(ctx: IExecuteFunctions, client: GraphClient, messageUrl: string, a: AttachmentSource, options: { itemIndex: number; permission: string }): Promise<IDataObject> {
	const body = await attachmentJson(ctx, a);
	const call = { method: 'POST' as const, url: `${messageUrl}/attachments`, body, permission: options.permission, itemIndex: options.itemIndex };
	try {
		return await client.request<IDataObject>(call);
	} catch (error) {
		if (!isAmbiguous(error)) throw error;
		// Adding to a draft is checkable: only add again if it is not there.
		const existing = await client.request<{ value?: IDataObject[] }>({
			url: `${messageUrl}/attachments`,
			qs: { $select: 'id,name,size,contentType,isInline' },
			itemIndex: options.itemIndex,
		});
		return (existing.value ?? []).find((x) => x.name === a.name) ?? (await client.request<IDataObject>(call));
	}
}

const MAX_CREATE_ATTEMPTS = 3;

/**
 * POST …/messages with a marker in internetMessageId. After an ambiguous failure the marker is
 * looked up: the draft is used if it was created, created again if not (an unsent draft is
 * harmless, so even a lookup that misses it cannot send anything twice).
 */
async function createMarkedDraft(
	client: GraphClient,
	mailboxUrl: string,
	body: IDataObject,
	marker: string,
	options: { itemIndex: number; permission: string },
): Promise<{ id?: string; parentFolderId?: string; internetMessageId?: string }> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await client.request({ method: 'POST', url: `${mailboxUrl}/messages`, body, permission: options.permission, itemIndex: options.itemIndex });
		} catch (error) {
			if (!isAmbiguous(error) || attempt >= MAX_CREATE_ATTEMPTS) throw error;
			const [found, ...extra] = (await findMarked(client, mailboxUrl, marker, options.itemIndex)).filter((m) => m.isDraft !== false);
			if (found) {
				await deleteDrafts(client, mailboxUrl, extra, options.itemIndex);
				return { id: found.id, parentFolderId: found.parentFolderId, internetMessageId: marker };
			}
		}
	}
}

/** The draft's creation JSON: the message, the attachments that fit in its request, and the Sent Items choice. */
export async function draftJson(ctx: IExecuteFunctions, message: IDataObject, plan: DeliveryPlan, saveToSentItems: boolean): Promise<IDataObject> {
	const body: IDataObject = { ...message };
	if (plan.withMessage.length) {
		const attachments: IDataObject[] = [];
		for (const a of plan.withMessage) attachments.push(await attachmentJson(ctx, a));
		body.attachments = attachments;
	}
	// PR_DELETE_AFTER_SUBMIT: the draft-and-send way of "don't save to Sent Items".
	if (!saveToSentItems) body.singleValueExtendedProperties = NO_SENT_COPY;
	return body;
}

/** The attachments that did not fit in the draft's creation: posted one by one, or uploaded (3 MB and more). */
export async function addLaterAttachments(ctx: IExecuteFunctions, client: GraphClient, messageUrl: string, plan: DeliveryPlan, options: { itemIndex: number; permission: string }) {
	for (const a of plan.posted) await postAttachment(ctx, client, messageUrl, a, options);
	for (const a of plan.uploaded) await uploadAttachment(ctx, client, messageUrl, a, options);
}

export interface DraftResult {
	messageId: string;
	internetMessageId?: string;
	/** The send's outcome had to be checked after a broken connection. */
	checked: boolean;
}

/** Path B: draft, attachments (upload sessions for large files), then send the draft. */
export async function sendViaDraft(
	ctx: IExecuteFunctions,
	client: GraphClient,
	mailboxUrl: string,
	message: IDataObject,
	plan: DeliveryPlan,
	options: { saveToSentItems: boolean; itemIndex: number; permissions: Permissions; marker?: string },
): Promise<DraftResult> {
	const { itemIndex, permissions } = options;
	const draftBody = await draftJson(ctx, message, plan, options.saveToSentItems);

	let draft: { id?: string; parentFolderId?: string; internetMessageId?: string };
	if (options.marker) {
		draftBody.internetMessageId = options.marker;
		draft = await createMarkedDraft(client, mailboxUrl, draftBody, options.marker, { itemIndex, permission: permissions.readWrite });
	} else {
		try {
			draft = await client.request({ method: 'POST', url: `${mailboxUrl}/messages`, body: draftBody, permission: permissions.readWrite, itemIndex });
		} catch (error) {
			if (!isAmbiguous(error)) throw error;
			throw new NodeOperationError(client.node, `Creating the draft broke off before Graph answered: nothing was sent [item ${itemIndex}]`, {
				description: `${(error as Error).message}. Not repeated automatically. A draft may have been created in Drafts: it is an orphan (harmless, never sent; delete it). Run the item again to send the mail, or use Delivery: Exactly Once (via Draft), which finds the draft again.`,
				itemIndex,
			});
		}
	}
	if (!draft.id) throw new NodeOperationError(client.node, 'Graph created the draft but returned no id', { itemIndex });
	const messageUrl = `${mailboxUrl}/messages/${encodeURIComponent(draft.id)}`;

	// Until the send, a failure means nothing went out: remove the draft so it is not sent by mistake later.
	const discardDraft = async (error: Error): Promise<never> => {
		try {
			await deleteDrafts(client, mailboxUrl, [{ id: draft.id as string }], itemIndex);
		} catch {
			throw addNote(error, `Nothing was sent; the unfinished draft (id ${draft.id}) is left in Drafts: delete it.`);
		}
		throw addNote(error, 'Nothing was sent; the unfinished draft was deleted.');
	};
	if (options.marker && draft.internetMessageId !== options.marker) {
		// A re-run finds the mail by its marker only: without it, exactly once would be a promise not kept.
		return await discardDraft(
			new NodeOperationError(client.node, `Graph did not keep the exactly-once marker on the draft [item ${itemIndex}]`, {
				description: `The draft's internetMessageId is "${draft.internetMessageId ?? ''}", not ${options.marker}.`,
				itemIndex,
			}),
		);
	}
	try {
		await addLaterAttachments(ctx, client, messageUrl, plan, { itemIndex, permission: permissions.readWrite });
	} catch (error) {
		return await discardDraft(error as Error);
	}

	let checked: boolean;
	try {
		({ checked } = await sendDraft(client, messageUrl, draft.parentFolderId, { itemIndex, permission: permissions.send }));
	} catch (error) {
		if (isAmbiguous(error)) throw error; // fate unknown even after checking: keep the draft
		return await discardDraft(error as Error);
	}
	return { messageId: draft.id, internetMessageId: draft.internetMessageId, checked };
}
