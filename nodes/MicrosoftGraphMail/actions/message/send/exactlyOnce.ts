/**
 * Delivery "Exactly Once (via Draft)": every mail goes out as a draft that carries a marker of our
 * own in its internetMessageId (Graph lets a client set it while the message is a draft). The marker
 * is what makes each step checkable after a broken connection:
 * - creating the draft: look the marker up; found → carry on with that draft, not found → create again
 *   (Graph never sends a draft by itself, so the worst case is an orphan unsent draft);
 * - sending the draft: its state says whether it went out (see delivery.ts, sendDraft);
 * - running the item again with the same Idempotency Key: a sent message with the key's marker means
 *   the mail already went out, so nothing is sent; unsent drafts with it are leftovers and go.
 */
import { createHash, randomUUID } from 'crypto';
import { NodeApiError, type IDataObject } from 'n8n-workflow';
import type { GraphClient } from '../../../../shared/transport/graphClient';

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
		qs: { $filter: `internetMessageId eq '${marker.replace(/'/g, "''")}'`, $select: 'id,isDraft,parentFolderId', $top: 10 },
		permission: 'Mail.ReadWrite',
		itemIndex,
	})) {
		for (const m of page.value) if (typeof m.id === 'string') found.push({ id: m.id, isDraft: m.isDraft as boolean | undefined, parentFolderId: m.parentFolderId as string | undefined });
	}
	return found;
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
