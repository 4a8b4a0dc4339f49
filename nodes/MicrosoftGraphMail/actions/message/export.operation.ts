/**
 * Export as .eml: the message's MIME content (RFC 5322, what Graph answers for `$value`) as n8n
 * binary data, named after the subject. Opens in any mail client; archives keep headers intact.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { GraphClient } from '../../../shared/transport/graphClient';
import { throughputOptionsCollection, type MailOperation } from '../operation';
import { messageTarget, onMessage, permissionName, targetFields } from './target';

const OPERATION = 'export';
const show = { operation: [OPERATION] };
const MAX_FILE_NAME = 100;

const fields: INodeProperties[] = [
	...targetFields(OPERATION),
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show },
		hint: 'The name of the output binary field to put the .eml file in',
	},
	throughputOptionsCollection(show),
];

/** The subject as a file name every system accepts. */
export function emlFileName(subject: string): string {
	// eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
	const cleaned = subject.replace(/[\u0000-\u001f\u007f\\/:*?"<>|]+/g, ' ').replace(/\s+/g, ' ').trim().replace(/^\.+/, '');
	const base = [...cleaned].slice(0, MAX_FILE_NAME).join('').trim();
	return `${base || 'message'}.eml`;
}

async function execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
	const target = messageTarget(this, client, itemIndex);
	const property = String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data') ?? '').trim() || 'data';
	const permission = permissionName(client, target.mailboxPath, 'Mail.Read');
	const message = await onMessage(client, target, () =>
		client.request<IDataObject>({ url: target.url, qs: { $select: 'id,subject,receivedDateTime' }, permission, itemIndex }),
	);
	const mime = await onMessage(client, target, () => client.request<Buffer>({ url: `${target.url}/$value`, binary: true, permission, itemIndex }));
	const fileName = emlFileName(String(message.subject ?? ''));
	const binary = await this.helpers.prepareBinaryData(mime, fileName, 'message/rfc822');
	const item = this.getInputData()[itemIndex];
	return [
		{
			json: { id: message.id ?? target.messageId, subject: message.subject ?? '', receivedDateTime: message.receivedDateTime, fileName, size: mime.length },
			binary: { ...(item?.binary ?? {}), [property]: binary },
		},
	];
}

export const exportOperation: MailOperation = {
	option: { name: 'Export as EML', value: OPERATION, action: 'Export a message as an eml file', description: 'The MIME content of a message as an .eml file (binary data)' },
	fields,
	execute,
};
