/**
 * The "simplified" shape of a message, shared by Get Messages, Get Message and the New Mail
 * trigger: flat, stable keys a workflow can map without knowing Graph's nesting.
 *
 * | key               | from Graph                          |
 * |-------------------|-------------------------------------|
 * | id                | id (immutable id)                   |
 * | subject           | subject                             |
 * | fromName          | from.emailAddress.name              |
 * | fromAddress       | from.emailAddress.address           |
 * | to                | toRecipients[].emailAddress.address |
 * | cc                | ccRecipients[].emailAddress.address |
 * | receivedDateTime  | receivedDateTime (ISO, UTC)         |
 * | bodyPreview       | bodyPreview (first ~255 characters) |
 * | hasAttachments    | hasAttachments                      |
 * | isRead            | isRead                              |
 * | importance        | importance (low, normal, high)      |
 * | webLink           | webLink (opens Outlook on the web)  |
 * | conversationId    | conversationId                      |
 */
import type { IDataObject } from 'n8n-workflow';

/** What to `$select` for the simplified shape (keeps pages small). */
export const SIMPLIFIED_SELECT = [
	'id',
	'subject',
	'from',
	'toRecipients',
	'ccRecipients',
	'receivedDateTime',
	'bodyPreview',
	'hasAttachments',
	'isRead',
	'importance',
	'webLink',
	'conversationId',
];

export interface SimplifiedMessage extends IDataObject {
	id: string;
	subject: string;
	fromName: string;
	fromAddress: string;
	to: string[];
	cc: string[];
	receivedDateTime: string;
	bodyPreview: string;
	hasAttachments: boolean;
	isRead: boolean;
	importance: string;
	webLink: string;
	conversationId: string;
}

interface GraphRecipient {
	emailAddress?: { name?: string; address?: string };
}

function addresses(recipients: unknown): string[] {
	if (!Array.isArray(recipients)) return [];
	return recipients.map((r: GraphRecipient) => r?.emailAddress?.address ?? '').filter((a) => a !== '');
}

/** Graph's message JSON → the simplified shape. Missing properties become '' / [] / false. */
export function simplifyMessage(message: IDataObject): SimplifiedMessage {
	const from = (message.from as GraphRecipient | null | undefined)?.emailAddress;
	return {
		id: String(message.id ?? ''),
		subject: String(message.subject ?? ''),
		fromName: from?.name ?? '',
		fromAddress: from?.address ?? '',
		to: addresses(message.toRecipients),
		cc: addresses(message.ccRecipients),
		receivedDateTime: String(message.receivedDateTime ?? ''),
		bodyPreview: String(message.bodyPreview ?? ''),
		hasAttachments: message.hasAttachments === true,
		isRead: message.isRead === true,
		importance: String(message.importance ?? ''),
		webLink: String(message.webLink ?? ''),
		conversationId: String(message.conversationId ?? ''),
	};
}
