/**
 * Move and Copy: the destination comes from the folder locator users know from Get Messages (list,
 * path, id, well-known names); Graph answers with the message in its new place.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { folderLocatorField } from '../../../shared/descriptions/folder';
import { folderRef, resolveFolder } from '../../../shared/folders';
import type { GraphClient } from '../../../shared/transport/graphClient';
import { throughputOptionsCollection } from '../operation';
import { actedMessage } from './messageOutput';
import { messageTarget, onMessage, permissionName, targetFields } from './target';

export function relocateFields(operation: 'move' | 'copy'): INodeProperties[] {
	const show = { operation: [operation] };
	return [
		...targetFields(operation),
		{
			...folderLocatorField,
			default: { __rl: true, mode: 'list', value: 'archive', cachedResultName: 'Archive' },
			description: `The folder to ${operation} the message to. Well-known folders work in any mailbox language; a path names folders from the top, separated by "/".`,
			displayOptions: { show },
		},
		throughputOptionsCollection(show),
	];
}

export async function relocate(ctx: IExecuteFunctions, client: GraphClient, itemIndex: number, action: 'move' | 'copy'): Promise<INodeExecutionData[]> {
	const target = messageTarget(ctx, client, itemIndex);
	const folder = await resolveFolder(client, target.mailboxPath, folderRef(ctx.getNodeParameter('folder', itemIndex)), itemIndex);
	const placed = await onMessage(client, target, () =>
		client.request<IDataObject>({
			method: 'POST',
			url: `${target.url}/${action}`,
			body: { destinationId: folder.id },
			permission: permissionName(client, target.mailboxPath, 'Mail.ReadWrite'),
			itemIndex,
		}),
	);
	const place = { folderId: folder.id, folderName: folder.displayName };
	if (action === 'copy') return [{ json: actedMessage(placed, { ...place, copiedFromId: target.messageId }) }];
	// Ids here are immutable ids (Prefer: IdType="ImmutableId" on every request): a moved message keeps its id.
	return [{ json: actedMessage(placed, { ...place, previousId: target.messageId, idUnchanged: placed.id === target.messageId }) }];
}
