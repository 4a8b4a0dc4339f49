/**
 * Delivery "Exactly Once (via Draft)": every mail goes out as a draft that carries a marker of our
 * own in its internetMessageId (Graph lets a client set it while the message is a draft). The marker
 * is what makes each step checkable after a broken connection:
 * - creating the draft: look the marker up; found → carry on with that draft, not found → create again
 *   (Graph never sends a draft by itself, so the worst case is an orphan unsent draft);
 * - sending the draft: its state says whether it went out (see delivery.ts, sendDraft);
 * - running the item again with the same Idempotency Key (see alreadySent): a message with the key's
 *   marker that was sent, waits in Outbox (still unsent there) or left Drafts means the mail went out,
 *   so nothing is sent; drafts with it that stay in Drafts are leftovers and go.
 */
import { createHash, randomUUID } from 'crypto';
import { NodeApiError, sleep, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import type { GraphClient } from '../../../../shared/transport/graphClient';
import { FieldError } from './messageBuilder';

export const DELIVERY = { auto: 'auto', draft: 'draft' } as const;
export type Delivery = (typeof DELIVERY)[keyof typeof DELIVERY];

/** The RFC 5322 message id a draft is created with; from the key (stable across runs) or random (this run only). */
export function sendMarker(mailboxUrl: string, idempotencyKey: string | undefined): string {
	const source = idempotencyKey ? `${mailboxUrl}\n${idempotencyKey}` : randomUUID();
	return `<n8n-${createHash('sha256').update(source).digest('hex').slice(0, 40)}@graph-mail.n8n>`;
}

export interface MarkedMessage {
	id: string;
	isDraft?: boolean;
	parentFolderId?: string;
}

/** Every message of the mailbox (any folder) created with this marker. */
export async function findMarked(client: GraphClient, mailboxUrl: string, marker: string, itemIndex: number): Promise<MarkedMessage[]> {
	const found: MarkedMessage[] = [];
	for await (const page of client.pages<IDataObject>({
		url: `${mailboxUrl}/messages`,
		qs: { $filter: `internetMessageId eq '${marker.replace(/'/g, "''")}'`, $select: 'id,isDraft,parentFolderId,internetMessageId', $top: 10 },
		permission: 'Mail.ReadWrite',
		itemIndex,
	})) {
		for (const m of page.value) {
			// Exactly the marker, not whatever Graph's comparison also lets through.
			if (typeof m.id !== 'string' || m.internetMessageId !== marker) continue;
			found.push({ id: m.id, isDraft: m.isDraft as boolean | undefined, parentFolderId: m.parentFolderId as string | undefined });
		}
	}
	return found;
}

interface EarlierSend {
	/** The keyed mail, if it went out (or was handed over: Outbox). */
	sent?: MarkedMessage;
	/** Unsent drafts with the marker (leftovers of earlier runs). */
	drafts: MarkedMessage[];
	/** One of them is still in Drafts: maybe a draft Exchange is only now sending. */
	inDrafts?: boolean;
}

/**
 * One look over the whole mailbox (`/messages` spans every folder: Drafts, Outbox, Sent Items,
 * Deleted Items, the user's own). Sent, or unsent in Outbox (Exchange keeps a submitted mail there,
 * still unsent, until it leaves): the mail went out. Unsent anywhere else is a leftover draft, also
 * in Deleted Items where an earlier run's DELETE put it.
 */
async function lookForEarlierSend(client: GraphClient, mailboxUrl: string, marker: string, itemIndex: number): Promise<EarlierSend> {
	const found = await findMarked(client, mailboxUrl, marker, itemIndex);
	const sent = found.find((m) => m.isDraft === false);
	if (sent) return { sent, drafts: [] };
	if (!found.length) return { drafts: [] };
	const [outbox, drafts] = await Promise.all(['outbox', 'drafts'].map((name) => folderId(client, mailboxUrl, name, itemIndex)));
	const submitted = found.find((m) => m.parentFolderId === outbox);
	if (submitted) return { sent: submitted, drafts: [] };
	return { drafts: found, inDrafts: found.some((m) => m.parentFolderId === drafts) };
}

async function folderId(client: GraphClient, mailboxUrl: string, wellKnownName: string, itemIndex: number): Promise<string | undefined> {
	const folder = await client.request<{ id?: string }>({ url: `${mailboxUrl}/mailFolders/${wellKnownName}`, qs: { $select: 'id' }, permission: 'Mail.ReadWrite', itemIndex });
	return folder.id;
}

/**
 * Waits before looking again at a keyed draft still in Drafts: Exchange may move a sent draft late.
 * Only paid when such a draft exists (after a failure), never on a first send.
 */
export const RECHECK_MS = [1500];

/**
 * Idempotency Key: the keyed mail if an earlier run sent it (nothing must be sent then); otherwise
 * removes that run's unsent drafts and returns undefined. A keyed draft still in Drafts may be one
 * whose send Exchange is only now taking, so it is looked at again (bounded) before it goes.
 */
export async function alreadySent(client: GraphClient, mailboxUrl: string, marker: string, itemIndex: number): Promise<MarkedMessage | undefined> {
	let earlier = await lookForEarlierSend(client, mailboxUrl, marker, itemIndex);
	for (const wait of RECHECK_MS) {
		if (earlier.sent || !earlier.inDrafts) break;
		await sleep(wait);
		earlier = await lookForEarlierSend(client, mailboxUrl, marker, itemIndex);
	}
	if (earlier.sent) return earlier.sent;
	await deleteDrafts(client, mailboxUrl, earlier.drafts, itemIndex);
	return undefined;
}

/** The Idempotency Keys (as markers) each node run has seen, and for which item. */
const keysOfRun = new WeakMap<object, Map<string, number>>();

/**
 * One key, one mail: a second item of the same run with the same key (and mailbox) is refused.
 * Call it before the item's first await: the router starts items in order, so the lower index wins.
 */
export function claimIdempotencyKey(ctx: IExecuteFunctions, marker: string, key: string, itemIndex: number): void {
	let seen = keysOfRun.get(ctx);
	if (!seen) keysOfRun.set(ctx, (seen = new Map()));
	const first = seen.get(marker);
	if (first !== undefined && first !== itemIndex) {
		throw new FieldError('Idempotency Key', `"${key}" is also the key of item ${first} in this run: each mail needs its own key`);
	}
	seen.set(marker, itemIndex);
}

/** Removes unsent drafts left by an earlier run (they were never sent, and never will be). */
export async function deleteDrafts(client: GraphClient, mailboxUrl: string, drafts: MarkedMessage[], itemIndex: number): Promise<void> {
	for (const d of drafts) {
		try {
			await client.request({ method: 'DELETE', url: `${mailboxUrl}/messages/${encodeURIComponent(d.id)}`, permission: 'Mail.ReadWrite', itemIndex });
		} catch (error) {
			// Gone already (an earlier DELETE whose answer was lost): that is what we wanted.
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the transport's NodeApiError, passed on
			if (!(error instanceof NodeApiError && String(error.httpCode) === '404')) throw error;
		}
	}
}
