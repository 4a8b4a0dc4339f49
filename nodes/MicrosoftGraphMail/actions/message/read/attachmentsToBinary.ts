/**
 * A message's attachments → n8n binary properties (`attachment_0`, `attachment_1`, …) plus a
 * description of every attachment in the JSON. Shared by Get Messages, Get Message and the New
 * Mail trigger. File attachments up to the size cap are downloaded as raw bytes (`$value`); item
 * attachments (attached mails, events) and reference attachments (cloud links) are described,
 * never failed on.
 */
import type { IBinaryData, IBinaryKeyData, IDataObject } from 'n8n-workflow';
import type { GraphClient } from '../../../../shared/transport/graphClient';

/** Anything with n8n's binary helper: execute and poll contexts both qualify. */
export interface BinaryContext {
	helpers: { prepareBinaryData(buffer: Buffer, fileName?: string, mimeType?: string): Promise<IBinaryData> };
}

export interface AttachmentDownloadOptions {
	/** Binary property names are prefix + running number: attachment_0, attachment_1, … */
	prefix: string;
	/** File attachments larger than this are described but not downloaded. */
	maxBytes: number;
	itemIndex?: number;
}

export type AttachmentKind = 'file' | 'item' | 'reference';

export interface AttachmentSummary extends IDataObject {
	id: string;
	name: string;
	kind: AttachmentKind;
	contentType: string;
	size: number;
	isInline: boolean;
	/** Where the bytes are, when downloaded. */
	binaryProperty?: string;
	/** Why not downloaded. */
	skipped?: string;
	/** Reference attachments: the link and where it lives. */
	sourceUrl?: string;
	providerType?: string;
}

export interface MessageAttachments {
	binary: IBinaryKeyData;
	attachments: AttachmentSummary[];
}

export function kindOf(odataType: unknown): AttachmentKind {
	const type = String(odataType ?? '').toLowerCase();
	if (type.endsWith('itemattachment')) return 'item';
	if (type.endsWith('referenceattachment')) return 'reference';
	return 'file';
}

/** The fields every attachment has, from Graph's JSON (listing or single get). */
export function summaryOf(raw: IDataObject): AttachmentSummary {
	return {
		id: String(raw.id),
		name: String(raw.name ?? ''),
		kind: kindOf(raw['@odata.type']),
		contentType: String(raw.contentType ?? ''),
		size: Number(raw.size ?? 0),
		isInline: raw.isInline === true,
	};
}

/** The raw content (`$value`): a file attachment's bytes, an item attachment's MIME. */
export async function attachmentValue(client: GraphClient, attachmentPath: string, itemIndex?: number, permission = 'Mail.Read'): Promise<Buffer> {
	return await client.request<Buffer>({ url: `${attachmentPath}/$value`, binary: true, permission, itemIndex });
}

/**
 * Lists the attachments of the message at `messagePath` (`/users/x/messages/{id}`) and downloads
 * the file attachments within the cap, one at a time (only one attachment's bytes in memory).
 */
export async function attachmentsToBinary(
	ctx: BinaryContext,
	client: GraphClient,
	messagePath: string,
	options: AttachmentDownloadOptions,
): Promise<MessageAttachments> {
	const binary: IBinaryKeyData = {};
	const attachments: AttachmentSummary[] = [];
	const listing = client.pages<IDataObject>({
		url: `${messagePath}/attachments`,
		// Without $select the listing carries every file's bytes as base64: fetch bytes separately.
		qs: { $select: 'id,name,contentType,size,isInline' },
		permission: 'Mail.Read',
		itemIndex: options.itemIndex,
	});
	for await (const page of listing) {
		for (const raw of page.value) {
			const summary = summaryOf(raw);
			const attachmentPath = `${messagePath}/attachments/${encodeURIComponent(summary.id)}`;
			if (summary.kind === 'file') {
				if (summary.size > options.maxBytes) {
					summary.skipped = `larger than the size cap (${summary.size} > ${options.maxBytes} bytes)`;
				} else {
					const bytes = await attachmentValue(client, attachmentPath, options.itemIndex);
					if (bytes.length > options.maxBytes) {
						summary.skipped = `larger than the size cap (${bytes.length} > ${options.maxBytes} bytes)`;
					} else {
						const property = `${options.prefix}${Object.keys(binary).length}`;
						binary[property] = await ctx.helpers.prepareBinaryData(bytes, summary.name || undefined, summary.contentType || 'application/octet-stream');
						summary.binaryProperty = property;
					}
				}
			} else if (summary.kind === 'reference') {
				const full = await client.request<IDataObject>({ url: attachmentPath, permission: 'Mail.Read', itemIndex: options.itemIndex });
				if (full.sourceUrl) summary.sourceUrl = String(full.sourceUrl);
				if (full.providerType) summary.providerType = String(full.providerType);
				summary.skipped = 'reference attachment: a link to a cloud file, no bytes in the message';
			} else {
				summary.skipped = 'item attachment (an attached message, event or contact): not a file';
			}
			attachments.push(summary);
		}
	}
	return { binary, attachments };
}
