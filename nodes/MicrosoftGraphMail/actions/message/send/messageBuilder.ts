/* eslint-disable @n8n/community-nodes/require-node-api-error -- pure checks without a node; send.operation.ts turns FieldError/InputError into NodeOperationError naming the item */
/**
 * What the user asked for → Graph's message JSON. Pure: every check that can be made without Graph
 * is made here, before any request, so a bad item sends nothing.
 */
import type { IDataObject } from 'n8n-workflow';
import { assertNoControlChars, InputError, type MailAddress } from './addresses';

export type Importance = 'low' | 'normal' | 'high';
export type BodyContentType = 'html' | 'text';

export interface InternetHeader {
	name: string;
	value: string;
}

export interface MailInput {
	to: MailAddress[];
	cc: MailAddress[];
	bcc: MailAddress[];
	subject: string;
	bodyContentType: BodyContentType;
	bodyContent: string;
	replyTo: MailAddress[];
	importance: Importance;
	isReadReceiptRequested: boolean;
	categories: string[];
	internetHeaders: InternetHeader[];
	from?: MailAddress;
}

/** Exchange Online refuses more recipients (To + Cc + Bcc) on one message. */
export const MAX_RECIPIENTS = 500;

/** A field-level problem: which field (display name) and what is wrong. */
export class FieldError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
	}
}

/** RFC 5322 field name: printable ASCII without ':'; Graph accepts only custom `x-` headers. */
const HEADER_NAME = /^[xX]-[\x21-\x39\x3b-\x7e]+$/;

function inField<T>(field: string, check: () => T): T {
	try {
		return check();
	} catch (error) {
		if (error instanceof InputError) throw new FieldError(field, error.message);
		throw error;
	}
}

export interface BuildOptions {
	/** A draft may be saved without recipients; a mail to send may not. */
	requireRecipient?: boolean;
}

export function validateMailInput(input: MailInput, { requireRecipient = true }: BuildOptions = {}): void {
	const total = input.to.length + input.cc.length + input.bcc.length;
	if (total === 0 && requireRecipient) throw new FieldError('To', 'No recipient: enter at least one address in To, CC or BCC');
	if (total > MAX_RECIPIENTS) throw new FieldError('To', `${total} recipients: Exchange Online accepts at most ${MAX_RECIPIENTS} (To, CC and BCC together)`);
	inField('Subject', () => assertNoControlChars(input.subject, 'The subject'));
	if (input.bodyContentType !== 'html' && input.bodyContentType !== 'text') {
		throw new FieldError('Body Content Type', `"${String(input.bodyContentType)}" is not html or text`);
	}
	if (!['low', 'normal', 'high'].includes(input.importance)) throw new FieldError('Importance', `"${String(input.importance)}" is not low, normal or high`);
	for (const category of input.categories) inField('Categories', () => assertNoControlChars(category, `The category "${category}"`));
	const seen = new Set<string>();
	for (const { name, value } of input.internetHeaders) {
		inField('Internet Headers', () => {
			assertNoControlChars(name, `The header name "${name.replace(/[\r\n]/g, '⏎')}"`);
			assertNoControlChars(value, `The value of header ${name}`);
		});
		if (!HEADER_NAME.test(name)) {
			throw new FieldError('Internet Headers', `"${name}" is not allowed: Graph accepts only custom headers whose name starts with x- (letters, digits, hyphens, no spaces or colons)`);
		}
		if (seen.has(name.toLowerCase())) throw new FieldError('Internet Headers', `${name} is given twice`);
		seen.add(name.toLowerCase());
	}
}

/** Graph recipients from parsed addresses. */
export const recipients = (list: MailAddress[]) => list.map(({ name, address }) => ({ emailAddress: name ? { name, address } : { address } }));

/** Graph message JSON (without attachments); optional properties only when set. */
export function buildMessage(input: MailInput, options: BuildOptions = {}): IDataObject {
	validateMailInput(input, options);
	const message: IDataObject = {
		subject: input.subject,
		body: { contentType: input.bodyContentType, content: input.bodyContent },
		toRecipients: recipients(input.to),
		importance: input.importance,
	};
	if (input.cc.length) message.ccRecipients = recipients(input.cc);
	if (input.bcc.length) message.bccRecipients = recipients(input.bcc);
	if (input.replyTo.length) message.replyTo = recipients(input.replyTo);
	if (input.isReadReceiptRequested) message.isReadReceiptRequested = true;
	if (input.categories.length) message.categories = input.categories;
	if (input.internetHeaders.length) message.internetMessageHeaders = input.internetHeaders.map(({ name, value }) => ({ name, value }));
	if (input.from) message.from = recipients([input.from])[0];
	return message;
}

/** "a, b, c" or ['a', 'b'] → trimmed, non-empty entries. */
export function splitList(value: unknown): string[] {
	if (value === undefined || value === null) return [];
	const parts = Array.isArray(value) ? value.map(String) : String(value).split(',');
	return parts.map((p) => p.trim()).filter((p) => p !== '');
}
