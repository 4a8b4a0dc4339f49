/** How a stored message looks in Graph JSON: default properties, $select, body conversion, filterable properties. */
import { errors, isoSeconds } from './http';
import type { EntityDef, PropDef } from './odataFilter';
import type { GraphMessage, ItemBody, Recipient, StoredMessage } from './types';

/** Properties Graph returns without $select (internetMessageHeaders, uniqueBody etc. need $select). */
const DEFAULT_PROPS = [
  'createdDateTime', 'lastModifiedDateTime', 'changeKey', 'categories', 'receivedDateTime', 'sentDateTime', 'hasAttachments',
  'internetMessageId', 'subject', 'bodyPreview', 'importance', 'parentFolderId', 'conversationId', 'conversationIndex',
  'isDeliveryReceiptRequested', 'isReadReceiptRequested', 'isRead', 'isDraft', 'webLink', 'inferenceClassification', 'body',
  'sender', 'from', 'toRecipients', 'ccRecipients', 'bccRecipients', 'replyTo', 'flag',
];
const SELECT_ONLY = ['internetMessageHeaders', 'uniqueBody'];
const ALL_PROPS = ['id', ...DEFAULT_PROPS, ...SELECT_ONLY];

export type BodyPreference = 'text' | 'html' | undefined;

export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h\d|li|tr)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function textToHtml(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, '<br>\r\n');
  return `<html><head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body><div>${escaped}</div></body></html>`;
}

export function convertBody(body: ItemBody, preference: BodyPreference): ItemBody {
  if (!preference || preference === body.contentType) return { ...body };
  return preference === 'text' ? { contentType: 'text', content: htmlToText(body.content) } : { contentType: 'html', content: textToHtml(body.content) };
}

export function bodyPreview(body: ItemBody): string {
  const text = body.contentType === 'html' ? htmlToText(body.content) : body.content;
  return text.replace(/\s+/g, ' ').trim().slice(0, 255);
}

/** Exchange counts only non-inline attachments in hasAttachments. */
export function hasAttachments(m: StoredMessage): boolean {
  return m.attachments.some((a) => !a.isInline);
}

export function changeKey(m: StoredMessage): string {
  return 'CQAAABYAAA' + Buffer.from(`${m.id.slice(-12)}:${m.changedSeq}`).toString('base64url');
}

export function toGraphMessage(m: StoredMessage): GraphMessage & Record<string, unknown> {
  return {
    id: m.id,
    createdDateTime: isoSeconds(m.createdDateTime),
    lastModifiedDateTime: isoSeconds(m.lastModifiedDateTime),
    changeKey: changeKey(m),
    categories: [...m.categories],
    receivedDateTime: isoSeconds(m.receivedDateTime),
    sentDateTime: m.sentDateTime === null ? null : isoSeconds(m.sentDateTime),
    hasAttachments: hasAttachments(m),
    internetMessageId: m.internetMessageId,
    subject: m.subject,
    bodyPreview: bodyPreview(m.body),
    importance: m.importance,
    parentFolderId: m.folderId,
    conversationId: m.conversationId,
    conversationIndex: Buffer.from(m.conversationId.slice(6, 28)).toString('base64'),
    isDeliveryReceiptRequested: m.isDeliveryReceiptRequested,
    isReadReceiptRequested: m.isReadReceiptRequested,
    isRead: m.isRead,
    isDraft: m.isDraft,
    // Outlook on the web spells ids in EWS form (standard base64: '/' and '+' where REST ids have '-' and '_').
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(m.id.replace(/-/g, '/').replace(/_/g, '+'))}&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: m.inferenceClassification,
    body: { ...m.body },
    uniqueBody: { ...m.body },
    sender: m.sender,
    from: m.from,
    toRecipients: m.toRecipients,
    ccRecipients: m.ccRecipients,
    bccRecipients: m.bccRecipients,
    replyTo: m.replyTo,
    flag: structuredClone(m.flag),
    internetMessageHeaders: m.internetMessageHeaders,
  } as GraphMessage & Record<string, unknown>;
}

/** Parses $select against the message type (case-insensitive, as Graph); undefined means default set. */
export function parseSelect(select: string | null, allowed = ALL_PROPS, typeName = 'microsoft.graph.message'): string[] | undefined {
  if (!select) return undefined;
  return select.split(',').map((raw) => {
    const name = raw.trim();
    const found = allowed.find((p) => p.toLowerCase() === name.toLowerCase());
    if (!found) throw errors.badRequest(`Could not find a property named '${name}' on type '${typeName}'.`, 'RequestBroker--ParseUri');
    return found;
  });
}

export function renderMessage(m: StoredMessage, select: string[] | undefined, bodyPref: BodyPreference): Record<string, unknown> {
  const full = toGraphMessage(m);
  full.body = convertBody(m.body, bodyPref);
  full.uniqueBody = full.body;
  const props = select ?? DEFAULT_PROPS;
  const out: Record<string, unknown> = { '@odata.etag': `W/"${full.changeKey}"`, id: m.id };
  for (const p of props) if (p !== 'id') out[p] = full[p];
  return out;
}

const str = (get: (m: StoredMessage) => unknown): PropDef<StoredMessage> => ({ type: 'string', get });
const date = (get: (m: StoredMessage) => number | null): PropDef<StoredMessage> => ({ type: 'date', get });
const bool = (get: (m: StoredMessage) => boolean): PropDef<StoredMessage> => ({ type: 'bool', get });
const recipients = (get: (m: StoredMessage) => Recipient[]): PropDef<StoredMessage> => ({
  type: 'collection',
  get,
  element: {
    'emailaddress/address': { type: 'string', get: (r: Recipient) => r?.emailAddress?.address },
    'emailaddress/name': { type: 'string', get: (r: Recipient) => r?.emailAddress?.name },
  },
});

/** Properties $filter and $orderby accept on messages. */
export const MESSAGE_ENTITY: EntityDef<StoredMessage> = {
  typeName: 'microsoft.graph.message',
  props: {
    id: str((m) => m.id),
    subject: str((m) => m.subject),
    receiveddatetime: date((m) => m.receivedDateTime),
    sentdatetime: date((m) => m.sentDateTime),
    createddatetime: date((m) => m.createdDateTime),
    lastmodifieddatetime: date((m) => m.lastModifiedDateTime),
    isread: bool((m) => m.isRead),
    isdraft: bool((m) => m.isDraft),
    hasattachments: bool(hasAttachments),
    importance: { type: 'enum', get: (m) => m.importance },
    inferenceclassification: { type: 'enum', get: (m) => m.inferenceClassification },
    conversationid: str((m) => m.conversationId),
    internetmessageid: str((m) => m.internetMessageId),
    parentfolderid: str((m) => m.folderId),
    'from/emailaddress/address': str((m) => m.from?.emailAddress.address),
    'from/emailaddress/name': str((m) => m.from?.emailAddress.name),
    'sender/emailaddress/address': str((m) => m.sender?.emailAddress.address),
    'sender/emailaddress/name': str((m) => m.sender?.emailAddress.name),
    'flag/flagstatus': { type: 'enum', get: (m) => m.flag.flagStatus },
    categories: { type: 'collection', get: (m) => m.categories, element: { '': { type: 'string', get: (c: string) => c } } },
    torecipients: recipients((m) => m.toRecipients),
    ccrecipients: recipients((m) => m.ccRecipients),
    bccrecipients: recipients((m) => m.bccRecipients),
  },
};

/** Plain-words $search (KQL subset): every term must occur in subject, body, from or to; `prop:term` narrows. */
export function searchMatcher(search: string): (m: StoredMessage) => boolean {
  const query = search.trim().replace(/^"(.*)"$/s, '$1');
  const terms = query.match(/(\w+:)?("[^"]*"|\S+)/g) ?? [];
  return (m) =>
    terms.every((term) => {
      const colon = /^(\w+):(.*)$/.exec(term);
      const field = colon?.[1].toLowerCase();
      const value = (colon ? colon[2] : term).replace(/"/g, '').toLowerCase();
      const fields: Record<string, string> = {
        subject: m.subject,
        body: m.body.contentType === 'html' ? htmlToText(m.body.content) : m.body.content,
        from: `${m.from?.emailAddress.address ?? ''} ${m.from?.emailAddress.name ?? ''}`,
        to: m.toRecipients.map((r) => `${r.emailAddress.address} ${r.emailAddress.name ?? ''}`).join(' '),
      };
      const haystack = field && field in fields ? fields[field] : Object.values(fields).join(' ');
      return haystack.toLowerCase().includes(value);
    });
}
