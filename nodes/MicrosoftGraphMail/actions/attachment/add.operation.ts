/* eslint-disable @n8n/community-nodes/require-node-api-error -- FieldError is converted below; other errors come from the transport as NodeApiError/NodeOperationError */
/**
 * Add: binary properties of the item as attachments of a message or draft. Under 3 MB one POST
 * …/attachments, 3 MB to 150 MB an upload session (Send Mail's code for both). Every binary is
 * checked before the first is sent, so a bad item adds nothing.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { MAX_INLINE_ATTACHMENT_BYTES } from '../../../shared/transport/limits';
import type { GraphClient } from '../../../shared/transport/graphClient';
import { throughputOptions, type MailOperation } from '../operation';
import { resolveAttachments } from '../message/send/attachments';
import { postAttachment } from '../message/send/delivery';
import { FieldError } from '../message/send/messageBuilder';
import { uploadAttachment } from '../message/send/uploadSession';
import { messageTarget, onMessage, permissionName, targetFields } from '../message/target';

const OPERATION = 'add';
const show = { operation: [OPERATION] };

const fields: INodeProperties[] = [
	...targetFields(OPERATION),
	{
		displayName: 'Attachments',
		name: 'binaryPropertyNames',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show },
		placeholder: 'data, report',
		hint: 'Names of the input binary fields to attach, comma-separated. Each file up to 150 MB.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		displayOptions: { show },
		default: {},
		options: [
			{
				displayName: 'Inline Images',
				name: 'inlineImages',
				type: 'string',
				default: '',
				placeholder: 'logo=logo@acme',
				description: 'Binary fields to add as inline images, referenced from the body as cid:…: "property" or "property=contentId", comma-separated',
			},
			...throughputOptions,
		],
	},
];

async function execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
	const target = messageTarget(this, client, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	let sources;
	try {
		sources = await resolveAttachments(this, itemIndex, this.getNodeParameter('binaryPropertyNames', itemIndex, ''), options.inlineImages);
		if (!sources.length) throw new FieldError('Attachments', 'name at least one binary field of the item (e.g. data)');
	} catch (error) {
		if (!(error instanceof FieldError)) throw error;
		throw new NodeOperationError(this.getNode(), `${error.field}: ${error.message} [item ${itemIndex}]`, { itemIndex, description: 'Nothing was added for this item.' });
	}
	const permission = permissionName(client, target.mailboxPath, 'Mail.ReadWrite');
	const added: IDataObject[] = [];
	for (const source of sources) {
		const viaSession = source.size >= MAX_INLINE_ATTACHMENT_BYTES;
		const created = await onMessage(client, target, async () =>
			viaSession
				? await uploadAttachment(this, client, target.url, source, { itemIndex, permission })
				: await postAttachment(this, client, target.url, source, { itemIndex, permission }),
		);
		added.push({
			id: created.id,
			name: source.name,
			contentType: source.contentType,
			size: source.size,
			isInline: Boolean(source.contentId),
			...(source.contentId ? { contentId: source.contentId } : {}),
			binaryProperty: source.property,
			via: viaSession ? 'uploadSession' : 'post',
		});
	}
	return [{ json: { messageId: target.messageId, attachments: added } }];
}

export const addOperation: MailOperation = {
	option: { name: 'Add', value: OPERATION, action: 'Add an attachment to a message', description: 'Attach binary data to a message or draft (up to 150 MB per file)' },
	fields,
	execute,
};
