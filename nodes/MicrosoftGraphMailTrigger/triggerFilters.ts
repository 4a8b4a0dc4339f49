/**
 * The trigger's filters. Delta queries accept no $filter beyond receivedDateTime, so every filter
 * is applied here, to mails Graph has already handed over: a mail that does not match is consumed
 * with its page and never looked at again.
 */
import type { IDataObject } from 'n8n-workflow';

export interface NewMailFilters {
	/** Sender addresses or domains ("@contoso.com"), comma-separated. */
	from?: string;
	subjectContains?: string;
	hasAttachments?: boolean;
	unreadOnly?: boolean;
	importance?: '' | 'low' | 'normal' | 'high';
}

/** Properties the filters and the cursor read; always selected, whatever the output. */
export const FILTER_FIELDS = ['id', 'receivedDateTime', 'from', 'sender', 'subject', 'hasAttachments', 'isRead', 'importance'];

function address(recipient: unknown): string {
	return String((recipient as { emailAddress?: { address?: string } } | null)?.emailAddress?.address ?? '').toLowerCase();
}

/** Entries of the From filter: full addresses, or domains written "@contoso.com" or "contoso.com". */
export function senderPatterns(from: string | undefined): string[] {
	return String(from ?? '')
		.split(/[,;\s]+/)
		.map((entry) => entry.trim().toLowerCase())
		.filter(Boolean);
}

function senderMatches(patterns: string[], mail: IDataObject): boolean {
	if (patterns.length === 0) return true;
	const senders = [address(mail.from), address(mail.sender)].filter(Boolean);
	return patterns.some((pattern) =>
		senders.some((sender) => {
			if (pattern.startsWith('@')) return sender.endsWith(pattern);
			if (!pattern.includes('@')) return sender.endsWith(`@${pattern}`);
			return sender === pattern;
		}),
	);
}

/** A predicate for one poll: parses the filters once. */
export function mailFilter(filters: NewMailFilters): (mail: IDataObject) => boolean {
	const patterns = senderPatterns(filters.from);
	const subject = String(filters.subjectContains ?? '').toLowerCase();
	return (mail) => {
		if (!senderMatches(patterns, mail)) return false;
		if (subject && !String(mail.subject ?? '').toLowerCase().includes(subject)) return false;
		if (filters.hasAttachments && mail.hasAttachments !== true) return false;
		if (filters.unreadOnly && mail.isRead === true) return false;
		if (filters.importance && String(mail.importance ?? '').toLowerCase() !== filters.importance) return false;
		return true;
	};
}
