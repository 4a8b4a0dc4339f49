/**
 * The instant trigger's Graph subscription: create (the longest lifetime Graph allows for mail, then
 * whatever it grants), renew, look up, delete. What the node knows of it lives in static data as a
 * SubscriptionRecord; the secret clientState never leaves it (not in errors, not in logs).
 */
import { randomBytes } from 'crypto';
import { NodeOperationError, type IDataObject, type INode } from 'n8n-workflow';
import type { GraphClient } from '../shared/transport/graphClient';
import { resolveFolder } from '../shared/folders';
import { epochSeconds } from './newMailCursor';
import type { NewMailSettings } from './triggerSettings';

/** Graph's maximum for Outlook messages (newer documentation); older pages say 4,230. */
export const MAX_LIFETIME_MINUTES = 10_080;
const OLDER_MAX_LIFETIME_MINUTES = 4_230;
/** Asked a little under the maximum, so clock differences never push a request over it. */
const MARGIN_MINUTES = 5;

export interface SubscriptionRecord {
	id: string;
	resource: string;
	notificationUrl: string;
	/** Epoch ms Graph granted, and when it granted it (creation or last renewal). */
	expiresAt: number;
	grantedAt: number;
}

/** Renewal is due once half of the granted lifetime has passed. */
export function renewalDue(sub: SubscriptionRecord, now = Date.now()): boolean {
	return now >= sub.grantedAt + (sub.expiresAt - sub.grantedAt) / 2;
}

export function newClientState(): string {
	return randomBytes(32).toString('base64url');
}

/** Graph delivers only to public https; n8n's production webhook URL comes from WEBHOOK_URL. */
export function assertHttpsWebhook(node: INode, url: string | undefined): string {
	if (!url || !/^https:\/\//i.test(url)) {
		throw new NodeOperationError(node, `Microsoft Graph sends notifications only to https URLs, and this trigger's webhook URL is ${url ? `"${url}"` : 'unknown'}`, {
			description:
				'Set n8n\'s WEBHOOK_URL to its public https address (for example WEBHOOK_URL=https://n8n.example.com/), reachable from Microsoft\'s servers, then activate the workflow again. Or use the polling Microsoft Graph Mail Trigger.',
		});
	}
	return url;
}

/** The watched folder's messages, or the whole mailbox's when several folders are watched (the round sorts them out). */
export async function subscriptionResource(client: GraphClient, settings: NewMailSettings): Promise<string> {
	const mailboxPath = client.mailboxPath(settings.mailbox);
	if (settings.folders.length !== 1) return `${mailboxPath}/messages`;
	const [folder] = settings.folders;
	const id = folder.ref.mode === 'path' ? (await resolveFolder(client, mailboxPath, folder.ref)).id : folder.ref.value;
	return `${mailboxPath}/mailFolders('${id.replace(/'/g, "''")}')/messages`;
}

function isoIn(minutes: number): string {
	return new Date(Date.now() + (minutes - MARGIN_MINUTES) * 60_000).toISOString();
}

/** Graph refuses a lifetime longer than it allows (it does not shorten it): the limit it names, or the older documented one. */
function allowedMinutes(error: unknown): number | undefined {
	const e = error as { httpCode?: string; message?: string; description?: string };
	if (String(e?.httpCode) !== '400') return undefined;
	const text = `${e?.message ?? ''} ${e?.description ?? ''}`;
	if (!/expiration/i.test(text)) return undefined;
	const named = /(\d{3,6})\s*minutes/i.exec(text);
	const minutes = named ? Number(named[1]) : OLDER_MAX_LIFETIME_MINUTES;
	return minutes < MAX_LIFETIME_MINUTES ? minutes : undefined;
}

export function isGone(error: unknown): boolean {
	return String((error as { httpCode?: string })?.httpCode) === '404';
}

function recordOf(body: IDataObject, notificationUrl: string, grantedAt: number): SubscriptionRecord {
	return {
		id: String(body.id),
		resource: String(body.resource ?? ''),
		notificationUrl,
		expiresAt: Date.parse(String(body.expirationDateTime)),
		grantedAt,
	};
}

/** Lifetime requests: the maximum first, then what a refusal says is allowed. */
async function withLifetime<T>(attempt: (expirationDateTime: string) => Promise<T>): Promise<T> {
	try {
		return await attempt(isoIn(MAX_LIFETIME_MINUTES));
	} catch (error) {
		const minutes = allowedMinutes(error);
		// The transport's errors are NodeApiError/NodeOperationError already: pass them on as they are.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		if (minutes === undefined) throw error;
		return await attempt(isoIn(minutes));
	}
}

export async function createSubscription(
	client: GraphClient,
	settings: NewMailSettings,
	notificationUrl: string,
	clientState: string,
): Promise<{ record: SubscriptionRecord; graphNow?: number }> {
	const resource = await subscriptionResource(client, settings);
	return await withLifetime(async (expirationDateTime) => {
		const response = await client.requestFull<IDataObject>({
			method: 'POST',
			url: '/subscriptions',
			body: { changeType: 'created', notificationUrl, lifecycleNotificationUrl: notificationUrl, resource, expirationDateTime, clientState, latestSupportedTlsVersion: 'v1_2' },
			permission: 'Mail.Read',
		});
		return { record: recordOf(response.body, notificationUrl, Date.now()), graphNow: epochSeconds(response.headers.date) };
	});
}

/** PATCH expirationDateTime (which also reauthorizes); keeps what Graph grants. Throws 404 when the subscription is gone. */
export async function renewSubscription(client: GraphClient, sub: SubscriptionRecord): Promise<SubscriptionRecord> {
	return await withLifetime(async (expirationDateTime) => {
		const body = await client.request<IDataObject>({
			method: 'PATCH',
			url: `/subscriptions/${encodeURIComponent(sub.id)}`,
			body: { expirationDateTime },
			permission: 'Mail.Read',
		});
		return { ...recordOf(body, sub.notificationUrl, Date.now()), resource: sub.resource };
	});
}

/** Whether Graph still has the subscription. */
export async function subscriptionExists(client: GraphClient, sub: SubscriptionRecord): Promise<boolean> {
	try {
		await client.request({ url: `/subscriptions/${encodeURIComponent(sub.id)}`, permission: 'Mail.Read' });
		return true;
	} catch (error) {
		if (isGone(error)) return false;
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		throw error;
	}
}

export async function deleteSubscription(client: GraphClient, sub: SubscriptionRecord): Promise<void> {
	try {
		await client.request({ method: 'DELETE', url: `/subscriptions/${encodeURIComponent(sub.id)}`, permission: 'Mail.Read' });
	} catch (error) {
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		if (!isGone(error)) throw error;
	}
}
