/**
 * Turns the Get Messages filters into a query Graph accepts. Pure: no n8n, no HTTP, so the
 * property tests can throw any input at it.
 *
 * Graph's rules honoured here:
 * - With `$orderby`, the ordered properties must come first in `$filter`, in the same order, or
 *   Graph answers 400 InefficientFilter. We order by receivedDateTime, so a receivedDateTime
 *   clause always leads (a neutral `ge 1900-01-01` one when the user gave none).
 * - `$search` cannot be combined with `$filter` or `$orderby` on messages: it is a separate mode.
 * - OData string literals double their single quotes.
 */

export interface MessageFilters {
	unreadOnly?: boolean;
	from?: string;
	subjectContains?: string;
	/** Received at or after this moment (ISO 8601; no zone: the workflow's time zone). */
	receivedAfter?: string;
	/** Received before this moment. */
	receivedBefore?: string;
	hasAttachments?: boolean;
	importance?: 'low' | 'normal' | 'high';
	category?: string;
	/** Expert OData, joined with `and` in parentheses. */
	rawFilter?: string;
}

export interface MessageQuery {
	$filter?: string;
	$orderby?: string;
	$search?: string;
}

/** The sort every filtered listing uses: newest first. */
export const ORDER_BY = 'receivedDateTime desc';

/** Leads a filter that has no receivedDateTime clause of its own (see InefficientFilter above). */
export const ORDER_SENTINEL = 'receivedDateTime ge 1900-01-01T00:00:00Z';

/** Bad input, named by the field the user sees; the operation adds the item. */
export class FilterInputError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
	}
}

/** An OData string literal: `it's` → `'it''s'`. */
export function odataString(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}

/** A `$search` phrase: KQL wants it in double quotes, with `\` and `"` escaped. */
export function searchPhrase(text: string): string {
	return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/;

/** Milliseconds the zone is ahead of UTC at `utcMs`. */
function zoneOffsetMs(utcMs: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(utcMs));
	const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
	return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/**
 * A moment as Graph's filters want it: `2024-05-01T08:00:00Z`. Accepts ISO strings with or without
 * a zone (without: read in `timeZone`, as n8n's date pickers mean it), Dates and Luxon DateTimes.
 */
export function toGraphDateTime(value: unknown, field: string, timeZone = 'UTC'): string {
	let ms: number;
	if (value instanceof Date) ms = value.getTime();
	else if (value && typeof value === 'object' && typeof (value as { toMillis?: unknown }).toMillis === 'function') {
		ms = (value as { toMillis(): number }).toMillis();
	} else {
		const text = String(value ?? '').trim();
		const local = LOCAL_DATE_TIME.exec(text);
		if (local && !HAS_ZONE.test(text)) {
			const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0'] = local;
			const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Number(frac.padEnd(3, '0').slice(0, 3)));
			// The zone's offset at the wall time, corrected once for a DST change in between.
			let utc = wall - zoneOffsetMs(wall, timeZone);
			utc = wall - zoneOffsetMs(utc, timeZone);
			ms = utc;
		} else {
			ms = HAS_ZONE.test(text) && /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
		}
	}
	if (!Number.isFinite(ms)) {
		throw new FilterInputError(field, `${field}: "${String(value)}" is not a date and time (use e.g. 2024-05-01T08:00:00)`);
	}
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function text(value: string | undefined): string {
	return String(value ?? '').trim();
}

/** `$filter` and `$orderby` for the filters (none set: only the sort order). */
export function buildFilterQuery(filters: MessageFilters, timeZone = 'UTC'): MessageQuery {
	const dates: string[] = [];
	const others: string[] = [];
	let after: string | undefined;
	let before: string | undefined;
	if (text(filters.receivedAfter)) {
		after = toGraphDateTime(filters.receivedAfter, 'Received After', timeZone);
		dates.push(`receivedDateTime ge ${after}`);
	}
	if (text(filters.receivedBefore)) {
		before = toGraphDateTime(filters.receivedBefore, 'Received Before', timeZone);
		dates.push(`receivedDateTime lt ${before}`);
	}
	if (after && before && after >= before) {
		throw new FilterInputError('Received Before', `Received Before (${before}) must be later than Received After (${after})`);
	}
	if (filters.unreadOnly) others.push('isRead eq false');
	if (text(filters.from)) others.push(`from/emailAddress/address eq ${odataString(text(filters.from))}`);
	// Not trimmed: a user looking for " - " means the spaces.
	if (filters.subjectContains) others.push(`contains(subject,${odataString(filters.subjectContains)})`);
	if (typeof filters.hasAttachments === 'boolean') others.push(`hasAttachments eq ${filters.hasAttachments}`);
	if (filters.importance) {
		if (!['low', 'normal', 'high'].includes(filters.importance)) {
			throw new FilterInputError('Importance', `Importance: "${filters.importance}" is not low, normal or high`);
		}
		others.push(`importance eq ${odataString(filters.importance)}`);
	}
	if (text(filters.category)) others.push(`categories/any(c:c eq ${odataString(text(filters.category))})`);
	if (text(filters.rawFilter)) others.push(`(${text(filters.rawFilter)})`);

	if (dates.length === 0 && others.length === 0) return { $orderby: ORDER_BY };
	const clauses = dates.length ? [...dates, ...others] : [ORDER_SENTINEL, ...others];
	return { $filter: clauses.join(' and '), $orderby: ORDER_BY };
}

/** `$search` for the free-text mode (no filter, no sort: Graph orders by relevance and date). */
export function buildSearchQuery(search: string): MessageQuery {
	const words = String(search ?? '').trim();
	if (!words) throw new FilterInputError('Search', 'Search: enter the words to look for');
	return { $search: searchPhrase(words) };
}
