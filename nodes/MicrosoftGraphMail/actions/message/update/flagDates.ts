/**
 * Flag dates as users give them (the date picker's "2026-12-01T09:00:00", an ISO string with Z or
 * an offset, a Date or Luxon DateTime from an expression) → Graph's dateTimeTimeZone. Pure: a bad
 * date is refused before any request.
 */
import { FieldError } from '../send/messageBuilder';

export interface DateTimeTimeZone {
	dateTime: string;
	timeZone: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** IANA names (checked by the runtime) and Windows names such as "W. Europe Standard Time" (Graph takes both). */
export function isTimeZone(zone: string): boolean {
	if (/^[A-Za-z .()+-]+ Standard Time$/.test(zone)) return true;
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function text(value: unknown): string {
	if (value instanceof Date) return value.toISOString();
	// Luxon DateTime (n8n's $now, $today) and anything else with an ISO form.
	const iso = (value as { toISO?: () => string })?.toISO;
	if (typeof iso === 'function') return iso.call(value);
	return String(value ?? '').trim();
}

/**
 * The date in `zone` (wall clock), or in UTC when the value carries its own offset. `field` names
 * the field in errors; undefined for an empty value.
 */
export function toDateTimeTimeZone(value: unknown, zone: string, field: string): DateTimeTimeZone | undefined {
	const raw = text(value);
	if (!raw) return undefined;
	const m = DATE.exec(raw);
	const [year, month, day, hour = 0, minute = 0, second = 0] = m ? m.slice(1, 7).map((p) => (p === undefined ? 0 : Number(p))) : [];
	const probe = m ? new Date(Date.UTC(year, month - 1, day, hour, minute, second)) : undefined;
	if (!m || !probe || probe.getUTCDate() !== day || probe.getUTCMonth() !== month - 1 || hour > 23 || minute > 59 || second > 59) {
		throw new FieldError(field, `"${raw}" is not a date (use 2026-12-01 or 2026-12-01T17:00:00, optionally with Z or an offset such as +01:00)`);
	}
	const offset = m[7];
	if (!offset) return { dateTime: `${m[1]}-${m[2]}-${m[3]}T${pad(hour)}:${pad(minute)}:${pad(second)}`, timeZone: zone };
	const utc = new Date(Date.parse(`${m[1]}-${m[2]}-${m[3]}T${pad(hour)}:${pad(minute)}:${pad(second)}${offset.length === 5 ? `${offset.slice(0, 3)}:${offset.slice(3)}` : offset}`));
	return { dateTime: utc.toISOString().slice(0, 19), timeZone: 'UTC' };
}

/** Milliseconds since the epoch of a dateTimeTimeZone, to compare start and due (Windows zones taken as UTC). */
export function instant(d: DateTimeTimeZone): number {
	const utc = Date.parse(`${d.dateTime}Z`);
	if (d.timeZone === 'UTC') return utc;
	try {
		const parts = new Intl.DateTimeFormat('en-US', { timeZone: d.timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(utc);
		const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
		return utc - (Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - utc);
	} catch {
		return utc;
	}
}
