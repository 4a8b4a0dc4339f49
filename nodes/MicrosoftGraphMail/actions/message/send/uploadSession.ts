/**
 * Large attachments (3–150 MB): an upload session on the draft, then the bytes in ranged PUTs of
 * at most 4 MB to the pre-authenticated URL, read from the binary stream as they go.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import type { GraphClient } from '../../../../shared/transport/graphClient';
import { UPLOAD_CHUNK_BYTES } from '../../../../shared/transport/limits';
import { readChunks, type AttachmentSource } from './attachments';

/** Where the next PUT must start, from Graph's `nextExpectedRanges` ("12345-" or "12345-67890"). */
function nextExpectedStart(body: unknown): number | undefined {
	const ranges = (body as IDataObject | undefined)?.nextExpectedRanges;
	const first = Array.isArray(ranges) ? String(ranges[0] ?? '') : undefined;
	const start = first ? Number(first.split('-')[0]) : NaN;
	return Number.isFinite(start) ? start : undefined;
}

export async function uploadAttachment(
	ctx: IExecuteFunctions,
	client: GraphClient,
	messageUrl: string,
	source: AttachmentSource,
	options: { itemIndex: number; permission: string },
): Promise<{ id?: string }> {
	const attachmentItem: IDataObject = { attachmentType: 'file', name: source.name, size: source.size, contentType: source.contentType };
	if (source.contentId) Object.assign(attachmentItem, { isInline: true, contentId: source.contentId });
	// A session only reserves an upload URL: creating a second one after a broken connection is harmless.
	const session = await client.request<{ uploadUrl?: string }>({
		method: 'POST',
		url: `${messageUrl}/attachments/createUploadSession`,
		body: { AttachmentItem: attachmentItem },
		idempotent: true,
		permission: options.permission,
		itemIndex: options.itemIndex,
	});
	if (!session.uploadUrl) throw new NodeOperationError(client.node, `Graph created no upload URL for "${source.name}"`, { itemIndex: options.itemIndex });

	let offset = 0;
	let finished = source.size === 0;
	let location = '';
	for await (const chunk of readChunks(ctx, source, UPLOAD_CHUNK_BYTES)) {
		const end = offset + chunk.length - 1;
		const response = await client.requestFull({
			method: 'PUT',
			url: session.uploadUrl,
			body: chunk,
			headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `bytes ${offset}-${end}/${source.size}` },
			preAuthenticated: true,
			mailboxUrl: messageUrl,
			itemIndex: options.itemIndex,
		});
		offset = end + 1;
		finished = response.status === 201 || offset >= source.size;
		if (response.status === 201) location = String(response.headers.location ?? '');
		const expected = nextExpectedStart(response.body);
		if (!finished && expected !== undefined && expected !== offset) {
			throw new NodeOperationError(client.node, `Upload of "${source.name}" went out of step: Graph expects byte ${expected} next, we are at ${offset}`, {
				itemIndex: options.itemIndex,
			});
		}
	}
	if (!finished || offset !== source.size) {
		throw new NodeOperationError(client.node, `Upload of "${source.name}" stopped at byte ${offset} of ${source.size}: the binary data is shorter than its recorded size`, {
			itemIndex: options.itemIndex,
		});
	}
	// The last PUT answers Location: …/attachments('{id}'), the new attachment's id.
	const id = /attachments\('([^']+)'\)/i.exec(location)?.[1];
	return id ? { id: decodeURIComponent(id) } : {};
}
