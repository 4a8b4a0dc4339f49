/* eslint-disable @n8n/community-nodes/require-node-api-error -- FieldError is converted below; other errors come from the transport */
/**
 * Update: read/unread, follow-up flag (with start and due dates), categories (add, remove,
 * replace), importance and Focused/Other. Only the fields the user added are sent, in one PATCH.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import type { GraphClient } from '../../../shared/transport/graphClient';
import { throughputOptionsCollection, type MailOperation } from '../operation';
import { actedMessage } from './messageOutput';
import { FieldError, splitList } from './send/messageBuilder';
import { assertNoControlChars, InputError } from './send/addresses';
import { messageTarget, onMessage, permissionName, targetFields } from './target';
import { instant, isTimeZone, toDateTimeTimeZone, type DateTimeTimeZone } from './update/flagDates';

const OPERATION = 'update';
const show = { operation: [OPERATION] };

/** Method name of the category list (register it under `methods.loadOptions`). */
export const LOAD_CATEGORIES_METHOD = 'getCategories';

const fields: INodeProperties[] = [
	...targetFields(OPERATION),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		displayOptions: { show },
		default: {},
		description: 'Only the fields added here are changed; everything else stays as it is',
		options: [
			{
				displayName: 'Category Action',
				name: 'categoriesAction',
				type: 'options',
				options: [
					{ name: 'Add', value: 'add', description: 'Add these categories, keep the others' },
					{ name: 'Remove', value: 'remove', description: 'Remove these categories, keep the others' },
					{ name: 'Replace', value: 'replace', description: 'The message gets exactly these categories (none: all are removed)' },
				],
				default: 'add',
				description: 'What to do with the categories below',
			},
			{
				displayName: 'Category Names or IDs',
				name: 'categories',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: LOAD_CATEGORIES_METHOD, loadOptionsDependsOn: ['mailbox'] },
				default: [],
				description:
					'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>. The list is the mailbox\'s categories (needs MailboxSettings.Read); an expression may give any names, comma-separated or as an array.',
			},
			{
				displayName: 'Flag',
				name: 'flagStatus',
				type: 'options',
				options: [
					{ name: 'Not Flagged', value: 'notFlagged', description: 'Remove the flag (and its dates)' },
					{ name: 'Flagged', value: 'flagged', description: 'Flag for follow-up' },
					{ name: 'Complete', value: 'complete', description: 'Mark the follow-up as done' },
				],
				default: 'flagged',
			},
			{
				displayName: 'Flag Due Date',
				name: 'flagDueDate',
				type: 'dateTime',
				default: '',
				description: 'When the follow-up is due. Without a start date, the start is the due date too (Graph needs both).',
			},
			{
				displayName: 'Flag Start Date',
				name: 'flagStartDate',
				type: 'dateTime',
				default: '',
				description: 'When the follow-up starts',
			},
			{
				displayName: 'Flag Time Zone',
				name: 'flagTimeZone',
				type: 'string',
				default: '',
				placeholder: 'Europe/Berlin',
				description: "Time zone of flag dates written without an offset. Empty: the workflow's time zone.",
			},
			{
				displayName: 'Focused Inbox',
				name: 'inferenceClassification',
				type: 'options',
				options: [
					{ name: 'Focused', value: 'focused' },
					{ name: 'Other', value: 'other' },
				],
				default: 'focused',
				description: 'Which tab of the Focused Inbox the message is in',
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
				displayName: 'Read Status',
				name: 'readStatus',
				type: 'options',
				options: [
					{ name: 'Read', value: 'read' },
					{ name: 'Unread', value: 'unread' },
				],
				default: 'read',
			},
		],
	},
	throughputOptionsCollection(show),
];

const ONE_OF = <T extends string>(field: string, value: unknown, allowed: readonly T[]): T => {
	if (!allowed.includes(value as T)) throw new FieldError(field, `"${String(value)}" is not one of ${allowed.join(', ')}`);
	return value as T;
};

interface CategoryChange {
	action: 'add' | 'remove' | 'replace';
	names: string[];
}

/** The PATCH body (categories apart: add/remove need the message's current ones). */
function readChanges(ctx: IExecuteFunctions, itemIndex: number): { patch: IDataObject; categories?: CategoryChange } {
	const u = ctx.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const patch: IDataObject = {};
	if (u.readStatus !== undefined) patch.isRead = ONE_OF('Read Status', u.readStatus, ['read', 'unread'] as const) === 'read';
	if (u.importance !== undefined) patch.importance = ONE_OF('Importance', u.importance, ['low', 'normal', 'high'] as const);
	if (u.inferenceClassification !== undefined) patch.inferenceClassification = ONE_OF('Focused Inbox', u.inferenceClassification, ['focused', 'other'] as const);

	const zone = String(u.flagTimeZone ?? '').trim() || ctx.getTimezone();
	if (!isTimeZone(zone)) throw new FieldError('Flag Time Zone', `"${zone}" is not a time zone (use an IANA name such as Europe/Berlin, or UTC)`);
	let start = toDateTimeTimeZone(u.flagStartDate, zone, 'Flag Start Date');
	const due = toDateTimeTimeZone(u.flagDueDate, zone, 'Flag Due Date');
	if (u.flagStatus !== undefined || start || due) {
		const status = u.flagStatus === undefined ? 'flagged' : ONE_OF('Flag', u.flagStatus, ['notFlagged', 'flagged', 'complete'] as const);
		if (status === 'notFlagged' && (start || due)) throw new FieldError(start ? 'Flag Start Date' : 'Flag Due Date', 'A message that is Not Flagged has no dates: set Flag to Flagged or Complete, or remove the dates');
		// Graph refuses a due date without a start date.
		if (due && !start) start = due;
		if (start && due && instant(due) < instant(start)) throw new FieldError('Flag Due Date', `${due.dateTime} (${due.timeZone}) is before the start date ${start.dateTime} (${start.timeZone})`);
		const flag: IDataObject = { flagStatus: status };
		const put = (name: string, d?: DateTimeTimeZone) => d && (flag[name] = d);
		put('startDateTime', start);
		put('dueDateTime', due);
		patch.flag = flag;
	}

	let categories: CategoryChange | undefined;
	if (u.categories !== undefined || u.categoriesAction !== undefined) {
		const action = ONE_OF('Category Action', u.categoriesAction ?? 'add', ['add', 'remove', 'replace'] as const);
		const names = splitList(u.categories);
		for (const name of names) {
			try {
				assertNoControlChars(name, `The category "${name}"`);
			} catch (error) {
				if (error instanceof InputError) throw new FieldError('Category Names or IDs', error.message);
				throw error;
			}
		}
		if (action !== 'replace' && names.length === 0) throw new FieldError('Category Names or IDs', `Choose the categories to ${action}`);
		categories = { action, names };
	}
	if (!Object.keys(patch).length && !categories) throw new FieldError('Update Fields', 'Add at least one field to change');
	return { patch, categories };
}

function applyCategories(current: string[], change: CategoryChange): string[] {
	const lower = (list: string[]) => new Set(list.map((c) => c.toLowerCase()));
	if (change.action === 'replace') return [...new Map(change.names.map((n) => [n.toLowerCase(), n])).values()];
	if (change.action === 'remove') {
		const gone = lower(change.names);
		return current.filter((c) => !gone.has(c.toLowerCase()));
	}
	const have = lower(current);
	return [...current, ...change.names.filter((n) => !have.has(n.toLowerCase()) && have.add(n.toLowerCase()))];
}

async function execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
	const target = messageTarget(this, client, itemIndex);
	let changes;
	try {
		changes = readChanges(this, itemIndex);
	} catch (error) {
		if (!(error instanceof FieldError)) throw error;
		throw new NodeOperationError(this.getNode(), `${error.field}: ${error.message} [item ${itemIndex}]`, { itemIndex, description: 'Nothing was changed for this item.' });
	}
	const permission = permissionName(client, target.mailboxPath, 'Mail.ReadWrite');
	const body = { ...changes.patch };
	if (changes.categories) {
		if (changes.categories.action === 'replace') body.categories = applyCategories([], changes.categories);
		else {
			const current = await onMessage(client, target, () =>
				client.request<{ categories?: string[] }>({ url: target.url, qs: { $select: 'categories' }, permission, itemIndex }),
			);
			body.categories = applyCategories(current.categories ?? [], changes.categories);
		}
	}
	const updated = await onMessage(client, target, () => client.request<IDataObject>({ method: 'PATCH', url: target.url, body, permission, itemIndex }));
	return [{ json: actedMessage(updated, { updated: Object.keys(body) }) }];
}

export const updateOperation: MailOperation = {
	option: { name: 'Update', value: OPERATION, action: 'Update a message', description: 'Mark read or unread, flag, categorise, set importance or Focused/Other' },
	fields,
	execute,
};
