/**
 * A stored message as RFC 5322 / MIME text, what `GET …/messages/{id}/$value` answers: headers with
 * RFC 2047 encoded words where needed, a base64 body part, attachments as base64 parts with
 * RFC 2231 file names, inline images with Content-ID. CRLF line ends throughout.
 */
import * as crypto from 'node:crypto';
import type { Recipient, StoredAttachment, StoredMessage } from './types';

const CRLF = '\r\n';

/** A header value: plain if printable ASCII, else one RFC 2047 encoded word per 45 bytes. */
function encodeWord(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    if (Buffer.byteLength(chunk + ch) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join(`${CRLF} `);
}

function address(r: Recipient): string {
  const { name, address: addr } = r.emailAddress;
  if (!name || name === addr) return addr;
  const display = /^[\x20-\x7e]*$/.test(name) ? `"${name.replace(/(["\\])/g, '\\$1')}"` : encodeWord(name);
  return `${display} <${addr}>`;
}

/** RFC 5322 date-time, in UTC. */
function rfc5322Date(ms: number): string {
  const d = new Date(ms);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day}, ${pad(d.getUTCDate())} ${month} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

function base64Lines(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join(CRLF);
}

/** A parameter value (file name): quoted if ASCII, RFC 2231 extended form otherwise. */
function parameter(name: string, value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return `${name}="${value.replace(/(["\\])/g, '\\$1')}"`;
  return `${name}*=UTF-8''${encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

function attachmentPart(a: StoredAttachment): string[] {
  if (a.kind === 'reference') {
    return [`Content-Type: text/uri-list; ${parameter('name', a.name)}`, `Content-Disposition: attachment; ${parameter('filename', a.name)}`, '', a.sourceUrl ?? ''];
  }
  if (a.kind === 'item') {
    const inner = a.item ?? {};
    const text = [`Subject: ${encodeWord(String(inner.subject ?? ''))}`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset="utf-8"', 'Content-Transfer-Encoding: base64', '', base64Lines(Buffer.from(String(inner.body?.content ?? '')))].join(CRLF);
    return ['Content-Type: message/rfc822', `Content-Disposition: attachment; ${parameter('filename', `${a.name}.eml`)}`, '', text];
  }
  const head = [`Content-Type: ${a.contentType || 'application/octet-stream'}; ${parameter('name', a.name)}`, `Content-Disposition: ${a.isInline ? 'inline' : 'attachment'}; ${parameter('filename', a.name)}`];
  if (a.contentId) head.push(`Content-ID: <${a.contentId}>`);
  return [...head, 'Content-Transfer-Encoding: base64', '', base64Lines(a.contentBytes ?? Buffer.alloc(0))];
}

export function messageToMime(m: StoredMessage): Buffer {
  const headers: string[] = [];
  const from = m.from ?? m.sender;
  if (from) headers.push(`From: ${address(from)}`);
  if (m.sender && from && m.sender.emailAddress.address !== from.emailAddress.address) headers.push(`Sender: ${address(m.sender)}`);
  if (m.toRecipients.length) headers.push(`To: ${m.toRecipients.map(address).join(`,${CRLF} `)}`);
  if (m.ccRecipients.length) headers.push(`Cc: ${m.ccRecipients.map(address).join(`,${CRLF} `)}`);
  // Bcc stays only on the sender's own copy (drafts and Sent Items), as Exchange renders it.
  if (m.bccRecipients.length) headers.push(`Bcc: ${m.bccRecipients.map(address).join(`,${CRLF} `)}`);
  if (m.replyTo.length) headers.push(`Reply-To: ${m.replyTo.map(address).join(', ')}`);
  headers.push(`Subject: ${encodeWord(m.subject)}`);
  headers.push(`Date: ${rfc5322Date(m.sentDateTime ?? m.receivedDateTime)}`);
  headers.push(`Message-ID: ${m.internetMessageId}`);
  if (m.inReplyTo) headers.push(`In-Reply-To: ${m.inReplyTo}`, `References: ${m.inReplyTo}`);
  if (m.importance !== 'normal') headers.push(`Importance: ${m.importance}`);
  for (const h of m.internetMessageHeaders) headers.push(`${h.name}: ${encodeWord(h.value)}`);
  headers.push('MIME-Version: 1.0');

  const bodyPart = [`Content-Type: text/${m.body.contentType === 'html' ? 'html' : 'plain'}; charset="utf-8"`, 'Content-Transfer-Encoding: base64', '', base64Lines(Buffer.from(m.body.content))];
  if (m.attachments.length === 0) return Buffer.from([...headers, ...bodyPart, ''].join(CRLF));

  const boundary = `_emulator_${crypto.randomBytes(12).toString('hex')}_`;
  const parts = [bodyPart, ...m.attachments.map(attachmentPart)];
  const lines = [...headers, `Content-Type: multipart/mixed; boundary="${boundary}"`, '', 'This is a multi-part message in MIME format.'];
  for (const part of parts) lines.push(`--${boundary}`, ...part);
  lines.push(`--${boundary}--`, '');
  return Buffer.from(lines.join(CRLF));
}
