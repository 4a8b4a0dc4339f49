/* eslint-disable @n8n/community-nodes/require-node-api-error -- FieldError becomes a NodeOperationError naming the item in send.operation.ts */
/**
 * Attachments from the item's binary properties, through n8n's binary helpers so every binary
 * mode works (default: in memory; filesystem, S3, database: by id, read as a stream).
 * Resolving reads metadata only; bytes are read when sent, whole (small files) or chunk by chunk.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { MAX_ATTACHMENT_BYTES } from '../../../../shared/transport/limits';
import { assertNoControlChars, InputError } from './addresses';
import { FieldError, splitList } from './messageBuilder';

export interface AttachmentSource {
	/** Binary property the bytes come from. */
	property: string;
	name: string;
	contentType: string;
	size: number;
	/** Set for inline images, referenced from the HTML body as `cid:<contentId>`. */
	contentId?: string;
	/** n8n binary data id (non-default modes): read as a stream. */
	binaryId?: string;
	/** Default mode: the bytes are in the item already. */
	buffer?: Buffer;
}

/** Content IDs go into a MIME header: keep them to characters that need no quoting. */
const CONTENT_ID = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.@]+$/;

function mb(bytes: number): string {
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** "data, logo=logo@acme" → [{ property: 'data' }, { property: 'logo', contentId: 'logo@acme' }]. */
function parseInlineList(value: unknown): { property: string; contentId: string }[] {
	return splitList(value).map((entry) => {
		const [property, contentId = property] = entry.split('=').map((s) => s.trim());
		if (!property || !CONTENT_ID.test(contentId)) {
			throw new FieldError('Inline Images', `"${entry}" is not "property" or "property=contentId" (content IDs: letters, digits, . @ - _ and no spaces)`);
		}
		return { property, contentId };
	});
}

async function describe(ctx: IExecuteFunctions, itemIndex: number, property: string, field: string): Promise<AttachmentSource> {
	let binary;
	try {
		binary = ctx.helpers.assertBinaryData(itemIndex, property);
	} catch {
		throw new FieldError(field, `The item has no binary property "${property}" (binary properties it has: ${Object.keys(ctx.getInputData()[itemIndex]?.binary ?? {}).join(', ') || 'none'})`);
	}
	const source: AttachmentSource = {
		property,
		name: binary.fileName || property,
		contentType: binary.mimeType || 'application/octet-stream',
		size: 0,
	};
	try {
		assertNoControlChars(source.name, `The file name of "${property}"`);
		assertNoControlChars(source.contentType, `The MIME type of "${property}"`);
	} catch (error) {
		if (error instanceof InputError) throw new FieldError(field, error.message);
		throw error;
	}
	if (binary.id) {
		source.binaryId = binary.id;
		source.size = typeof binary.bytes === 'number' ? binary.bytes : Number((await ctx.helpers.getBinaryMetadata(binary.id)).fileSize);
	} else {
		source.buffer = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
		source.size = source.buffer.length;
	}
	if (!Number.isFinite(source.size)) throw new FieldError(field, `Cannot tell the size of binary property "${property}"`);
	if (source.size > MAX_ATTACHMENT_BYTES) {
		throw new FieldError(field, `"${source.name}" (binary property "${property}") is ${source.size} bytes (${mb(source.size)}): Graph attaches files up to ${MAX_ATTACHMENT_BYTES} bytes (150 MB)`);
	}
	return source;
}

/** The attachments and inline images of one item, validated; no bytes read for stored binaries. */
export async function resolveAttachments(ctx: IExecuteFunctions, itemIndex: number, attachments: unknown, inlineImages: unknown): Promise<AttachmentSource[]> {
	const inline = parseInlineList(inlineImages);
	const inlineProps = new Set(inline.map((i) => i.property));
	const sources: AttachmentSource[] = [];
	for (const property of new Set(splitList(attachments))) {
		if (!inlineProps.has(property)) sources.push(await describe(ctx, itemIndex, property, 'Attachments'));
	}
	for (const { property, contentId } of inline) sources.push({ ...(await describe(ctx, itemIndex, property, 'Inline Images')), contentId });
	return sources;
}

/** All bytes of a (small) attachment. */
export async function readWhole(ctx: IExecuteFunctions, source: AttachmentSource): Promise<Buffer> {
	if (source.buffer) return source.buffer;
	const parts: Buffer[] = [];
	for await (const part of await ctx.helpers.getBinaryStream(source.binaryId!)) parts.push(part as Buffer);
	return Buffer.concat(parts);
}

/**
 * The bytes in pieces of exactly `chunkBytes` (the last may be shorter), read from the binary
 * stream as they are needed: at most about two pieces are in memory, whatever the file size.
 */
export async function* readChunks(ctx: IExecuteFunctions, source: AttachmentSource, chunkBytes: number): AsyncGenerator<Buffer> {
	if (source.buffer) {
		for (let start = 0; start < source.buffer.length; start += chunkBytes) yield source.buffer.subarray(start, start + chunkBytes);
		return;
	}
	const stream = await ctx.helpers.getBinaryStream(source.binaryId!, chunkBytes);
	let pending: Buffer[] = [];
	let pendingBytes = 0;
	try {
		for await (const part of stream) {
			let piece = part as Buffer;
			while (pendingBytes + piece.length >= chunkBytes) {
				const take = chunkBytes - pendingBytes;
				pending.push(piece.subarray(0, take));
				yield Buffer.concat(pending, chunkBytes);
				piece = piece.subarray(take);
				pending = [];
				pendingBytes = 0;
			}
			if (piece.length) {
				pending.push(piece);
				pendingBytes += piece.length;
			}
		}
		if (pendingBytes) yield Buffer.concat(pending, pendingBytes);
	} finally {
		stream.destroy();
	}
}
