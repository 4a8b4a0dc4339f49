/* eslint-disable @n8n/community-nodes/require-node-api-error -- MessageRefError becomes a NodeOperationError naming the item below; other errors are passed on as they came */
/**
 * The Message field of the operations that act on one mail: its id (what Get Messages and the
 * trigger output, so `{{ $json.id }}` just works) or an Outlook on the web link pasted from the
 * browser, turned into the id. Shared, with the "no such message" error, by every such operation.
 */
import { NodeApiError, NodeOperationError, type IExecuteFunctions, type INode, type INodeParameterResourceLocator, type INodeProperties } from 'n8n-workflow';
import { mailboxLabel } from '../../../shared/folders';

export const MESSAGE_FIELD = 'Message';

export const messageLocatorField: INodeProperties = {
	displayName: 'Message',
	name: 'message',
	type: 'resourceLocator',
	required: true,
	default: { __rl: true, mode: 'id', value: '' },
	description: 'The mail to act on: its ID as Get Messages and the New Mail trigger output it (drag their ID field here), or a link from Outlook on the web',
	modes: [
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'AAMkAGI2TG93AAA= or {{ $json.id }}',
			hint: 'The ID output by Get Messages, Get Message or the New Mail trigger',
		},
		{
			displayName: 'By Outlook Link',
			name: 'url',
			type: 'string',
			placeholder: 'https://outlook.office.com/mail/inbox/id/AAMkAGI2…',
			hint: 'Open the mail in Outlook on the web (with the reading pane or in its own window) and paste the address from the browser',
			validation: [{ type: 'regex', properties: { regex: '^https?://.+', errorMessage: 'Paste the full address, starting with https://' } }],
		},
	],
};

/** A problem with what the user gave; the operation names the item. */
export class MessageRefError extends Error {}

/** Outlook on the web writes ids in EWS form (standard base64); Graph's REST ids use '-' and '_' instead of '/' and '+'. */
const ewsToRestId = (id: string) => id.replace(/\//g, '-').replace(/\+/g, '_');

/** The message id in an Outlook on the web link: `?ItemID=…` (Graph's webLink) or the path after `/id/` or `/read/`. */
export function idFromOutlookLink(link: string): string {
	let url: URL;
	try {
		url = new URL(link.trim());
	} catch {
		throw new MessageRefError(`"${link}" is not a web address`);
	}
	const fromQuery = [...url.searchParams.entries()].find(([name]) => name.toLowerCase() === 'itemid')?.[1];
	let id = fromQuery;
	if (!id) {
		const segments = url.pathname.split('/').filter((s) => s !== '');
		const at = segments.findIndex((s, i) => (s === 'id' || s === 'read') && i < segments.length - 1);
		if (at >= 0) id = decodeURIComponent(segments[at + 1]);
	}
	if (!id) throw new MessageRefError(`No message ID in the link "${link}": open the mail itself in Outlook on the web and copy the address then`);
	id = ewsToRestId(id.trim());
	// AAQk… is a conversation (Outlook's conversation view), not one message.
	if (id.startsWith('AAQk')) {
		throw new MessageRefError('The link names a conversation, not one message: open the single mail (or turn off conversation view in Outlook) and copy its address, or use the ID from Get Messages');
	}
	return id;
}

/** The message id the field names for this item. */
export function messageIdOf(ctx: IExecuteFunctions, itemIndex: number): string {
	const value = ctx.getNodeParameter('message', itemIndex, '') as INodeParameterResourceLocator | string;
	const rl = typeof value === 'object' && value !== null ? value : { mode: 'id', value };
	const text = String(rl.value ?? '').trim();
	try {
		if (!text) throw new MessageRefError('enter the ID of the message (e.g. {{ $json.id }} after Get Messages or the trigger) or an Outlook link');
		// A link pasted into By ID works too.
		return rl.mode === 'url' || /^https?:\/\//i.test(text) ? idFromOutlookLink(text) : text;
	} catch (error) {
		if (!(error instanceof MessageRefError)) throw error;
		throw new NodeOperationError(ctx.getNode(), `${MESSAGE_FIELD}: ${error.message} [item ${itemIndex}]`, { itemIndex });
	}
}

/** Graph's answers for an id that names no message in this mailbox. */
const NOT_FOUND = new Set(['ErrorItemNotFound', 'ErrorInvalidIdMalformed', 'ErrorInvalidId', 'ResourceNotFound']);

/** Whether Graph answered "no such item" (not: no such mailbox, which also answers 404). */
export function isItemNotFound(error: unknown): error is NodeApiError {
	const code = error instanceof NodeApiError ? String(error.errorResponse?.code ?? '') : '';
	return NOT_FOUND.has(code) && !/mailbox|user/i.test((error as Error).message);
}

/** What the user sees when Graph finds no such message: the field, the id, the mailbox and the item. */
export function messageLookupError(node: INode, error: Error, field: string, messageId: string, mailboxPath: string, itemIndex: number): Error {
	if (!isItemNotFound(error)) return error;
	return new NodeOperationError(node, `${field}: no message "${messageId}" in mailbox ${mailboxLabel(mailboxPath)}`, {
		description: `Graph answered ${error.message}. The ID may be from another mailbox, or the message was deleted. IDs from this node are immutable IDs and survive moves between folders.`,
		itemIndex,
	});
}
