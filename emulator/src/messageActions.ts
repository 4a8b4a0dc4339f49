/**
 * Acting on a message: reply, reply all and forward (sent at once, 202) and their drafts
 * (createReply, createReplyAll, createForward: 201 with the draft), permanentDelete, the MIME
 * content ($value) and the mailbox's master categories.
 */
import { errors, parseJsonBody, type GraphResponse } from './http';
import type { MailContext } from './graphRouter';
import { newItemId, newMessage, recipient } from './mailStore';
import { applyMessageJson, contextUrl, findMessage, submit } from './messages';
import { renderMessage } from './messageView';
import { messageToMime } from './mime';
import type { Recipient, StoredMessage } from './types';

export type Response = 'reply' | 'replyAll' | 'forward';

const PREFIX: Record<Response, string> = { reply: 'RE: ', replyAll: 'RE: ', forward: 'FW: ' };

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const shown = (r: Recipient) => `${escapeHtml(r.emailAddress.name ?? r.emailAddress.address)} &lt;${escapeHtml(r.emailAddress.address)}&gt;`;

/** Outlook's quoted original under a reply or forward: a header block, then the original body. */
function quoted(original: StoredMessage): string {
  const from = original.from ?? original.sender;
  const lines = [
    from && `<b>From:</b> ${shown(from)}`,
    `<b>Sent:</b> ${new Date(original.sentDateTime ?? original.receivedDateTime).toUTCString()}`,
    original.toRecipients.length && `<b>To:</b> ${original.toRecipients.map(shown).join('; ')}`,
    original.ccRecipients.length && `<b>Cc:</b> ${original.ccRecipients.map(shown).join('; ')}`,
    `<b>Subject:</b> ${escapeHtml(original.subject)}`,
  ].filter(Boolean);
  const body = original.body.contentType === 'html' ? original.body.content.replace(/^[\s\S]*<body[^>]*>|<\/body>[\s\S]*$/gi, '') : `<div>${escapeHtml(original.body.content).replace(/\r?\n/g, '<br>')}</div>`;
  return `<hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg" dir="ltr">${lines.join('<br>')}</div><br>${body}`;
}

const sameAddress = (a: Recipient, b: { mail: string; userPrincipalName: string }) =>
  [b.mail.toLowerCase(), b.userPrincipalName.toLowerCase()].includes(a.emailAddress.address.toLowerCase());

function unique(list: Recipient[]): Recipient[] {
  const seen = new Set<string>();
  return list.filter((r) => {
    const key = r.emailAddress.address.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The reply or forward as Graph prepares it (a draft in Drafts), before the client's changes. */
function prepare(ctx: MailContext, original: StoredMessage, kind: Response, comment: string): StoredMessage {
  const owner = ctx.mailbox.user;
  const m = newMessage(owner, ctx.mailbox.wellKnownId('drafts'), ctx.mailbox.nextReceivedTime(), { isDraft: true, isRead: true });
  const subject = original.subject.replace(/^\s*((re|fw|fwd)\s*:\s*)+/i, '');
  m.subject = `${PREFIX[kind]}${subject}`;
  m.body = { contentType: 'html', content: `<html><body><div>${comment}</div>${quoted(original)}</body></html>` };
  m.conversationId = original.conversationId;
  m.from = recipient(owner.mail, owner.displayName);
  if (kind !== 'forward') {
    m.inReplyTo = original.internetMessageId;
    const answerTo = original.replyTo.length ? original.replyTo : [original.from ?? original.sender].filter((r): r is Recipient => !!r);
    m.toRecipients = unique(kind === 'reply' ? answerTo : [...answerTo, ...original.toRecipients.filter((r) => !sameAddress(r, owner))]);
    if (kind === 'replyAll') m.ccRecipients = unique(original.ccRecipients.filter((r) => !sameAddress(r, owner)));
  } else {
    // A forward carries the original's attachments; a reply does not.
    m.attachments = original.attachments.map((a) => ({ ...a, id: newItemId('AAMkAT') }));
  }
  return m;
}

function responseFromRequest(ctx: MailContext, kind: Response): StoredMessage {
  const original = findMessage(ctx);
  const json = parseJsonBody(ctx.req.body);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw errors.badRequest('Empty Payload. JSON content expected.');
  const comment = json.comment === undefined || json.comment === null ? '' : String(json.comment);
  const message = json.message;
  if (message !== undefined && (typeof message !== 'object' || message === null)) throw errors.badRequest("Invalid value for parameter 'message'.", 'RequestBodyRead');
  if (comment && message?.body) throw errors.badRequest('You can specify either a comment or the body property of the message parameter, not both.', 'ErrorInvalidRequest');
  const m = prepare(ctx, original, kind, comment);
  const { attachments, ...rest } = message ?? {};
  applyMessageJson(m, rest, true);
  // Forward: recipients may also come at the top level, next to the comment.
  if (kind === 'forward' && Array.isArray(json.toRecipients) && !message?.toRecipients) applyMessageJson(m, { toRecipients: json.toRecipients }, true);
  // Attachments given with the request come on top of what the response carries already.
  if (Array.isArray(attachments)) {
    const added = newMessage(ctx.mailbox.user, m.folderId, 0);
    applyMessageJson(added, { attachments }, true);
    m.attachments.push(...added.attachments);
  }
  return m;
}

/** POST …/reply | replyAll | forward: sent at once, a copy in Sent Items. */
export function respond(kind: Response) {
  return (ctx: MailContext): GraphResponse => {
    const m = responseFromRequest(ctx, kind);
    submit(ctx.state, ctx.mailbox, m, true, true);
    return { status: 202 };
  };
}

/** POST …/createReply | createReplyAll | createForward: the draft, to change and send later. */
export function createResponse(kind: Response) {
  return (ctx: MailContext): GraphResponse => {
    const m = ctx.mailbox.insert(responseFromRequest(ctx, kind));
    return { status: 201, json: { '@odata.context': contextUrl(ctx, 'messages/$entity'), ...renderMessage(m, undefined, ctx.bodyPreference) } };
  };
}

/** POST …/permanentDelete: gone for good (Graph keeps it in Recoverable Items; not modelled). */
export function permanentDelete(ctx: MailContext): GraphResponse {
  ctx.mailbox.remove(findMessage(ctx));
  return { status: 204 };
}

/** GET …/messages/{id}/$value: the message as RFC 5322 MIME. */
export function messageMime(ctx: MailContext): GraphResponse {
  return { status: 200, headers: { 'Content-Type': 'message/rfc822' }, raw: messageToMime(findMessage(ctx)) };
}

/** GET …/outlook/masterCategories: the mailbox's category list (Outlook's six defaults in a new mailbox). */
export function listMasterCategories(ctx: MailContext): GraphResponse {
  return {
    status: 200,
    json: {
      '@odata.context': contextUrl(ctx, 'outlook/masterCategories'),
      value: ctx.mailbox.masterCategories.map((c) => ({ ...c })),
    },
  };
}
