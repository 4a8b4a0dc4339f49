/**
 * Mailboxes: folders, messages and a per-mailbox change sequence. Every change (message created in or
 * moved into a folder, updated, moved out or deleted) takes the next sequence number; delta tokens
 * are positions in that sequence, so nothing that happens while a client pages is lost.
 */
import * as crypto from 'node:crypto';
import { errors, GraphError } from './http';
import type { OutboundMessage, Recipient, SeedAttachment, StoredAttachment, StoredMessage, User } from './types';

export interface Folder {
  id: string;
  displayName: string;
  parentFolderId: string;
  wellKnownName?: string;
  isHidden: boolean;
}

export interface Tombstone {
  id: string;
  folderId: string;
  seq: number;
}

/** Well-known folders every mailbox has, with the display names of an English mailbox. */
const WELL_KNOWN: [string, string][] = [
  ['inbox', 'Inbox'],
  ['drafts', 'Drafts'],
  ['sentitems', 'Sent Items'],
  ['deleteditems', 'Deleted Items'],
  ['junkemail', 'Junk Email'],
  ['archive', 'Archive'],
  ['outbox', 'Outbox'],
  ['conversationhistory', 'Conversation History'],
];

/** Ids look like Exchange's: long base64 with '-', '_' and a trailing '=' (clients must URL-encode them). */
export function newItemId(prefix: 'AAMkAD' | 'AQMkAD' | 'AAMkAT'): string {
  return prefix + crypto.randomBytes(33).toString('base64url') + 'AAA=';
}

export function isWellFormedId(id: string): boolean {
  return /^[A-Za-z0-9_\-+/]{20,}={0,2}$/.test(id);
}

/** What Graph answers for an id it cannot find: malformed ids and unknown ids differ. */
export function missingItem(id: string): GraphError {
  return isWellFormedId(id) ? errors.notFound() : new GraphError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');
}

export interface MasterCategory {
  id: string;
  displayName: string;
  color: string;
}

const DEFAULT_CATEGORIES: [string, string][] = [
  ['Red category', 'preset0'],
  ['Orange category', 'preset1'],
  ['Yellow category', 'preset3'],
  ['Green category', 'preset4'],
  ['Blue category', 'preset7'],
  ['Purple category', 'preset8'],
];

const sameName = (f: Folder, name: string) => f.displayName.toLowerCase() === name.toLowerCase();

export class Mailbox {
  readonly folders = new Map<string, Folder>();
  readonly messages = new Map<string, StoredMessage>();
  readonly tombstones: Tombstone[] = [];
  readonly rootId: string;
  private wellKnown = new Map<string, string>();
  seq = 0;
  private lastDefaultReceived = 0;
  /** Told of each message created in or moved into a folder (change notifications). */
  onCreated?: (msg: StoredMessage) => void;
  /** Outlook's six default categories, as a new Exchange Online mailbox has them. */
  readonly masterCategories: MasterCategory[] = DEFAULT_CATEGORIES.map(([displayName, color]) => ({ id: crypto.randomUUID(), displayName, color }));

  constructor(readonly user: User) {
    this.rootId = newItemId('AQMkAD');
    this.folders.set(this.rootId, { id: this.rootId, displayName: 'Top of Information Store', parentFolderId: newItemId('AQMkAD'), wellKnownName: 'msgfolderroot', isHidden: false });
    this.wellKnown.set('msgfolderroot', this.rootId);
    for (const [name, displayName] of WELL_KNOWN) {
      const f = this.addFolder(this.rootId, displayName);
      f.wellKnownName = name;
      this.wellKnown.set(name, f.id);
    }
  }

  addFolder(parentId: string, displayName: string): Folder {
    const folder: Folder = { id: newItemId('AQMkAD'), displayName, parentFolderId: parentId, isHidden: false };
    this.folders.set(folder.id, folder);
    return folder;
  }

  /** The folder, its subfolders and their mail, gone for good. */
  removeFolder(id: string): void {
    for (const child of this.childFolders(id)) this.removeFolder(child.id);
    for (const m of this.messagesIn(id)) this.messages.delete(m.id);
    this.folders.delete(id);
  }

  root(): Folder {
    return this.folders.get(this.rootId)!;
  }

  childFolders(parentId: string): Folder[] {
    return [...this.folders.values()].filter((f) => f.parentFolderId === parentId && f.id !== this.rootId).sort((a, b) => a.displayName.localeCompare(b.displayName));
  }

  /** A folder by well-known name (any case), id, or display-name path such as 'Inbox/Projects'. */
  findFolder(ref: string): Folder | undefined {
    const direct = this.findFolderByIdOrWellKnown(ref);
    if (direct) return direct;
    const [first, ...rest] = ref.split('/');
    if (rest.length === 0) return this.childFolders(this.rootId).find((f) => sameName(f, first));
    let current = this.findFolder(first);
    for (const part of rest) current = current && this.childFolders(current.id).find((f) => sameName(f, part));
    return current;
  }

  /** What Graph accepts as a folder reference: a well-known name or an id (not a display name). */
  findFolderByIdOrWellKnown(ref: string): Folder | undefined {
    const wk = this.wellKnown.get(ref.toLowerCase());
    return this.folders.get(wk ?? ref);
  }

  wellKnownId(name: string): string {
    return this.wellKnown.get(name)!;
  }

  nextSeq(): number {
    return ++this.seq;
  }

  /** "Now" in whole seconds, strictly later than the previous default time of this mailbox. */
  nextReceivedTime(): number {
    let t = Math.floor(Date.now() / 1000) * 1000;
    if (t <= this.lastDefaultReceived) t = this.lastDefaultReceived + 1000;
    this.lastDefaultReceived = t;
    return t;
  }

  insert(msg: StoredMessage): StoredMessage {
    msg.folderSeq = msg.changedSeq = this.nextSeq();
    this.messages.set(msg.id, msg);
    this.onCreated?.(msg);
    return msg;
  }

  /** Marks a message changed (delta reports it as updated). */
  touch(msg: StoredMessage): void {
    msg.changedSeq = this.nextSeq();
    msg.lastModifiedDateTime = Date.now();
  }

  move(msg: StoredMessage, folderId: string): void {
    if (msg.folderId === folderId) return;
    this.tombstones.push({ id: msg.id, folderId: msg.folderId, seq: this.nextSeq() });
    msg.folderId = folderId;
    msg.folderSeq = msg.changedSeq = this.nextSeq();
    msg.lastModifiedDateTime = Date.now();
    this.onCreated?.(msg);
  }

  remove(msg: StoredMessage): void {
    this.messages.delete(msg.id);
    this.tombstones.push({ id: msg.id, folderId: msg.folderId, seq: this.nextSeq() });
  }

  messagesIn(folderId?: string): StoredMessage[] {
    const all = [...this.messages.values()];
    return folderId ? all.filter((m) => m.folderId === folderId) : all;
  }
}

export class MailStore {
  private mailboxes = new Map<string, Mailbox>();
  readonly outbound: OutboundMessage[] = [];
  /** Given to every mailbox as its onCreated. */
  onCreated?: (msg: StoredMessage) => void;

  create(user: User): Mailbox {
    const mb = new Mailbox(user);
    mb.onCreated = (msg) => this.onCreated?.(msg);
    this.mailboxes.set(user.id, mb);
    return mb;
  }

  of(user: User): Mailbox {
    return this.mailboxes.get(user.id) ?? this.create(user);
  }
}

export function recipient(address: string, name?: string): Recipient {
  return { emailAddress: { name: name ?? address, address } };
}

/** A new message with Graph's defaults; callers fill in what they know. */
export function newMessage(user: User, folderId: string, receivedMs: number, fields: Partial<StoredMessage> = {}): StoredMessage {
  return {
    id: newItemId('AAMkAD'),
    mailboxUserId: user.id,
    folderId,
    createdDateTime: receivedMs,
    lastModifiedDateTime: receivedMs,
    receivedDateTime: receivedMs,
    sentDateTime: null,
    subject: '',
    body: { contentType: 'text', content: '' },
    importance: 'normal',
    isRead: false,
    isDraft: false,
    from: null,
    sender: null,
    toRecipients: [],
    ccRecipients: [],
    bccRecipients: [],
    replyTo: [],
    categories: [],
    internetMessageHeaders: [],
    internetMessageId: `<${crypto.randomBytes(12).toString('hex').toUpperCase()}@${user.userPrincipalName.split('@')[1] ?? 'emulator.local'}>`,
    conversationId: '',
    isReadReceiptRequested: false,
    isDeliveryReceiptRequested: false,
    inferenceClassification: 'focused',
    flag: { flagStatus: 'notFlagged' },
    attachments: [],
    folderSeq: 0,
    changedSeq: 0,
    ...fields,
  };
}

/** Exchange groups by normalised subject; one conversation id per mailbox and subject is close enough. */
export function conversationIdFor(mailboxUserId: string, subject: string): string {
  const normalised = subject.replace(/^\s*((re|fw|fwd|aw|wg)\s*:\s*)+/i, '').trim().toLowerCase();
  return 'AAQkAD' + crypto.createHash('sha256').update(`${mailboxUserId}|${normalised}`).digest('base64url').slice(0, 40) + '=';
}

export function attachmentFromSeed(a: SeedAttachment): StoredAttachment {
  const type = (a['@odata.type'] ?? '').toLowerCase();
  const kind = a.kind ?? (type.includes('itemattachment') ? 'item' : type.includes('referenceattachment') ? 'reference' : 'file');
  const bytes = a.contentBytes === undefined ? undefined : Buffer.isBuffer(a.contentBytes) ? a.contentBytes : Buffer.from(a.contentBytes, 'base64');
  const itemSize = a.item ? Buffer.byteLength(JSON.stringify(a.item)) : 0;
  return {
    id: newItemId('AAMkAT'),
    kind,
    name: a.name,
    contentType: a.contentType ?? (kind === 'item' ? 'message/rfc822' : 'application/octet-stream'),
    size: bytes?.length ?? itemSize,
    isInline: a.isInline ?? false,
    contentId: a.contentId ?? null,
    lastModifiedDateTime: Math.floor(Date.now() / 1000) * 1000,
    contentBytes: kind === 'file' ? (bytes ?? Buffer.alloc(0)) : undefined,
    item: a.item,
    sourceUrl: a.sourceUrl,
    providerType: a.providerType ?? (kind === 'reference' ? 'oneDriveBusiness' : undefined),
  };
}

/** A deep copy that keeps attachment bytes as Buffers (structuredClone would make them Uint8Arrays). */
export function cloneMessage(m: StoredMessage): StoredMessage {
  return { ...structuredClone({ ...m, attachments: [] }), attachments: m.attachments.map((a) => ({ ...a })) };
}

/** Copies a message for another mailbox/folder: new ids, same content and attachment bytes. */
export function copyMessage(src: StoredMessage, user: User, folderId: string, receivedMs: number, fields: Partial<StoredMessage> = {}): StoredMessage {
  return newMessage(user, folderId, receivedMs, {
    ...cloneMessage(src),
    id: newItemId('AAMkAD'),
    mailboxUserId: user.id,
    folderId,
    createdDateTime: receivedMs,
    lastModifiedDateTime: receivedMs,
    receivedDateTime: receivedMs,
    conversationId: conversationIdFor(user.id, src.subject),
    attachments: src.attachments.map((a) => ({ ...a, id: newItemId('AAMkAT') })),
    folderSeq: 0,
    changedSeq: 0,
    ...fields,
  });
}
