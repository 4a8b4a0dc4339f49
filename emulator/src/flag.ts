/**
 * The follow-up flag of a PATCH: flagStatus and dateTimeTimeZone dates, checked as Graph does
 * (a due date needs a start date; dates must parse; the zone must be one Exchange knows).
 */
import { errors } from './http';
import type { DateTimeTimeZone, FollowupFlag } from './types';

const STATUSES = ['notFlagged', 'flagged', 'complete'];
/** Graph's dateTime: a wall-clock time, optional fraction, no offset (the zone is given apart). */
const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,7})?)?$/;

function knownZone(zone: string): boolean {
  // Exchange takes IANA names and Windows names ("W. Europe Standard Time").
  if (/^[A-Za-z .()+-]+ (Standard )?Time$/.test(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function parseDate(value: unknown, field: string): DateTimeTimeZone | undefined {
  if (value === undefined || value === null) return undefined;
  const v = value as Partial<DateTimeTimeZone>;
  const dateTime = String(v.dateTime ?? '');
  const m = WALL_CLOCK.exec(dateTime);
  const valid = m && !Number.isNaN(Date.UTC(+m[1], +m[2] - 1, +m[3])) && +m[2] >= 1 && +m[2] <= 12 && +m[3] >= 1 && +m[3] <= 31 && +m[4] < 24 && +m[5] < 60;
  if (!valid) throw errors.badRequest(`Cannot convert the literal '${dateTime}' to the expected type 'dateTime' of '${field}'.`, 'ErrorInvalidArgument');
  const timeZone = String(v.timeZone ?? '');
  if (!knownZone(timeZone)) throw errors.badRequest(`The time zone '${timeZone}' of '${field}' is not valid.`, 'ErrorInvalidArgument');
  return { dateTime: dateTime.length === 16 ? `${dateTime}:00.0000000` : dateTime.includes('.') ? dateTime : `${dateTime}.0000000`, timeZone };
}

/** UTC milliseconds of a wall-clock time in a zone (Windows names are taken as UTC: good enough to order dates). */
function instant(d: DateTimeTimeZone): number {
  const utc = Date.parse(`${d.dateTime.slice(0, 19)}Z`);
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: d.timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(utc);
    const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
    const asZone = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return utc - (asZone - utc);
  } catch {
    return utc;
  }
}

/** The flag a PATCH asks for, merged onto the current one. */
export function patchFlag(current: FollowupFlag, json: unknown): FollowupFlag {
  if (typeof json !== 'object' || json === null) throw errors.badRequest("Invalid value for property 'flag'.", 'RequestBodyRead');
  const j = json as Record<string, unknown>;
  const status = j.flagStatus === undefined ? current.flagStatus : String(j.flagStatus);
  if (!STATUSES.includes(status)) throw errors.badRequest(`Cannot convert the literal '${status}' to the expected type 'microsoft.graph.followupFlagStatus'.`, 'RequestBodyRead');
  const next: FollowupFlag = { flagStatus: status };
  if (status === 'notFlagged') return next;
  const start = 'startDateTime' in j ? parseDate(j.startDateTime, 'startDateTime') : current.startDateTime;
  const due = 'dueDateTime' in j ? parseDate(j.dueDateTime, 'dueDateTime') : current.dueDateTime;
  // Documented for followupFlag: "To set the due date, you must also specify the startDateTime".
  if (due && !start) throw errors.badRequest('The dueDateTime of a flag needs a startDateTime.', 'ErrorInvalidArgument');
  if (due && start && instant(due) < instant(start)) throw errors.badRequest('The dueDateTime of a flag must not be before its startDateTime.', 'ErrorInvalidArgument');
  if (start) next.startDateTime = start;
  if (due) next.dueDateTime = due;
  if (status === 'complete') {
    const completed = 'completedDateTime' in j ? parseDate(j.completedDateTime, 'completedDateTime') : undefined;
    next.completedDateTime = completed ?? { dateTime: new Date().toISOString().slice(0, 19) + '.0000000', timeZone: 'UTC' };
  }
  return next;
}
