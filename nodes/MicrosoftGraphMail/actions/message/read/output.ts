/**
 * How Get Messages and Get Message shape what they return: simplified, raw or selected fields;
 * body as text or HTML; attachments optionally downloaded into binary properties.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { GraphClient } from '../../../../shared/transport/graphClient';
import { MAX_ATTACHMENT_BYTES } from '../../../../shared/transport/limits';
import { throughputOptions } from '../../operation';
import { attachmentsToBinary, type BinaryContext } from './attachmentsToBinary';
import { SIMPLIFIED_SELECT, simplifyMessage } from './simplify';

export type OutputKind = 'simplified' | 'raw' | 'fields';

/** Message properties offered under Selected Fields. */
const MESSAGE_PROPERTIES = [
	'bccRecipients',
	'body',
	'bodyPreview',
	'categories',
	'ccRecipients',
	'conversationId',
	'createdDateTime',
	'flag',
	'from',
	'hasAttachments',
	'importance',
	'inferenceClassification',
	'internetMessageHeaders',
	'internetMessageId',
	'isDraft',
	'isRead',
	'isReadReceiptRequested',
	'lastModifiedDateTime',
	'parentFolderId',
	'receivedDateTime',
	'replyTo',
	'sender',
	'sentDateTime',
	'subject',
	'toRecipients',
	'uniqueBody',
	'webLink',
];

export const DEFAULT_ATTACHMENT_PREFIX = 'attachment_';
export const DEFAULT_MAX_ATTACHMENT_MB = 25;

/** Output and Fields, for the operations whose value is `operation`. */
export function outputFields(operation: string): INodeProperties[] {
	return [
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			displayOptions: { show: { operation: [operation] } },
			options: [
				{
					name: 'Simplified',
					value: 'simplified',
					description:
						'Flat keys: ID, subject, fromName, fromAddress, to, cc, receivedDateTime, bodyPreview, hasAttachments, isRead, importance, webLink, conversationId',
				},
				{ name: 'Raw', value: 'raw', description: 'Every property Graph returns by default, nested as Graph has it' },
				{ name: 'Selected Fields', value: 'fields', description: 'Only the message properties you choose (smaller, faster pages)' },
			],
			default: 'simplified',
		},
		{
			displayName: 'Fields',
			name: 'fields',
			type: 'multiOptions',
			displayOptions: { show: { operation: [operation], output: ['fields'] } },
			options: MESSAGE_PROPERTIES.map((p) => ({ name: p, value: p })),
			default: ['subject', 'from', 'receivedDateTime', 'body'],
			description: 'Message properties to return (ID is always included)',
		},
	];
}

/** The Options collection entries both read operations share. */
export const readOptions: INodeProperties[] = [
	{
		displayName: 'Attachment Prefix',
		name: 'attachmentPrefix',
		type: 'string',
		default: DEFAULT_ATTACHMENT_PREFIX,
		displayOptions: { show: { downloadAttachments: [true] } },
		description: 'Binary property names: the prefix plus a number from 0 (attachment_0, attachment_1, …)',
	},
	{
		displayName: 'Body Format',
		name: 'bodyFormat',
		type: 'options',
		displayOptions: { show: { '/output': ['raw', 'fields'] } },
		options: [
			{ name: 'HTML', value: 'html' },
			{ name: 'Text', value: 'text', description: 'Graph converts HTML bodies to plain text' },
		],
		default: 'html',
		description: 'Format of the body and uniqueBody properties',
	},
	{
		displayName: 'Download Attachments',
		name: 'downloadAttachments',
		type: 'boolean',
		default: false,
		description:
			'Whether to put file attachments into binary properties and describe every attachment under "attachments" (attached mails and cloud links are described, not downloaded)',
	},
	{
		displayName: 'Max Attachment Size (MB)',
		name: 'maxAttachmentSize',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 2 },
		default: DEFAULT_MAX_ATTACHMENT_MB,
		displayOptions: { show: { downloadAttachments: [true] } },
		description: 'Larger file attachments are described but not downloaded',
	},
	...throughputOptions,
];

/** The Options collection (readOptions) of a reading operation. */
export function readOptionsField(operation: string): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		displayOptions: { show: { operation: [operation] } },
		default: {},
		options: readOptions,
	};
}

export interface OutputSettings {
	output: OutputKind;
	fields: string[];
	bodyFormat?: 'text' | 'html';
	download?: { prefix: string; maxBytes: number };
}

export function outputSettings(ctx: IExecuteFunctions, itemIndex: number): OutputSettings {
	const output = ctx.getNodeParameter('output', itemIndex, 'simplified') as OutputKind;
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return {
		output,
		fields: output === 'fields' ? (ctx.getNodeParameter('fields', itemIndex, []) as string[]) : [],
		...readOptionSettings(options),
	};
}

/** Body format and attachment download from the Options collection (readOptions), for every reader. */
export function readOptionSettings(options: IDataObject): Pick<OutputSettings, 'bodyFormat' | 'download'> {
	const settings: Pick<OutputSettings, 'bodyFormat' | 'download'> = {
		bodyFormat: options.bodyFormat === 'text' || options.bodyFormat === 'html' ? options.bodyFormat : undefined,
	};
	if (options.downloadAttachments === true) {
		const mb = Number(options.maxAttachmentSize ?? DEFAULT_MAX_ATTACHMENT_MB);
		settings.download = {
			prefix: String(options.attachmentPrefix ?? DEFAULT_ATTACHMENT_PREFIX) || DEFAULT_ATTACHMENT_PREFIX,
			maxBytes: Number.isFinite(mb) && mb >= 0 ? Math.min(Math.round(mb * 1024 * 1024), MAX_ATTACHMENT_BYTES) : MAX_ATTACHMENT_BYTES,
		};
	}
	return settings;
}

/** The `$select` for these settings (undefined: Graph's default set, for Raw). */
export function selectFor(settings: OutputSettings): string | undefined {
	if (settings.output === 'simplified') return SIMPLIFIED_SELECT.join(',');
	if (settings.output === 'raw') return undefined;
	const fields = new Set(['id', ...settings.fields]);
	// Needed to know whether to list attachments; dropped again if not asked for.
	if (settings.download) fields.add('hasAttachments');
	return [...fields].join(',');
}

export function preferFor(settings: OutputSettings): string[] {
	return settings.bodyFormat ? [`outlook.body-content-type="${settings.bodyFormat}"`] : [];
}

/** One Graph message → one n8n item (with its attachments, when asked for). Execute and poll contexts both do. */
export async function messageToItem(
	ctx: BinaryContext,
	client: GraphClient,
	mailboxPath: string,
	message: IDataObject,
	settings: OutputSettings,
	itemIndex: number,
): Promise<INodeExecutionData> {
	let json: IDataObject;
	if (settings.output === 'simplified') json = simplifyMessage(message);
	else if (settings.output === 'raw') json = message;
	else {
		json = {};
		for (const [key, value] of Object.entries(message)) {
			if (key.startsWith('@odata.')) continue;
			if (key === 'hasAttachments' && !settings.fields.includes(key)) continue;
			json[key] = value;
		}
	}
	const item: INodeExecutionData = { json, pairedItem: { item: itemIndex } };
	// Graph's hasAttachments leaves out inline images; those are not downloaded.
	if (settings.download && message.hasAttachments === true) {
		const messagePath = `${mailboxPath}/messages/${encodeURIComponent(String(message.id))}`;
		const { binary, attachments } = await attachmentsToBinary(ctx, client, messagePath, { ...settings.download, itemIndex });
		json.attachments = attachments;
		if (Object.keys(binary).length) item.binary = binary;
	} else if (settings.download) {
		json.attachments = [];
	}
	return item;
}
