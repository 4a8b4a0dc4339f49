/** What is asked, read from the node's parameters: the same reading in execute and in the webhook. */
import type { IDataObject } from 'n8n-workflow';

export type ResponseType = 'approval' | 'freeText' | 'customForm';
export type ButtonStyle = 'primary' | 'secondary';

export interface Choice {
	label: string;
	style: ButtonStyle;
	/** The value of the signed `approved` query parameter; 'true' for the one button of Free Text / Custom Form. */
	approved: 'true' | 'false';
}

export interface FormField {
	label: string;
	type: 'checkbox' | 'date' | 'dropdown' | 'email' | 'number' | 'text' | 'textarea';
	placeholder: string;
	options: string[];
	required: boolean;
}

export interface Question {
	responseType: ResponseType;
	subject: string;
	message: string;
	choices: Choice[];
	fields: FormField[];
	formTitle: string;
	formDescription: string;
	formButtonLabel: string;
	/** On Timeout = Timed Out output: the node has two outputs, answers leave on the first. */
	timedOutOutput: boolean;
}

/** How both contexts read a parameter (execute: of item 0; webhook: of the node). */
export type ParameterReader = (name: string, fallback: unknown) => unknown;

const style = (value: unknown, fallback: ButtonStyle): ButtonStyle => (value === 'primary' || value === 'secondary' ? value : fallback);
const text = (value: unknown, fallback: string) => (typeof value === 'string' && value.trim() !== '' ? value : fallback);

/** The free-text answer is one required text area. */
export const FREE_TEXT_FIELD: FormField = { label: 'Response', type: 'textarea', placeholder: '', options: [], required: true };

/** A fixedCollection's rows: an array, one object, or nothing (n8n gives each shape). */
function rowsOf(value: unknown): IDataObject[] {
	if (Array.isArray(value)) return value.filter((v) => v && typeof v === 'object') as IDataObject[];
	return value && typeof value === 'object' ? [value as IDataObject] : [];
}

export function readFields(raw: unknown): FormField[] {
	const rows = Array.isArray(raw) ? rowsOf(raw) : rowsOf((raw as IDataObject | undefined)?.values);
	return rows.map((row, i) => {
		const options = rowsOf((row.fieldOptions as IDataObject | undefined)?.values);
		return {
			label: text(row.fieldLabel, `Field ${i + 1}`),
			type: (row.fieldType ?? 'text') as FormField['type'],
			placeholder: String(row.placeholder ?? ''),
			options: options.map((o) => String(o.option ?? '')).filter((o) => o !== ''),
			required: row.requiredField === true,
		};
	});
}

export function readQuestion(read: ParameterReader): Question {
	const responseType = String(read('responseType', 'approval')) as ResponseType;
	// Option by option: one that cannot be resolved (an expression on the input, in the webhook) spoils no other.
	const option = (name: string) => read(`options.${name}`, '');
	const subject = String(read('subject', '') ?? '');
	const message = String(read('message', '') ?? '');
	let choices: Choice[];
	if (responseType === 'approval') {
		const a = ((read('approvalOptions', {}) as IDataObject)?.values ?? {}) as IDataObject;
		const approve: Choice = { label: text(a.approveLabel, 'Approve'), style: style(a.buttonApprovalStyle, 'primary'), approved: 'true' };
		choices = a.approvalType === 'double' ? [approve, { label: text(a.disapproveLabel, 'Decline'), style: style(a.buttonDisapprovalStyle, 'secondary'), approved: 'false' }] : [approve];
	} else {
		choices = [{ label: text(option('messageButtonLabel'), 'Respond'), style: 'primary', approved: 'true' }];
	}
	return {
		responseType,
		subject,
		message,
		choices,
		fields: responseType === 'customForm' ? readFields(read('formFields', {})) : responseType === 'freeText' ? [FREE_TEXT_FIELD] : [],
		formTitle: text(option('responseFormTitle'), subject),
		formDescription: text(option('responseFormDescription'), message),
		formButtonLabel: text(option('responseFormButtonLabel'), 'Submit'),
		timedOutOutput: option('onTimeout') === 'output',
	};
}
