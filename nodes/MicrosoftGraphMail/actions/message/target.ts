/**
 * What every operation on one mail starts from: the mailbox, the message id from the Message
 * field, its URL, and the permission names a 403 should show for this sign-in.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { mailboxField } from '../../../shared/descriptions/authentication';
import type { GraphClient } from '../../../shared/transport/graphClient';
import { MESSAGE_FIELD, messageIdOf, messageLocatorField, messageLookupError } from './messageLocator';

export interface MessageTarget {
	mailboxPath: string;
	messageId: string;
	/** `/users/x/messages/{id}` (id encoded). */
	url: string;
	itemIndex: number;
}

/** Mailbox and Message, the first fields of every operation on one mail. */
export function targetFields(operation: string): INodeProperties[] {
	const show = { operation: [operation] };
	return [
		{ ...mailboxField, displayOptions: { show } },
		{ ...messageLocatorField, displayOptions: { show } },
	];
}

export function messageTarget(ctx: IExecuteFunctions, client: GraphClient, itemIndex: number): MessageTarget {
	const mailboxPath = client.mailboxPath(String(ctx.getNodeParameter('mailbox', itemIndex, '') ?? ''), itemIndex);
	const messageId = messageIdOf(ctx, itemIndex);
	return { mailboxPath, messageId, url: `${mailboxPath}/messages/${encodeURIComponent(messageId)}`, itemIndex };
}

/** Runs a call on the message; Graph's "no such item" becomes an error naming the Message field. */
export async function onMessage<T>(client: GraphClient, target: MessageTarget, call: () => Promise<T>): Promise<T> {
	try {
		return await call();
	} catch (error) {
		throw messageLookupError(client.node, error as Error, MESSAGE_FIELD, target.messageId, target.mailboxPath, target.itemIndex);
	}
}

export type MailPermission = 'Mail.ReadWrite' | 'Mail.Send' | 'Mail.Read';

/** The permission as the admin grants it: application, delegated, or delegated .Shared for another mailbox. */
export function permissionName(client: GraphClient, mailboxPath: string, permission: MailPermission): string {
	if (client.kind === 'clientCredentials') return `${permission} (application)`;
	return mailboxPath === '/me' ? `${permission} (delegated)` : `${permission}.Shared (delegated)`;
}
