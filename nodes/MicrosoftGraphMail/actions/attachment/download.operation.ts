/**
 * Download: attachments as n8n binary data, one output item each. File attachments as the file
 * (`$value`), item attachments (attached mails) as .eml (`$value` answers their MIME), reference
 * attachments as their link in the JSON (the bytes live in OneDrive/SharePoint, not in the mail).
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { GraphClient } from '../../../shared/transport/graphClient';
import { throughputOptions, type MailOperation } from '../operation';
import { emlFileName } from '../message/export.operation';
import { attachmentValue } from '../message/read/attachmentsToBinary';
import { messageTarget, permissionName, targetFields } from '../message/target';
import { attachmentIdField, attachmentMetadata, attachmentTarget, includeInlineOption, listAttachments, METADATA_SELECT, onAttachment, type AttachmentTarget } from './attachmentTarget';

const OPERATION = 'download';
const show = { operation: [OPERATION] };

const fields: INodeProperties[] = [
	...targetFields(OPERATION),
	attachmentIdField(OPERATION, {
		required: false,
		description: 'The ID of the attachment, as Get Many Attachments outputs it. Leave empty to download every attachment of the message.',
	}),
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show },
		hint: 'The name of the output binary field to put each file in (one output item per attachment)',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		displayOptions: { show },
		default: {},
		options: [{ ...includeInlineOption, description: `${includeInlineOption.description}. Applies when downloading every attachment.` }, ...throughputOptions],
	},
];

async function download(ctx: IExecuteFunctions, client: GraphClient, target: AttachmentTarget, raw: IDataObject, property: string, permission: string): Promise<INodeExecutionData> {
	const json = await attachmentMetadata(client, target, raw, permission);
	if (json.kind === 'reference') return { json };
	const attachmentUrl = `${target.url}/attachments/${encodeURIComponent(String(json.id))}`;
	const bytes = await onAttachment(client, { ...target, attachmentId: String(json.id), attachmentUrl }, permission, () => attachmentValue(client, attachmentUrl, target.itemIndex, permission));
	const isItem = json.kind === 'item';
	const fileName = isItem ? emlFileName(String(json.name ?? '')) : String(json.name || 'attachment');
	const mimeType = isItem ? 'message/rfc822' : String(json.contentType || 'application/octet-stream');
	const binary = await ctx.helpers.prepareBinaryData(bytes, fileName, mimeType);
	return { json: { ...json, fileName, binaryProperty: property, ...(isItem ? { size: bytes.length } : {}) }, binary: { [property]: binary } };
}

async function execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
	const property = String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data') ?? '').trim() || 'data';
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const one = String(this.getNodeParameter('attachmentId', itemIndex, '') ?? '').trim() !== '';
	const target: AttachmentTarget = one ? attachmentTarget(this, client, itemIndex) : { ...messageTarget(this, client, itemIndex), attachmentId: '', attachmentUrl: '' };
	const permission = permissionName(client, target.mailboxPath, 'Mail.Read');
	const listed = one
		? [await onAttachment(client, target, permission, () => client.request<IDataObject>({ url: target.attachmentUrl, qs: { $select: METADATA_SELECT }, permission, itemIndex }))]
		: await listAttachments(client, target, permission, options.includeInline !== false);
	const out: INodeExecutionData[] = [];
	// One at a time: only one attachment's bytes in memory besides n8n's own copy.
	for (const raw of listed) out.push(await download(this, client, target, raw, property, permission));
	return out;
}

export const downloadOperation: MailOperation = {
	option: { name: 'Download', value: OPERATION, action: 'Download attachments of a message', description: 'Attachments as binary data: files as files, attached mails as .eml, cloud links as their link' },
	fields,
	execute,
};
