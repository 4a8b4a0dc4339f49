/** Messages: list, get, create draft, update, delete, move/copy, sendMail, send a draft, and delivery. */
import { errors, parseJsonBody, type GraphResponse } from './http';
import { listCollection } from './listQuery';
import { attachmentFromSeed, cloneMessage, conversationIdFor, copyMessage, missingItem, newMessage, recipient, type Folder, type Mailbox } from './mailStore';
import { MESSAGE_ENTITY, parseSelect, renderMessage, searchMatcher } from './messageView';
import { renderAttachment } from './attachments';
import type { MailContext } from './graphRouter';
import { patchFlag } from './flag';
import type { EmulatorState } from './state';
import type { InternetMessageHeader, Recipient, StoredMessage, User } from './types';

/** Message properties a client may write; anything else is a RequestBodyRead error, as in Graph. */
const WRITABLE = new Set(
  ['@odata.type', 'subject', 'body', 'toRecipients', 'ccRecipients', 'bccRecipients', 'replyTo', 'from', 'sender', 'importance', 'isRead',
    'isReadReceiptRequested', 'isDeliveryReceiptRequested', 'categories', 'internetMessageHeaders', 'internetMessageId', 'attachments', 'flag',
    'inferenceClassification', 'id', 'conversationId', 'parentFolderId', 'receivedDateTime', 'sentDateTime', 'isDraft', 'hasAttachments', 'bodyPreview',
    'createdDateTime', 'lastModifiedDateTime', 'changeKey', 'webLink', 'uniqueBody', 'conversationIndex', 'singleValueExtendedProperties'].map((p) => p.toLowerCase()),
);
/** What may change on a message that is no longer a draft. */
const PATCHABLE_AFTER_SEND = new Set(['isread', 'categories', 'importance', 'flag', 'inferenceclassification', 'isreadreceiptrequested', 'isdeliveryreceiptrequested', '@odata.type']);

const ADDRESS = /^[^@\s"<>]+@[^@\s"<>]+\.[^@\s"<>]+$/;

export function findFolder(ctx: MailContext, ref: string): Folder {
  const folder = ctx.mailbox.findFolderByIdOrWellKnown(ref);
  if (!folder) throw missingItem(ref);
  return folder;
}

export function findMessage(ctx: MailContext, id = ctx.params.id): StoredMessage {
  const msg = ctx.mailbox.messages.get(id);
  if (!msg) throw missingItem(id);
  if (ctx.folderScope && findFolder(ctx, ctx.folderScope).id !== msg.folderId) throw errors.notFound();
  return msg;
}

export function contextUrl(ctx: MailContext, suffix: string): string {
  return `${ctx.state.url}/v1.0/$metadata#${ctx.contextPath}/${suffix}`;
}

function withExpand(ctx: MailContext, m: StoredMessage, rendered: Record<string, unknown>): Record<string, unknown> {
  const expand = ctx.req.query.get('$expand');
  if (!expand) return rendered;
  if (expand.toLowerCase() !== 'attachments') throw errors.badRequest(`Parsing OData Select and Expand failed: Could not find a property named '${expand}' on type 'microsoft.graph.message'.`);
  return { ...rendered, attachments: m.attachments.map((a) => renderAttachment(a, false)) };
}

export function listMessages(ctx: MailContext): GraphResponse {
  const folder = ctx.params.fid ? findFolder(ctx, ctx.params.fid) : undefined;
  const select = parseSelect(ctx.req.query.get('$select'));
  return listCollection({
    req: ctx.req,
    origin: ctx.state.url,
    items: ctx.mailbox.messagesIn(folder?.id),
    entity: MESSAGE_ENTITY,
    defaultOrder: [{ prop: 'receiveddatetime', desc: true }],
    render: (m) => withExpand(ctx, m, renderMessage(m, select, ctx.bodyPreference)),
    context: contextUrl(ctx, folder ? `mailFolders('${ctx.params.fid}')/messages` : 'messages'),
    search: searchMatcher,
    orderMustLeadFilter: true,
  });
}

export function getMessage(ctx: MailContext): GraphResponse {
  const m = findMessage(ctx);
  return { status: 200, json: { '@odata.context': contextUrl(ctx, 'messages/$entity'), ...withExpand(ctx, m, renderMessage(m, parseSelect(ctx.req.query.get('$select')), ctx.bodyPreference)) } };
}

function recipients(value: unknown, field: string): Recipient[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw errors.badRequest(`Invalid value for property '${field}': a collection of recipients is expected.`, 'RequestBodyRead');
  return value.map((r: any) => ({ emailAddress: { name: r?.emailAddress?.name ?? r?.emailAddress?.address, address: String(r?.emailAddress?.address ?? '') } }));
}

function singleRecipient(value: unknown): Recipient | null {
  if (!value) return null;
  return recipients([value], 'from')[0];
}

function headers(value: unknown): InternetMessageHeader[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw errors.badRequest('internetMessageHeaders must be a collection.', 'RequestBodyRead');
  return value.map((h: any) => {
    const name = String(h?.name ?? '');
    if (!/^x-/i.test(name))
      throw errors.badRequest(`The internet message header name '${name}' should start with 'x-' or 'X-'.`, 'InvalidInternetMessageHeader');
    return { name, value: String(h?.value ?? '') };
  });
}

/** Applies writable message JSON onto a stored message (create or PATCH). */
export function applyMessageJson(m: StoredMessage, json: any, creating: boolean): void {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw errors.badRequest('Empty Payload. JSON content expected.');
  for (const key of Object.keys(json)) {
    if (!WRITABLE.has(key.toLowerCase()))
      throw errors.badRequest(`The property '${key}' does not exist on type 'microsoft.graph.message'. Make sure to only use property names that are defined by the type or mark the type as open type.`, 'RequestBodyRead');
    if (!creating && !m.isDraft && !PATCHABLE_AFTER_SEND.has(key.toLowerCase()))
      throw errors.badRequest('Update operation cannot be performed on sent message.', 'ErrorInvalidPropertyUpdateSentMessage');
  }
  if ('subject' in json) m.subject = String(json.subject ?? '');
  if ('body' in json && json.body) {
    const type = String(json.body.contentType ?? 'text').toLowerCase();
    if (type !== 'text' && type !== 'html') throw errors.badRequest(`Cannot convert the literal '${json.body.contentType}' to the expected type 'microsoft.graph.bodyType'.`, 'RequestBodyRead');
    m.body = { contentType: type, content: String(json.body.content ?? '') };
  }
  if ('toRecipients' in json) m.toRecipients = recipients(json.toRecipients, 'toRecipients');
  if ('ccRecipients' in json) m.ccRecipients = recipients(json.ccRecipients, 'ccRecipients');
  if ('bccRecipients' in json) m.bccRecipients = recipients(json.bccRecipients, 'bccRecipients');
  if ('replyTo' in json) m.replyTo = recipients(json.replyTo, 'replyTo');
  if ('from' in json) m.from = singleRecipient(json.from);
  if ('importance' in json) {
    const imp = String(json.importance).toLowerCase();
    if (!['low', 'normal', 'high'].includes(imp)) throw errors.badRequest(`Cannot convert the literal '${json.importance}' to the expected type 'microsoft.graph.importance'.`, 'RequestBodyRead');
    m.importance = imp as StoredMessage['importance'];
  }
  if ('isRead' in json) m.isRead = Boolean(json.isRead);
  if ('isReadReceiptRequested' in json) m.isReadReceiptRequested = Boolean(json.isReadReceiptRequested);
  if ('isDeliveryReceiptRequested' in json) m.isDeliveryReceiptRequested = Boolean(json.isDeliveryReceiptRequested);
  if ('categories' in json) {
    if (!Array.isArray(json.categories)) throw errors.badRequest("Invalid value for property 'categories': a collection of strings is expected.", 'RequestBodyRead');
    m.categories = json.categories.map(String);
  }
  if ('flag' in json) m.flag = patchFlag(m.flag, json.flag);
  if ('inferenceClassification' in json) {
    const value = String(json.inferenceClassification);
    if (value !== 'focused' && value !== 'other') throw errors.badRequest(`Cannot convert the literal '${value}' to the expected type 'microsoft.graph.inferenceClassificationType'.`, 'RequestBodyRead');
    m.inferenceClassification = value;
  }
  if ('internetMessageHeaders' in json) {
    if (!creating) throw errors.badRequest('internetMessageHeaders can only be set when the message is created.', 'ErrorInvalidPropertyRequest');
    m.internetMessageHeaders = headers(json.internetMessageHeaders);
  }
  if (creating && typeof json.internetMessageId === 'string') m.internetMessageId = json.internetMessageId;
  if (creating && Array.isArray(json.attachments)) m.attachments = json.attachments.map(attachmentFromJson);
  if (Array.isArray(json.singleValueExtendedProperties)) {
    const flag = json.singleValueExtendedProperties.find((p: any) => /^boolean\s+0x0e01$/i.test(String(p?.id ?? '')));
    if (flag) m.deleteAfterSubmit = String(flag.value).toLowerCase() === 'true';
  }
}

export function attachmentFromJson(a: any) {
  const type = String(a?.['@odata.type'] ?? '').toLowerCase();
  if (!/(file|item|reference)attachment$/.test(type))
    throw errors.badRequest("The attachment must specify its type in '@odata.type', e.g. '#microsoft.graph.fileAttachment'.", 'ErrorInvalidParameter');
  if (!a.name && !type.endsWith('itemattachment')) throw errors.badRequest("The 'name' of the attachment is required.", 'ErrorInvalidParameter');
  if (type.endsWith('fileattachment') && (typeof a.contentBytes !== 'string' || !/^[A-Za-z0-9+/=\s]*$/.test(a.contentBytes)))
    throw errors.badRequest("The 'contentBytes' of a file attachment must be a base64 string.", 'ErrorInvalidParameter');
  return attachmentFromSeed({ ...a, name: a.name ?? a.item?.subject ?? 'Untitled', item: a.item });
}

function messageFromRequest(ctx: MailContext, json: any, folderId: string): StoredMessage {
  const now = ctx.mailbox.nextReceivedTime();
  const m = newMessage(ctx.user, folderId, now, { isDraft: true, isRead: true });
  applyMessageJson(m, json, true);
  m.conversationId = conversationIdFor(ctx.user.id, m.subject);
  return m;
}

export function createDraft(ctx: MailContext): GraphResponse {
  const folder = ctx.params.fid ? findFolder(ctx, ctx.params.fid) : ctx.mailbox.findFolderByIdOrWellKnown('drafts')!;
  const m = ctx.mailbox.insert(messageFromRequest(ctx, parseJsonBody(ctx.req.body), folder.id));
  return { status: 201, json: { '@odata.context': contextUrl(ctx, 'messages/$entity'), ...renderMessage(m, undefined, ctx.bodyPreference) } };
}

export function updateMessage(ctx: MailContext): GraphResponse {
  const m = findMessage(ctx);
  // All or nothing, as Graph: a bad property leaves the message as it was.
  const next = cloneMessage(m);
  applyMessageJson(next, parseJsonBody(ctx.req.body), false);
  Object.assign(m, next);
  ctx.mailbox.touch(m);
  return { status: 200, json: { '@odata.context': contextUrl(ctx, 'messages/$entity'), ...renderMessage(m, undefined, ctx.bodyPreference) } };
}

/** DELETE moves to Deleted Items, as Graph does; from Deleted Items it is gone. */
export function deleteMessage(ctx: MailContext): GraphResponse {
  const m = findMessage(ctx);
  const deleted = ctx.mailbox.wellKnownId('deleteditems');
  if (m.folderId === deleted) ctx.mailbox.remove(m);
  else ctx.mailbox.move(m, deleted);
  return { status: 204 };
}

function destination(ctx: MailContext): Folder {
  const json = parseJsonBody(ctx.req.body);
  if (typeof json.destinationId !== 'string') throw errors.badRequest("The 'destinationId' parameter is required.", 'ErrorInvalidParameter');
  return findFolder(ctx, json.destinationId);
}

/** Ids are immutable here (as with Prefer: IdType="ImmutableId"): a moved message keeps its id. */
export function moveMessage(ctx: MailContext): GraphResponse {
  const m = findMessage(ctx);
  ctx.mailbox.move(m, destination(ctx).id);
  return { status: 201, json: { '@odata.context': contextUrl(ctx, 'messages/$entity'), ...renderMessage(m, undefined, ctx.bodyPreference) } };
}

export function copyMessageTo(ctx: MailContext): GraphResponse {
  const m = findMessage(ctx);
  const dest = destination(ctx);
  const copy = ctx.mailbox.insert(copyMessage(m, ctx.user, dest.id, m.receivedDateTime, { isRead: m.isRead, isDraft: m.isDraft, conversationId: m.conversationId }));
  return { status: 201, json: { '@odata.context': contextUrl(ctx, 'messages/$entity'), ...renderMessage(copy, undefined, ctx.bodyPreference) } };
}

export function sendMail(ctx: MailContext): GraphResponse {
  const json = parseJsonBody(ctx.req.body);
  if (!json.message || typeof json.message !== 'object') throw errors.badRequest("The 'message' parameter is required.", 'ErrorInvalidParameter');
  const m = messageFromRequest(ctx, json.message, ctx.mailbox.wellKnownId('drafts'));
  submit(ctx.state, ctx.mailbox, m, json.saveToSentItems !== false && json.saveToSentItems !== 'false', true);
  return { status: 202 };
}

/**
 * Sending a message that is not (or no longer) a draft answers 404 ErrorItemNotFound, as Graph does;
 * so does one already submitted and waiting in Outbox.
 */
export function sendDraft(ctx: MailContext): GraphResponse {
  const m = findMessage(ctx);
  if (!m.isDraft || m.folderId === ctx.mailbox.wellKnownId('outbox')) throw errors.notFound();
  submit(ctx.state, ctx.mailbox, m, !m.deleteAfterSubmit, false);
  return { status: 202 };
}

function validateRecipients(m: StoredMessage): void {
  const all = [...m.toRecipients, ...m.ccRecipients, ...m.bccRecipients];
  if (all.length === 0) throw errors.badRequest('At least one recipient is required, but none were found.', 'ErrorInvalidRecipients');
  const bad = all.find((r) => !ADDRESS.test(r.emailAddress.address));
  if (bad)
    throw errors.badRequest(`At least one recipient isn't valid., Recipient '${bad.emailAddress.address}' isn't resolved. All recipients must be resolved before a message can be submitted.`, 'ErrorInvalidRecipients');
}

/**
 * Sends. With deliveryDelayMs the message first waits in Outbox, still unsent (isDraft true), as
 * Exchange keeps it until transport takes it; then (or at once without a delay) the sender's copy
 * goes to Sent Items (unless saveToSentItems is false), each recipient in the sender's tenant gets a
 * copy in their Inbox (Bcc hidden), the others go to the outbound list. The 202 is the point of no
 * return: the mail leaves even if its Outbox copy is deleted or moved meanwhile.
 */
export function submit(state: EmulatorState, mailbox: Mailbox, m: StoredMessage, saveToSentItems: boolean, isNew: boolean): void {
  validateRecipients(m);
  const owner = mailbox.user;
  m.from = m.from ?? recipient(owner.mail, owner.displayName);
  m.sender = recipient(owner.mail, owner.displayName);
  m.isRead = true;
  const sentItems = mailbox.wellKnownId('sentitems');
  if (state.deliveryDelayMs <= 0) {
    markSent(mailbox, m);
    if (!saveToSentItems) {
      if (!isNew) mailbox.remove(m);
    } else if (isNew) {
      m.folderId = sentItems;
      mailbox.insert(m);
    } else mailbox.move(m, sentItems);
    return leave(state, owner, m);
  }

  const outbox = mailbox.wellKnownId('outbox');
  if (isNew) {
    m.folderId = outbox;
    mailbox.insert(m);
  } else mailbox.move(m, outbox);
  const snapshot = cloneMessage(m);
  const timer = setTimeout(() => {
    state.pendingDeliveries.delete(timer);
    markSent(mailbox, snapshot);
    // Deleted or moved out of Outbox meanwhile: the mail still leaves, with no sender's copy to file.
    if (mailbox.messages.get(m.id) === m && m.folderId === outbox) {
      markSent(mailbox, m, snapshot.sentDateTime!);
      if (saveToSentItems) mailbox.move(m, sentItems);
      else mailbox.remove(m);
    }
    leave(state, owner, snapshot);
  }, state.deliveryDelayMs);
  state.pendingDeliveries.add(timer);
}

function markSent(mailbox: Mailbox, m: StoredMessage, at = mailbox.nextReceivedTime()): void {
  m.sentDateTime = at;
  m.receivedDateTime = at;
  m.isDraft = false;
}

/** The recipients in the sender's tenant get their copies; the others are recorded as outbound. */
function leave(state: EmulatorState, owner: User, m: StoredMessage): void {
  const tenant = state.directory.tenant(owner.tenantId);
  const seen = new Set<string>();
  const external: string[] = [];
  for (const r of [...m.toRecipients, ...m.ccRecipients, ...m.bccRecipients]) {
    const address = r.emailAddress.address.toLowerCase();
    if (seen.has(address)) continue;
    seen.add(address);
    const rcpt = state.directory.findUser(tenant, address);
    if (rcpt && rcpt.userPrincipalName === address) deliver(state, m, rcpt);
    else if (!rcpt) external.push(r.emailAddress.address);
  }
  if (external.length) state.store.outbound.push({ fromTenantId: owner.tenantId, sender: owner.mail, recipients: external, message: cloneMessage(m) });
}

/** Puts a copy in the recipient's Inbox. */
function deliver(state: EmulatorState, m: StoredMessage, rcpt: User): void {
  if (!rcpt.hasMailbox) return;
  const box = state.store.of(rcpt);
  box.insert(copyMessage(cloneMessage(m), rcpt, box.wellKnownId('inbox'), box.nextReceivedTime(), { bccRecipients: [], isRead: false, isDraft: false }));
}
