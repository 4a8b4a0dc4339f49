/**
 * What the Folder operations share: the Mailbox field, the folder locator (by list, id or path,
 * `\/` for a "/" inside a name), Graph's folder properties and the output item of one folder.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { mailboxField } from '../../../shared/descriptions/authentication';
import { folderLocatorField } from '../../../shared/descriptions/folder';
import { folderRef, mailboxLabel, resolveFolder, type ResolvedFolder } from '../../../shared/folders';
import type { GraphClient } from '../../../shared/transport/graphClient';

export const FOLDER_PROPERTIES = ['id', 'displayName', 'parentFolderId', 'childFolderCount', 'unreadItemCount', 'totalItemCount', 'sizeInBytes', 'isHidden'];

/** The folder locator under another name (e.g. Parent Folder), for one operation. */
export function folderLocator(operation: string, overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		...folderLocatorField,
		displayOptions: { show: { operation: [operation] } },
		...overrides,
	};
}

export function mailboxFieldFor(operation: string): INodeProperties {
	return { ...mailboxField, displayOptions: { show: { operation: [operation] } } };
}

export function mailboxPathOf(ctx: IExecuteFunctions, client: GraphClient, itemIndex: number): string {
	return client.mailboxPath(String(ctx.getNodeParameter('mailbox', itemIndex, '') ?? ''), itemIndex);
}

/** The folder a locator field names; an empty locator is the top of the mailbox when `emptyIsTop`. */
export async function folderOf(ctx: IExecuteFunctions, client: GraphClient, mailboxPath: string, itemIndex: number, field: { name: string; displayName: string }, emptyIsTop = false): Promise<ResolvedFolder | undefined> {
	const ref = folderRef(ctx.getNodeParameter(field.name, itemIndex, ''), field.displayName);
	if (emptyIsTop && !ref.value) return undefined;
	return await resolveFolder(client, mailboxPath, ref, itemIndex);
}

export function folderUrl(mailboxPath: string, id: string): string {
	return `${mailboxPath}/mailFolders/${encodeURIComponent(id)}`;
}

/** A folder as an output item: Graph's properties without OData annotations. */
export function folderJson(folder: IDataObject, extra: IDataObject = {}): IDataObject {
	return { ...Object.fromEntries(Object.entries(folder).filter(([k]) => !k.startsWith('@odata'))), ...extra };
}

/** Graph's 409 ErrorFolderExists, which Create and Rename turn into "Name: a folder … already exists". */
export function isFolderExists(error: unknown): boolean {
	return error instanceof NodeApiError && (Number(error.httpCode) === 409 || error.errorResponse?.code === 'ErrorFolderExists');
}

/** What the user sees for a failed create or rename: Graph's 409 as an error naming the name field; anything else as it was. */
export function folderExistsError(client: GraphClient, error: Error, message: string, description: string, itemIndex: number): Error {
	return isFolderExists(error) ? new NodeOperationError(client.node, message, { description: `Graph answered 409 ErrorFolderExists (names are compared ignoring case). ${description}`, itemIndex }) : error;
}

/** A folder name field that must not be empty: trimmed value, or an error naming the field and the item. */
export function requiredName(ctx: IExecuteFunctions, client: GraphClient, itemIndex: number, field: { name: string; displayName: string }): string {
	const name = String(ctx.getNodeParameter(field.name, itemIndex, '') ?? '').trim();
	if (!name) throw new NodeOperationError(client.node, `${field.displayName}: enter a folder name`, { description: 'A folder needs a name that is not empty.', itemIndex });
	return name;
}

export function whereLabel(parent: ResolvedFolder | undefined, mailboxPath: string): string {
	return `${parent ? `"${parent.displayName}"` : 'the top of the mailbox'} of mailbox ${mailboxLabel(mailboxPath)}`;
}
