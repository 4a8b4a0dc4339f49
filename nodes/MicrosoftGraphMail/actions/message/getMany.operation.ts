/**
 * Get Messages: a folder's messages (or all mail), filtered or searched, newest first, as many as
 * asked. Pages of up to 1,000 are turned into items as they arrive; only the current page is held.
 */
import { NodeApiError, NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { mailboxField } from '../../../shared/descriptions/authentication';
import { folderFields } from '../../../shared/descriptions/folder';
import { folderRef, resolveFolder } from '../../../shared/folders';
import type { GraphClient } from '../../../shared/transport/graphClient';
import { MAX_PAGE_SIZE } from '../../../shared/transport/limits';
import type { MailOperation } from '../operation';
import { buildFilterQuery, buildSearchQuery, FilterInputError, type MessageFilters, type MessageQuery } from './read/filterBuilder';
import { messageToItem, outputFields, outputSettings, preferFor, readOptionsField, selectFor } from './read/output';
import { refusedQueryError } from './read/refusedQuery';

const OPERATION = 'getMany';
const show = { operation: [OPERATION] };

const fields: INodeProperties[] = [
	{ ...mailboxField, displayOptions: { show } },
	...folderFields(show, { allMail: true }),
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		displayOptions: { show },
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		displayOptions: { show: { ...show, returnAll: [false] } },
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
	},
	{
		displayName: 'Find By',
		name: 'searchMode',
		type: 'options',
		displayOptions: { show },
		options: [
			{ name: 'Filters', value: 'filters', description: 'Exact conditions; results newest first' },
			{ name: 'Search', value: 'search', description: 'Free-text search (KQL); at most 1,000 results; cannot be combined with filters' },
		],
		default: 'filters',
	},
	{
		displayName: 'Search',
		name: 'search',
		type: 'string',
		displayOptions: { show: { ...show, searchMode: ['search'] } },
		default: '',
		placeholder: 'invoice from:alice@contoso.com',
		description: 'Words to look for in subject, body, sender and attachments names; KQL such as subject:invoice works',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		displayOptions: { show: { ...show, searchMode: ['filters'] } },
		default: {},
		options: [
			{ displayName: 'Category', name: 'category', type: 'string', default: '', description: 'Messages carrying this category (exact name)' },
			{ displayName: 'From', name: 'from', type: 'string', default: '', placeholder: 'alice@contoso.com', description: "Sender's email address" },
			{
				displayName: 'Has Attachments',
				name: 'hasAttachments',
				type: 'boolean',
				default: true,
				description: 'Whether messages must have attachments (on) or must have none (off). Inline images do not count.',
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
				default: 'high',
			},
			{
				displayName: 'Raw Filter (OData)',
				name: 'rawFilter',
				type: 'string',
				default: '',
				placeholder: "flag/flagStatus eq 'flagged'",
				description: 'An OData $filter, joined to the other filters with "and". Strings in single quotes (double a quote inside); dates unquoted, e.g. 2024-05-01T00:00:00Z.',
			},
			{ displayName: 'Received After', name: 'receivedAfter', type: 'dateTime', default: '', description: "Received at or after this time (workflow's time zone unless the value names one)" },
			{ displayName: 'Received Before', name: 'receivedBefore', type: 'dateTime', default: '', description: 'Received before this time' },
			{ displayName: 'Subject Contains', name: 'subjectContains', type: 'string', default: '', description: 'Text the subject contains (not case-sensitive)' },
			{ displayName: 'Unread Only', name: 'unreadOnly', type: 'boolean', default: true, description: 'Whether to return only unread messages' },
		],
	},
	...outputFields(OPERATION),
	readOptionsField(OPERATION),
];

function queryFor(ctx: IExecuteFunctions, itemIndex: number): { query: MessageQuery; rawFilter: boolean } {
	try {
		if (ctx.getNodeParameter('searchMode', itemIndex, 'filters') === 'search') {
			return { query: buildSearchQuery(ctx.getNodeParameter('search', itemIndex, '') as string), rawFilter: false };
		}
		const filters = ctx.getNodeParameter('filters', itemIndex, {}) as MessageFilters;
		return { query: buildFilterQuery(filters, ctx.getTimezone()), rawFilter: !!String(filters.rawFilter ?? '').trim() };
	} catch (error) {
		throw error instanceof FilterInputError ? new NodeOperationError(ctx.getNode(), error.message, { itemIndex }) : (error as Error);
	}
}

async function messagesUrl(ctx: IExecuteFunctions, client: GraphClient, mailboxPath: string, itemIndex: number): Promise<string> {
	if (ctx.getNodeParameter('folderScope', itemIndex, 'folder') === 'allMail') return `${mailboxPath}/messages`;
	const folder = await resolveFolder(client, mailboxPath, folderRef(ctx.getNodeParameter('folder', itemIndex)), itemIndex);
	return `${mailboxPath}/mailFolders/${encodeURIComponent(folder.id)}/messages`;
}

export const getManyOperation: MailOperation = {
	option: { name: 'Get Messages', value: OPERATION, action: 'Get many messages', description: 'List the messages of a folder or of all mail, filtered or searched' },
	fields,
	async execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
		const mailboxPath = client.mailboxPath(this.getNodeParameter('mailbox', itemIndex, '') as string, itemIndex);
		const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
		const limit = returnAll ? Infinity : Math.floor(Number(this.getNodeParameter('limit', itemIndex, 50)));
		if (!returnAll && !(limit >= 1)) throw new NodeOperationError(this.getNode(), 'Limit: must be 1 or more', { itemIndex });
		const { query, rawFilter } = queryFor(this, itemIndex);
		const settings = outputSettings(this, itemIndex);
		const url = await messagesUrl(this, client, mailboxPath, itemIndex);

		const qs: IDataObject = { ...query, $top: Math.min(limit, MAX_PAGE_SIZE) };
		const select = selectFor(settings);
		if (select) qs.$select = select;

		const items: INodeExecutionData[] = [];
		let pagesSeen = 0;
		try {
			for await (const page of client.pages<IDataObject>({ url, qs, prefer: preferFor(settings), permission: 'Mail.Read', itemIndex })) {
				pagesSeen++;
				for (const message of page.value) {
					items.push(await messageToItem(this, client, mailboxPath, message, settings, itemIndex));
					if (items.length >= limit) return items;
				}
			}
		} catch (error) {
			// A 400 on the first page is Graph refusing the query itself: say which and what to change.
			const refused = pagesSeen === 0 && error instanceof NodeApiError && error.httpCode === '400' && !!(query.$filter || query.$search);
			throw refused ? refusedQueryError(this.getNode(), error as NodeApiError, query, rawFilter, itemIndex) : (error as Error);
		}
		return items;
	},
};
