/** The fields of a mail being composed: Send Mail's, and (without its delivery options) Draft Create's. */
import type { INodeProperties } from 'n8n-workflow';
import { mailboxField } from '../../../../shared/descriptions/authentication';
import { throughputOptions } from '../../operation';

export const SEND_OPERATION = 'send';

export type ComposePurpose = 'send' | 'draft';

const addressHint = 'Comma- or semicolon-separated, e.g. <code>ann@contoso.com; "Doe, Bob" &lt;bob@fabrikam.com&gt;</code>, or an array from an expression';

/** How the mail is handed to Graph: only Send Mail has these (a draft is not sent yet). */
const SEND_ONLY_OPTIONS = new Set(['delivery', 'idempotencyKey']);

const MAILBOX_DESCRIPTION: Record<ComposePurpose, string> = {
	send: "Mailbox to send from: user principal name or object ID. Client credentials: empty means the credential's Default Mailbox (the app needs Mail.Send). OAuth2 / password: empty or <code>me</code> is you; a shared mailbox needs Mail.Send.Shared and Send As rights.",
	draft: "Mailbox whose Drafts folder gets the draft: user principal name or object ID. Client credentials: empty means the credential's Default Mailbox (the app needs Mail.ReadWrite). OAuth2 / password: empty or <code>me</code> is you; a shared mailbox needs Mail.ReadWrite.Shared.",
};

/** Option descriptions that differ for a draft. */
const DRAFT_OPTION_DESCRIPTIONS: Record<string, string> = {
	attachments:
		'Binary properties of the item to attach, comma-separated. Up to 3 MB in total they go with the draft in one request; larger ones (files up to 150 MB each) are added afterwards, above 3 MB through an upload session.',
	categories: 'Outlook categories for the draft, comma-separated',
	saveToSentItems: 'Whether a copy is kept in Sent Items when the draft is sent later',
};

/** The compose fields for one operation; Send Mail's and Draft Create's are the same fields. */
export function composeFields(operation: string, purpose: ComposePurpose): INodeProperties[] {
	const displayOptions = { show: { operation: [operation] } };
	return COMPOSE_FIELDS.map((field) => {
		if (field.name === 'mailbox') return { ...field, displayOptions, description: MAILBOX_DESCRIPTION[purpose] };
		if (field.name !== 'options' || purpose === 'send') return { ...field, displayOptions };
		const options = (field.options as INodeProperties[])
			.filter((o) => !SEND_ONLY_OPTIONS.has(o.name))
			.map((o) => (DRAFT_OPTION_DESCRIPTIONS[o.name] ? { ...o, description: DRAFT_OPTION_DESCRIPTIONS[o.name] } : o));
		return { ...field, displayOptions, options };
	});
}

const COMPOSE_FIELDS: INodeProperties[] = [
	mailboxField,
	{ displayName: 'To', name: 'toRecipients', type: 'string', default: '', placeholder: 'ann@contoso.com, Bob <bob@fabrikam.com>', description: addressHint },
	{ displayName: 'CC', name: 'ccRecipients', type: 'string', default: '', description: addressHint },
	{ displayName: 'BCC', name: 'bccRecipients', type: 'string', default: '', description: addressHint },
	{ displayName: 'Subject', name: 'subject', type: 'string', default: '' },
	{
		displayName: 'Body Content Type',
		name: 'bodyContentType',
		type: 'options',
		options: [
			{ name: 'HTML', value: 'html' },
			{ name: 'Text', value: 'text' },
		],
		default: 'html',
	},
	{ displayName: 'Body', name: 'bodyContent', type: 'string', typeOptions: { rows: 5 }, default: '' },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Attachments',
				name: 'attachments',
				type: 'string',
				default: '',
				placeholder: 'data, invoice',
				description:
					'Binary properties of the item to attach, comma-separated. Up to 3 MB in total they go with one sendMail request; larger mails (files up to 150 MB each) are sent as a draft with an upload session, which needs Mail.ReadWrite too.',
			},
			{
				displayName: 'Categories',
				name: 'categories',
				type: 'string',
				default: '',
				description: 'Outlook categories for the sent copy, comma-separated',
			},
			{
				displayName: 'Delivery',
				name: 'delivery',
				type: 'options',
				options: [
					{
						name: 'Automatic',
						value: 'auto',
						description:
							'One sendMail request when the mail fits (attachments up to 3 MB), else a draft. If the connection breaks after a sendMail, the outcome is unknown and the item fails without being sent again.',
					},
					{
						name: 'Exactly Once (via Draft)',
						value: 'draft',
						description:
							'Always a draft, then send it: every step can be checked after a broken connection, so the mail goes out once. Two requests per mail; needs Mail.ReadWrite too.',
					},
				],
				default: 'auto',
				description: 'How the mail is handed to Graph, and what can be known after a broken connection',
			},
			{
				displayName: 'From',
				name: 'from',
				type: 'string',
				default: '',
				placeholder: 'team@contoso.com',
				description: 'Send on behalf of this address. The mailbox must have Send on Behalf or Send As rights for it in Exchange, or Graph refuses the mail.',
			},
			{
				displayName: 'Idempotency Key',
				name: 'idempotencyKey',
				type: 'string',
				default: '',
				placeholder: 'e.g. the ID of the mail being answered',
				description:
					'With Delivery: Exactly Once. A value unique to this mail, e.g. the ID of the mail being answered. Running the item again (after a failure, a retry, a re-run) sends nothing if a mail with this key already went out from the mailbox: safe to retry any error. Needs Save to Sent Items.',
			},
			{
				displayName: 'Importance',
				name: 'importance',
				type: 'options',
				options: [
					{ name: 'Low', value: 'low' },
					{ name: 'Normal', value: 'normal' },
					{ name: 'High', value: 'high' },
				],
				default: 'normal',
			},
			{
				displayName: 'Inline Images (Content ID)',
				name: 'inlineImages',
				type: 'string',
				default: '',
				placeholder: 'logo, chart=chart@report',
				description:
					'Binary properties to embed in the HTML body, comma-separated. Each is referenced as <code>&lt;img src="cid:logo"&gt;</code> by its property name, or by the content ID given after =.',
			},
			{
				displayName: 'Internet Headers',
				name: 'internetHeaders',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				placeholder: 'Add Header',
				description: 'Custom headers; Graph accepts only names starting with x-',
				options: [
					{
						displayName: 'Header',
						name: 'header',
						values: [
							{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'x-crm-reference' },
							{ displayName: 'Value', name: 'value', type: 'string', default: '' },
						],
					},
				],
			},
			...throughputOptions,
			{
				displayName: 'Reply To',
				name: 'replyTo',
				type: 'string',
				default: '',
				description: `Where replies go. ${addressHint}.`,
			},
			{
				displayName: 'Request Read Receipt',
				name: 'isReadReceiptRequested',
				type: 'boolean',
				default: false,
			},
			{
				displayName: 'Save to Sent Items',
				name: 'saveToSentItems',
				type: 'boolean',
				default: true,
				description:
					'Whether to keep a copy in Sent Items. Exactly once: mails with attachments over 3 MB go through a draft whose send is checked after a broken connection, so they are never sent twice. A mail sent in one request whose connection breaks after sending fails with "outcome unknown" instead of being sent again: check Sent Items before re-running it.',
			},
		],
	},
];

export const sendFields = composeFields(SEND_OPERATION, 'send');
