/**
 * Send Mail: validate the whole item first (nothing is sent for a bad item), then one sendMail
 * (attachments up to 3 MB in all) or draft + upload sessions + send (files up to 150 MB each).
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import type { GraphClient } from '../../../shared/transport/graphClient';
import type { MailOperation } from '../operation';
import { resolveAttachments } from './send/attachments';
import { planDelivery, sendInline, sendViaDraft, type DeliveryPlan, type Permissions } from './send/delivery';
import { alreadySent, claimIdempotencyKey, DELIVERY, sendMarker, type Delivery } from './send/exactlyOnce';
import { SEND_OPERATION, sendFields } from './send/description';
import { buildMessage, FieldError, type MailInput } from './send/messageBuilder';
import { readMailInput } from './send/mailInput';

/** The permission a 403 names, for the sign-in kind and whose mailbox it is. */
function permissionsFor(client: GraphClient, mailboxUrl: string): Permissions {
	if (client.kind === 'clientCredentials') return { send: 'Mail.Send (application)', readWrite: 'Mail.ReadWrite (application)' };
	if (mailboxUrl === '/me') return { send: 'Mail.Send (delegated)', readWrite: 'Mail.ReadWrite (delegated)' };
	return { send: 'Mail.Send.Shared (delegated)', readWrite: 'Mail.ReadWrite.Shared (delegated)' };
}

export interface SendInput extends MailInput {
	saveToSentItems: boolean;
	delivery: Delivery;
	idempotencyKey?: string;
	options: IDataObject;
}

export function readDelivery(options: IDataObject): Pick<SendInput, 'delivery' | 'idempotencyKey'> {
	const delivery = String(options.delivery ?? DELIVERY.auto) as Delivery;
	if (!Object.values(DELIVERY).includes(delivery)) throw new FieldError('Delivery', `Unknown delivery "${delivery}"`);
	const key = String(options.idempotencyKey ?? '').trim();
	if (!key) return { delivery };
	if (delivery !== DELIVERY.draft) throw new FieldError('Idempotency Key', 'Works only with Delivery: Exactly Once (via Draft)');
	// The sent copy in the mailbox is what proves a mail went out; without it a re-run would send again.
	if (options.saveToSentItems === false) throw new FieldError('Idempotency Key', 'Needs Save to Sent Items on: the sent copy is how a re-run knows the mail went out');
	return { delivery, idempotencyKey: key };
}

function readInput(ctx: IExecuteFunctions, i: number): SendInput {
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	return { ...readDelivery(options), ...readMailInput(ctx, i, options), saveToSentItems: options.saveToSentItems !== false, options };
}

/** Exactly once: a mail that would fit one sendMail goes as a draft too (with the same attachments in the draft's body). */
function forDelivery(plan: DeliveryPlan, delivery: Delivery): DeliveryPlan {
	return delivery === DELIVERY.draft && plan.path === 'inline' ? { ...plan, path: 'draft' } : plan;
}

/** A FieldError from reading or building the item → an error naming the item; nothing was sent. */
export function asItemError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): never {
	if (!(error instanceof FieldError)) throw error;
	throw new NodeOperationError(ctx.getNode(), `${error.field}: ${error.message} [item ${itemIndex}]`, {
		itemIndex,
		description: 'Nothing was sent for this item.',
	});
}

async function execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
	let input: SendInput;
	try {
		input = readInput(this, itemIndex);
	} catch (error) {
		asItemError(this, error, itemIndex);
	}
	return [{ json: await sendComposed(this, client, itemIndex, input) }];
}

/**
 * Sends one composed mail the way Send Mail does (every grant, shared mailboxes, attachments of
 * any size, exactly-once delivery): Send Mail itself and Send and Wait use it.
 */
export async function sendComposed(ctx: IExecuteFunctions, client: GraphClient, itemIndex: number, input: SendInput): Promise<IDataObject> {
	const mailbox = String(ctx.getNodeParameter('mailbox', itemIndex, '') ?? '');
	const mailboxUrl = client.mailboxPath(mailbox, itemIndex);
	let prepared;
	try {
		if (input.idempotencyKey) claimIdempotencyKey(ctx, sendMarker(mailboxUrl, input.idempotencyKey), input.idempotencyKey, itemIndex);
		const message = buildMessage(input);
		const sources = await resolveAttachments(ctx, itemIndex, input.options.attachments, input.options.inlineImages);
		if (sources.some((s) => s.contentId) && input.bodyContentType !== 'html') {
			throw new FieldError('Inline Images', 'Inline images need an HTML body (Body Content Type: HTML) that refers to them as cid:…');
		}
		prepared = { message, sources, plan: forDelivery(planDelivery(message, sources), input.delivery) };
	} catch (error) {
		asItemError(ctx, error, itemIndex);
	}
	const { message, sources, plan } = prepared;
	const permissions = permissionsFor(client, mailboxUrl);
	const common = { saveToSentItems: input.saveToSentItems, itemIndex, permissions };

	const json: IDataObject = {
		mailbox: mailboxUrl === '/me' ? 'me' : decodeURIComponent(mailboxUrl.replace(/^\/users\//, '')),
		toRecipients: input.to.map((a) => a.address),
		ccRecipients: input.cc.map((a) => a.address),
		bccRecipients: input.bcc.map((a) => a.address),
		subject: input.subject,
		...(input.from ? { from: input.from.address } : {}),
		attachments: sources.map((s) => ({ name: s.name, size: s.size, contentType: s.contentType, ...(s.contentId ? { contentId: s.contentId } : {}) })),
		path: plan.path,
		saveToSentItems: input.saveToSentItems,
	};
	if (input.delivery !== DELIVERY.auto) json.delivery = input.delivery;
	if (plan.path === 'inline') {
		await sendInline(ctx, client, mailboxUrl, message, plan, common);
	} else {
		let marker: string | undefined;
		if (input.delivery === DELIVERY.draft) {
			marker = sendMarker(mailboxUrl, input.idempotencyKey);
			json.internetMessageId = marker;
			if (input.idempotencyKey) {
				const sent = await alreadySent(client, mailboxUrl, marker, itemIndex);
				if (sent) return { ...json, messageId: sent.id, alreadySent: true };
				json.alreadySent = false;
			}
		}
		const result = await sendViaDraft(ctx, client, mailboxUrl, message, plan, { ...common, marker });
		json.messageId = result.messageId;
		if (result.internetMessageId) json.internetMessageId = result.internetMessageId;
		if (result.checked) json.sendConfirmedAfterRetry = true;
	}
	return json;
}

export const sendMail: MailOperation = {
	option: { name: 'Send Mail', value: SEND_OPERATION, action: 'Send a mail', description: 'Send a mail, with attachments up to 150 MB' },
	fields: sendFields,
	execute,
};
