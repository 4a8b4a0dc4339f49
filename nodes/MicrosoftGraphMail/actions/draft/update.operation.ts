/**
 * Update Draft: PATCH only the fields the user added, each built and checked as Send Mail builds
 * it (same address parsing, same message JSON). An emptied recipient field clears that list.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { GraphClient } from '../../../shared/transport/graphClient';
import type { MailOperation } from '../operation';
import { actedMessage } from '../message/messageOutput';
import { onMessage, permissionName, targetFields } from '../message/target';
import { composeFields } from '../message/send/description';
import { addresses } from '../message/send/mailInput';
import { buildMessage, FieldError, splitList, type MailInput } from '../message/send/messageBuilder';
import { checkedInput, draftTarget } from './draftTarget';

const OPERATION = 'update';

/** Update Fields → the Graph property each one sets. */
const PROPERTY_OF: Record<string, string> = {
	toRecipients: 'toRecipients',
	ccRecipients: 'ccRecipients',
	bccRecipients: 'bccRecipients',
	subject: 'subject',
	bodyContent: 'body',
	bodyContentType: 'body',
	from: 'from',
	replyTo: 'replyTo',
	importance: 'importance',
	isReadReceiptRequested: 'isReadReceiptRequested',
	categories: 'categories',
};
const LISTS = new Set(['toRecipients', 'ccRecipients', 'bccRecipients', 'replyTo', 'categories']);

/** Create's fields (top level and options), offered as an Update Fields collection without defaults forced on. */
function updateFieldOptions(): INodeProperties[] {
	const create = composeFields(OPERATION, 'draft');
	const options = (create.find((f) => f.name === 'options')?.options ?? []) as INodeProperties[];
	return [...create, ...options]
		.filter((f) => PROPERTY_OF[f.name])
		.map((f) => {
			const option = { ...f };
			delete option.displayOptions;
			return option;
		})
		.sort((a, b) => a.displayName.localeCompare(b.displayName));
}

const fields: INodeProperties[] = [
	...targetFields(OPERATION),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: { operation: [OPERATION] } },
		description: 'Only the fields added here change; the rest of the draft stays as it is',
		options: updateFieldOptions(),
	},
];

/** The PATCH body: Send Mail's message JSON for the given fields, only their properties. */
export function draftPatch(set: IDataObject): IDataObject {
	if (Object.keys(set).length === 0) throw new FieldError('Update Fields', 'Add at least one field to change');
	if ('bodyContentType' in set && !('bodyContent' in set)) throw new FieldError('Body Content Type', 'Add Body too: Graph replaces the body as a whole');
	const from = addresses('From', set.from);
	if (from.length > 1) throw new FieldError('From', 'Give one address');
	const input: MailInput = {
		to: addresses('To', set.toRecipients),
		cc: addresses('CC', set.ccRecipients),
		bcc: addresses('BCC', set.bccRecipients),
		subject: String(set.subject ?? ''),
		bodyContentType: (set.bodyContentType ?? 'html') as MailInput['bodyContentType'],
		bodyContent: String(set.bodyContent ?? ''),
		replyTo: addresses('Reply To', set.replyTo),
		importance: (set.importance ?? 'normal') as MailInput['importance'],
		isReadReceiptRequested: set.isReadReceiptRequested === true,
		categories: splitList(set.categories),
		internetHeaders: [],
		from: from[0],
	};
	const message = buildMessage(input, { requireRecipient: false });
	const patch: IDataObject = {};
	for (const field of Object.keys(set)) {
		const property = PROPERTY_OF[field];
		if (!property) throw new FieldError('Update Fields', `"${field}" cannot be updated on a draft`);
		if (property === 'from' && !input.from) continue;
		patch[property] = message[property] ?? (LISTS.has(field) ? [] : property === 'isReadReceiptRequested' ? false : undefined);
	}
	return patch;
}

async function execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
	const set = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const patch = checkedInput(this, itemIndex, () => draftPatch(set));
	const { target } = await draftTarget(this, client, itemIndex, 'id');
	const permission = permissionName(client, target.mailboxPath, 'Mail.ReadWrite');
	const updated = await onMessage(client, target, () => client.request<IDataObject>({ method: 'PATCH', url: target.url, body: patch, permission, itemIndex }));
	return [{ json: actedMessage(updated, { updatedFields: Object.keys(patch) }) }];
}

export const updateOperation: MailOperation = {
	option: { name: 'Update', value: OPERATION, action: 'Update a draft', description: 'Change only the given fields of a draft' },
	fields,
	execute,
};
