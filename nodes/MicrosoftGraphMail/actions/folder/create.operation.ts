/**
 * Create: a folder at the top of the mailbox or under a parent. With "Return Existing Folder If
 * Already There", Graph's 409 ErrorFolderExists returns the folder of that name instead, so a
 * workflow can run again; without it the 409 is an error naming the Name field.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { listFolders, type ResolvedFolder } from '../../../shared/folders';
import type { GraphClient } from '../../../shared/transport/graphClient';
import { permissionName } from '../message/target';
import { throughputOptions, type MailOperation } from '../operation';
import { FOLDER_PROPERTIES, folderJson, folderLocator, folderOf, folderExistsError, folderUrl, isFolderExists, mailboxFieldFor, mailboxPathOf, requiredName, whereLabel } from './folderTarget';

const OPERATION = 'create';
const show = { operation: [OPERATION] };
const NAME = { name: 'folderName', displayName: 'Name' };
const PARENT = { name: 'parentFolder', displayName: 'Parent Folder' };

const fields: INodeProperties[] = [
	mailboxFieldFor(OPERATION),
	{
		displayName: NAME.displayName,
		name: NAME.name,
		type: 'string',
		required: true,
		default: '',
		placeholder: 'Invoices',
		displayOptions: { show },
		description: 'Display name of the new folder. It is one name, not a path: a "/" in it is part of the name.',
	},
	folderLocator(OPERATION, {
		displayName: PARENT.displayName,
		name: PARENT.name,
		default: { __rl: true, mode: 'list', value: '' },
		description: 'Folder to create it in. Empty: the top of the mailbox, next to Inbox.',
	}),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		displayOptions: { show },
		default: {},
		options: [
			{
				displayName: 'Return Existing Folder If Already There',
				name: 'returnExisting',
				type: 'boolean',
				default: false,
				description: 'Whether a folder of that name already in the parent is returned (output existed: true) instead of failing, so the workflow can run again safely',
			},
			...throughputOptions,
		],
	},
];

async function execute(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]> {
	const mailboxPath = mailboxPathOf(this, client, itemIndex);
	const name = requiredName(this, client, itemIndex, NAME);
	const returnExisting = (this.getNodeParameter('options', itemIndex, {}) as IDataObject).returnExisting === true;
	const parent = await folderOf(this, client, mailboxPath, itemIndex, PARENT, true);
	const url = parent ? `${folderUrl(mailboxPath, parent.id)}/childFolders` : `${mailboxPath}/mailFolders`;
	const permission = permissionName(client, mailboxPath, 'Mail.ReadWrite');
	try {
		// With returnExisting a repeat ends the same way (a 409 finds the folder), so a lost answer may be retried.
		const created = await client.request<IDataObject>({ method: 'POST', url, body: { displayName: name }, idempotent: returnExisting, permission, itemIndex });
		return [{ json: folderJson(created, { existed: false }) }];
	} catch (error) {
		const existing = returnExisting && isFolderExists(error) ? await existingFolder(client, mailboxPath, parent, name, itemIndex) : undefined;
		if (existing) return [{ json: folderJson(existing, { existed: true }) }];
		throw folderExistsError(
			client,
			error as Error,
			`${NAME.displayName}: a folder "${name}" already exists in ${whereLabel(parent, mailboxPath)}`,
			'Turn on "Return Existing Folder If Already There" to get that folder instead, or choose another name.',
			itemIndex,
		);
	}
}

/** The folder of that name (any case, hidden ones too) in the parent, as Graph lists it. */
async function existingFolder(client: GraphClient, mailboxPath: string, parent: ResolvedFolder | undefined, name: string, itemIndex: number): Promise<IDataObject | undefined> {
	const siblings = await listFolders(client, mailboxPath, { under: parent, oneLevel: true, includeHidden: true, max: Infinity, select: FOLDER_PROPERTIES, itemIndex });
	return siblings.find((f) => f.displayName.toLowerCase() === name.toLowerCase())?.graph;
}

export const createOperation: MailOperation = {
	option: { name: 'Create', value: OPERATION, action: 'Create a folder', description: 'Create a folder at the top of the mailbox or under another folder' },
	fields,
	execute,
};
