/** Limit Wait Time → the date n8n resumes the execution by itself (or never). */
import { WAIT_INDEFINITELY, type IDataObject } from 'n8n-workflow';

const UNIT_MS: Record<string, number> = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

/** Throws a plain Error with a message for the user when the limit is not usable. */
export function waitTill(limit: IDataObject | undefined, now = Date.now()): Date {
	if (!limit || Object.keys(limit).length === 0) return WAIT_INDEFINITELY;
	const amount = Number(limit.resumeAmount ?? 1);
	const unit = String(limit.resumeUnit ?? 'days');
	if (!UNIT_MS[unit]) throw new Error(`Unknown unit "${unit}": use seconds, minutes, hours or days`);
	if (!Number.isFinite(amount) || amount <= 0) throw new Error(`"${String(limit.resumeAmount)}" is not a positive amount`);
	return new Date(now + amount * UNIT_MS[unit]);
}
