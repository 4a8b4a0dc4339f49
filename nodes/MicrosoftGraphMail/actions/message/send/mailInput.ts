/* eslint-disable @n8n/community-nodes/require-node-api-error -- FieldError becomes a NodeOperationError naming the item in the operation */
/**
 * The compose fields of one item → MailInput, for Send Mail and Draft Create alike. Address and
 * header problems throw FieldError naming the field; the operation names the item.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { InputError, parseAddressList, type MailAddress } from './addresses';
import { FieldError, splitList, type InternetHeader, type MailInput } from './messageBuilder';

export function addresses(field: string, value: unknown): MailAddress[] {
	try {
		return parseAddressList(value);
	} catch (error) {
		if (error instanceof InputError) throw new FieldError(field, error.message);
		throw error;
	}
}

/** The fixedCollection's rows ({ header: [{name, value}] }), or an array given by expression. */
export function headerRows(value: unknown): InternetHeader[] {
	const rows = Array.isArray(value) ? value : Object.values((value ?? {}) as IDataObject).flat();
	return (rows as IDataObject[]).filter((r) => r && String(r.name ?? '').trim() !== '').map((r) => ({ name: String(r.name).trim(), value: String(r.value ?? '') }));
}

export function readMailInput(ctx: IExecuteFunctions, i: number, options: IDataObject): MailInput {
	const from = addresses('From', options.from);
	if (from.length > 1) throw new FieldError('From', 'Give one address');
	return {
		to: addresses('To', ctx.getNodeParameter('toRecipients', i, '')),
		cc: addresses('CC', ctx.getNodeParameter('ccRecipients', i, '')),
		bcc: addresses('BCC', ctx.getNodeParameter('bccRecipients', i, '')),
		subject: String(ctx.getNodeParameter('subject', i, '') ?? ''),
		bodyContentType: ctx.getNodeParameter('bodyContentType', i, 'html') as MailInput['bodyContentType'],
		bodyContent: String(ctx.getNodeParameter('bodyContent', i, '') ?? ''),
		replyTo: addresses('Reply To', options.replyTo),
		importance: (options.importance ?? 'normal') as MailInput['importance'],
		isReadReceiptRequested: options.isReadReceiptRequested === true,
		categories: splitList(options.categories),
		internetHeaders: headerRows(options.internetHeaders),
		from: from[0],
	};
}
