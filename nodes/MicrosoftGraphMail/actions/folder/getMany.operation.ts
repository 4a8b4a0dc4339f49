/**
 * Get Many: the folders under a parent (or the top of the mailbox), one level or the whole tree,
 * each with its path; hidden folders on request. Walks with the shared listFolders (pages of 250,
 * any number of folders).
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { listFolders } from '../../../shared/folders';
import type { GraphClient } from '../../../shared/transport/graphClient';
import { type MailOperation } from '../operation';
import { FOLDER_PROPERTIES, folderJson, folderLocator, folderOf, mailboxFieldFor, mailboxPathOf } from './folderTarget';

const OPERATION = 'getMany';
const show = { operation: [OPERATION] };
const PARENT = { name: 'parentFolder', displayName: 'Parent Folder' };

const fields: INodeProperties[] = [
	mailboxFieldFor(OPERATION),
	folderLocator(OPERATION, {
		displayName: PARENT.displayName,
		name: PARENT.name,
		default: { __rl: true, mode: 'list', value: '' },
		description: 'List the folders under this one. Empty: from the top of the mailbox.',
	}),
	{
		displayName: 'Depth',
		name: 'depth',
		type: 'options',
		displayOptions: { show },
		options: [
			{ name: 'One Level', value: 'oneLevel', description: 'Only the folders directly under the parent' },
			{ name: 'Whole Tree', value: 'tree', description: 'Every folder below the parent, top-down' },
		],
		default: 'oneLevel',
	},
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
		typeOptions: { minValue: 1 },
		displayOptions: { show: { ...show, returnAll: [false] } },
		default: 50,
		description: 'Max number of results to return',
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
				displayName: 'Include Hidden Folders',
				name: 'includeHidden',
				type: 'boolean',
				default: false,
				description: 'Whether folders marked hidden (isHidden) are listed too; Graph leaves them out otherwise',
			},
		],
	},
];

async function execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
	const mailboxPath = mailboxPathOf(this, client, itemIndex);
	const parent = await folderOf(this, client, mailboxPath, itemIndex, PARENT, true);
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) === true;
	const max = returnAll ? Infinity : Number(this.getNodeParameter('limit', itemIndex, 50));
	const oneLevel = this.getNodeParameter('depth', itemIndex, 'oneLevel') !== 'tree';
	const includeHidden = (this.getNodeParameter('options', itemIndex, {}) as IDataObject).includeHidden === true;
	const folders = await listFolders(client, mailboxPath, { under: parent, oneLevel, includeHidden, max, select: FOLDER_PROPERTIES, itemIndex });
	return folders.map((f) => ({ json: folderJson(f.graph, { path: f.path }) }));
}

export const getManyOperation: MailOperation = {
	option: { name: 'Get Many', value: OPERATION, action: 'Get many folders', description: 'List folders: one level or the whole tree, with paths' },
	fields,
	execute,
};
