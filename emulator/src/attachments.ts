/** Attachments of a message: list, get (with $expand of an item attachment), raw $value, add (≤ 3 MB), delete. */
import { errors, isoSeconds, parseJsonBody, type GraphResponse } from './http';
import { missingItem } from './mailStore';
import { attachmentFromJson, contextUrl, findMessage } from './messages';
import { htmlToText } from './messageView';
import type { MailContext } from './graphRouter';
import type { GraphMessage, StoredAttachment } from './types';

/** Above this, Graph wants an upload session instead of a POST to /attachments. */
export const MAX_INLINE_ATTACHMENT_BYTES = 3 * 1024 * 1024;

const ODATA_TYPE = { file: '#microsoft.graph.fileAttachment', item: '#microsoft.graph.itemAttachment', reference: '#microsoft.graph.referenceAttachment' };

export function renderAttachment(a: StoredAttachment, expandItem: boolean): Record<string, unknown> {
  const base: Record<string, unknown> = {
    '@odata.type': ODATA_TYPE[a.kind],
    ...(a.kind === 'file' ? { '@odata.mediaContentType': a.contentType } : {}),
    id: a.id,
    lastModifiedDateTime: isoSeconds(a.lastModifiedDateTime),
    name: a.name,
    contentType: a.contentType,
    size: a.size,
    isInline: a.isInline,
  };
  if (a.kind === 'file') return { ...base, contentId: a.contentId, contentLocation: null, contentBytes: a.contentBytes!.toString('base64') };
  if (a.kind === 'reference') return { ...base, sourceUrl: a.sourceUrl ?? null, providerType: a.providerType ?? 'other', thumbnailUrl: null, previewUrl: null, permission: 'other', isFolder: false };
  return expandItem ? { ...base, item: { '@odata.type': '#microsoft.graph.message', ...a.item } } : base;
}

/** The properties of the base type `attachment`: Graph's $select on /attachments knows only these. */
const BASE_PROPERTIES = new Set(['id', 'name', 'contenttype', 'size', 'isinline', 'lastmodifieddatetime']);

function select(ctx: MailContext, rendered: Record<string, unknown>): Record<string, unknown> {
  const sel = ctx.req.query.get('$select');
  if (!sel) return rendered;
  const wanted = sel.split(',').map((s) => s.trim().toLowerCase());
  // contentId, contentBytes, sourceUrl, … belong to derived types: Graph refuses them in $select.
  const unknown = sel.split(',').map((s) => s.trim()).find((p) => !BASE_PROPERTIES.has(p.toLowerCase()));
  if (unknown) throw errors.badRequest(`Could not find a property named '${unknown}' on type 'microsoft.graph.attachment'.`, 'RequestBroker--ParseUri');
  return Object.fromEntries(Object.entries(rendered).filter(([k]) => k.startsWith('@odata') || k === 'id' || wanted.includes(k.toLowerCase())));
}

function expandsItem(ctx: MailContext): boolean {
  return /itemattachment\/item|^item$/i.test(ctx.req.query.get('$expand') ?? '');
}

function findAttachment(ctx: MailContext): StoredAttachment {
  const m = findMessage(ctx);
  const a = m.attachments.find((x) => x.id === ctx.params.aid);
  if (!a) throw missingItem(ctx.params.aid);
  return a;
}

export function listAttachments(ctx: MailContext): GraphResponse {
  const m = findMessage(ctx);
  const value = m.attachments.map((a) => select(ctx, renderAttachment(a, expandsItem(ctx))));
  return { status: 200, json: { '@odata.context': contextUrl(ctx, `messages('${m.id}')/attachments`), value } };
}

export function getAttachment(ctx: MailContext): GraphResponse {
  const a = findAttachment(ctx);
  return { status: 200, json: { '@odata.context': contextUrl(ctx, `messages('${ctx.params.id}')/attachments/$entity`), ...select(ctx, renderAttachment(a, expandsItem(ctx))) } };
}

/** $value: the file's bytes, or the attached message as MIME. Reference attachments have no content here. */
export function getAttachmentValue(ctx: MailContext): GraphResponse {
  const a = findAttachment(ctx);
  if (a.kind === 'file') return { status: 200, headers: { 'Content-Type': a.contentType || 'application/octet-stream' }, raw: a.contentBytes };
  if (a.kind === 'item') return { status: 200, headers: { 'Content-Type': 'text/plain' }, raw: Buffer.from(itemAsMime(a.item ?? {})) };
  throw errors.badRequest('The $value of a reference attachment is not available; fetch its sourceUrl instead.', 'ErrorInvalidRequest');
}

function itemAsMime(item: Partial<GraphMessage>): string {
  const addr = (r?: { emailAddress: { name?: string; address: string } } | null) => (r ? `${r.emailAddress.name ?? ''} <${r.emailAddress.address}>` : '');
  const body = item.body?.contentType === 'html' ? htmlToText(item.body.content) : (item.body?.content ?? '');
  return [
    `From: ${addr(item.from)}`,
    `To: ${(item.toRecipients ?? []).map(addr).join(', ')}`,
    `Subject: ${item.subject ?? ''}`,
    `Date: ${new Date(item.receivedDateTime ?? Date.now()).toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset="utf-8"',
    '',
    body,
  ].join('\r\n');
}

export function addAttachment(ctx: MailContext): GraphResponse {
  const m = findMessage(ctx);
  const a = attachmentFromJson(parseJsonBody(ctx.req.body));
  if (a.size > MAX_INLINE_ATTACHMENT_BYTES) throw errors.tooLarge();
  m.attachments.push(a);
  ctx.mailbox.touch(m);
  return { status: 201, json: { '@odata.context': contextUrl(ctx, `messages('${m.id}')/attachments/$entity`), ...renderAttachment(a, false) } };
}

export function deleteAttachment(ctx: MailContext): GraphResponse {
  const m = findMessage(ctx);
  const a = findAttachment(ctx);
  m.attachments = m.attachments.filter((x) => x !== a);
  ctx.mailbox.touch(m);
  return { status: 204 };
}
