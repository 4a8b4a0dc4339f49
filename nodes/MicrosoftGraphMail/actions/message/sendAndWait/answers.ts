/** A submitted form → the answer the node outputs, or what is wrong with it. */
import type { IDataObject } from 'n8n-workflow';
import type { FormField } from './question';

export type Answer = { ok: true; values: IDataObject } | { ok: false; problem: string };

function one(body: IDataObject, key: string): string {
	const value = body[key];
	return Array.isArray(value) ? String(value[0] ?? '') : value === undefined || value === null ? '' : String(value);
}

export function readAnswers(fields: FormField[], body: IDataObject): Answer {
	const values: IDataObject = {};
	for (const [i, field] of fields.entries()) {
		const raw = one(body, `field-${i}`).trim();
		if (field.type === 'checkbox') {
			const checked = raw !== '' && raw !== 'false';
			if (field.required && !checked) return { ok: false, problem: `"${field.label}" must be ticked.` };
			values[field.label] = checked;
			continue;
		}
		if (raw === '') {
			if (field.required) return { ok: false, problem: `"${field.label}" is required.` };
			values[field.label] = field.type === 'number' ? null : '';
			continue;
		}
		if (field.type === 'number') {
			const n = Number(raw);
			if (!Number.isFinite(n)) return { ok: false, problem: `"${field.label}" must be a number.` };
			values[field.label] = n;
		} else if (field.type === 'dropdown' && !field.options.includes(raw)) {
			return { ok: false, problem: `"${field.label}": choose one of the listed options.` };
		} else if (field.type === 'email' && !/^[^\s@]+@[^\s@]+$/.test(raw)) {
			return { ok: false, problem: `"${field.label}" must be an email address.` };
		} else {
			values[field.label] = raw;
		}
	}
	return { ok: true, values };
}

/** The form values as strings, to show them again after a refused submission. */
export function formValues(body: IDataObject): Record<string, string> {
	return Object.fromEntries(Object.keys(body).filter((k) => k.startsWith('field-')).map((k) => [k, one(body, k)]));
}
