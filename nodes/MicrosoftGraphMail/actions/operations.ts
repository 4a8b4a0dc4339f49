/**
 * Every resource of the node and its operations, by Resource and Operation value. Adding an
 * operation touches only its resource's list; adding a resource, only RESOURCES.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import type { MailOperation } from './operation';
import { attachmentOperations } from './attachment';
import { draftOperations } from './draft';
import { folderOperations } from './folder';
import { messageOperations } from './message';

export interface MailResource {
	option: INodePropertyOptions & { value: string };
	/** In the order the Operation list shows them; the first is the default. */
	operations: MailOperation[];
	defaultOperation: string;
}

export const RESOURCES: MailResource[] = [
	{
		option: { name: 'Message', value: 'message', description: 'Mail in a mailbox: send, read, reply, forward, move, update, delete, export' },
		operations: messageOperations,
		defaultOperation: 'send',
	},
	{
		option: { name: 'Draft', value: 'draft', description: 'Drafts for a person to review: create (with attachments of any size), get, update, delete, send' },
		operations: draftOperations,
		defaultOperation: 'create',
	},
	{
		option: { name: 'Folder', value: 'folder', description: 'Mail folders: create (or find), get, list the tree, rename, delete' },
		operations: folderOperations,
		defaultOperation: 'getMany',
	},
	{
		option: { name: 'Attachment', value: 'attachment', description: 'Attachments of a message or draft: add, list, get, download, delete' },
		operations: attachmentOperations,
		defaultOperation: 'getAll',
	},
];

/** Workflows saved before there was a Resource field have none: they are Message operations. */
export const DEFAULT_RESOURCE = 'message';

export function findOperation(resource: string, operation: string): MailOperation | undefined {
	return RESOURCES.find((r) => r.option.value === resource)?.operations.find((op) => op.option.value === operation);
}

/** A field shown only for its resource (operations set the operation part of displayOptions.show). */
function forResource(field: INodeProperties, resource: string): INodeProperties {
	const show = field.displayOptions?.show ?? {};
	return { ...field, displayOptions: { ...field.displayOptions, show: { resource: [resource], ...show } } };
}

/** Resource, then per resource its Operation list and its operations' fields. */
export function resourceProperties(): INodeProperties[] {
	return [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: RESOURCES.map((r) => r.option),
			default: DEFAULT_RESOURCE,
		},
		...RESOURCES.flatMap((r) => [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options' as const,
				noDataExpression: true,
				displayOptions: { show: { resource: [r.option.value] } },
				options: r.operations.map((op) => op.option),
				default: r.defaultOperation,
			},
			...r.operations.flatMap((op) => op.fields.map((f) => forResource(f, r.option.value))),
		]),
	];
}

/**
 * The node's subtitle: each operation's own action text ("Send a mail", "Get many folders"), keyed by
 * resource and operation, so two resources' "Delete" never read the same.
 */
export function subtitleExpression(): string {
	const actions = Object.fromEntries(RESOURCES.flatMap((r) => r.operations.map((op) => [`${r.option.value}:${op.option.value}`, op.option.action ?? op.option.name])));
	return `={{ (${JSON.stringify(actions)})[($parameter["resource"] || "${DEFAULT_RESOURCE}") + ":" + $parameter["operation"]] || $parameter["operation"] }}`;
}
