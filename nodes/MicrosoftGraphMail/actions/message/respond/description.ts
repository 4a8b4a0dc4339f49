/** The fields of Reply, Reply All and Forward: the mail, a comment, recipients, attachments. */
import type { INodeProperties } from 'n8n-workflow';
import { throughputOptions } from '../../operation';
import { targetFields } from '../target';

export type ResponseKind = 'reply' | 'replyAll' | 'forward';

const RECIPIENTS_HINT = 'Comma- or semicolon-separated, e.g. ann@contoso.com; "Doe, Bob" <bob@fabrikam.com>';

export function responseFields(kind: ResponseKind): INodeProperties[] {
	const show = { operation: [kind] };
	const address = (displayName: string, name: string, description: string): INodeProperties => ({
		displayName,
		name,
		type: 'string',
		default: '',
		placeholder: 'ann@contoso.com',
		hint: RECIPIENTS_HINT,
		description,
	});
	const extraTo = address('Additional To', 'toRecipients', 'Recipients added to those Outlook picks for the reply (the sender, or the sender and everyone for Reply All)');
	return [
		...targetFields(kind),
		...(kind === 'forward' ? [{ ...address('To', 'toRecipients', 'Who the mail is forwarded to'), required: true, displayOptions: { show } }] : []),
		{
			displayName: 'Comment Content Type',
			name: 'commentContentType',
			type: 'options',
			displayOptions: { show },
			options: [
				{ name: 'HTML', value: 'html' },
				{ name: 'Text', value: 'text' },
			],
			default: 'html',
		},
		{
			displayName: 'Comment',
			name: 'comment',
			type: 'string',
			typeOptions: { rows: 5 },
			displayOptions: { show },
			default: '',
			description: 'Written above the quoted original mail',
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			displayOptions: { show },
			default: {},
			options: [
				...(kind === 'forward' ? [] : [extraTo]),
				{
					displayName: 'Attachments',
					name: 'attachments',
					type: 'string',
					default: '',
					placeholder: 'data, invoice',
					description: 'Names of binary properties of the input item to attach, comma-separated. Any size up to 150 MB per file; above 3 MB in all they go through a draft and an upload session.',
				},
				address('BCC', 'bccRecipients', 'Blind copies'),
				address('CC', 'ccRecipients', 'Copies'),
				...throughputOptions,
				{
					displayName: 'Save to Sent Items',
					name: 'saveToSentItems',
					type: 'boolean',
					default: true,
					description: 'Whether a copy is kept in Sent Items (off: sent through a draft that leaves no copy)',
				},
			],
		},
	];
}
