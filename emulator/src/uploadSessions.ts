/**
 * Large attachments: createUploadSession answers a pre-authenticated upload URL on the emulator
 * (/_upload/{id}?authtoken=…). PUTs carry Content-Range, arrive in order, at most 4 MB each, and
 * must not carry Authorization. Bytes are copied straight from the socket into one Buffer of the
 * declared size, allocated at the first PUT.
 */
import * as crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { errors, GraphError, isoSeconds, MAX_REQUEST_BYTES, parseJsonBody, type GraphResponse } from './http';
import { attachmentFromSeed } from './mailStore';
import { findMessage } from './messages';
import { sleep, type EmulatorState } from './state';
import type { MailContext } from './graphRouter';
import { acquireMailbox, limiterKey } from './mailboxThrottle';

/** Outlook's limit for one attachment through an upload session. */
export const MAX_UPLOAD_BYTES = 150 * 1024 * 1024;
const SESSION_LIFETIME_MS = 6 * 3600 * 1000;

export interface UploadSession {
  id: string;
  authToken: string;
  mailboxUserId: string;
  /** The concurrency budget the session's PUTs count against: the creator's, on the message's mailbox. */
  limiterKey: string;
  messageId: string;
  name: string;
  size: number;
  contentType: string;
  isInline: boolean;
  contentId?: string;
  expiresAt: number;
  received: number;
  buffer?: Buffer;
}

function sessionUrl(state: EmulatorState, s: UploadSession): string {
  return `${state.url}/_upload/${s.id}?authtoken=${s.authToken}`;
}

export function createUploadSession(ctx: MailContext): GraphResponse {
  const m = findMessage(ctx);
  const json = parseJsonBody(ctx.req.body);
  const item = json.AttachmentItem ?? json.attachmentItem; // Graph's action parameters are case-insensitive
  if (!item || typeof item !== 'object') throw errors.badRequest("The 'AttachmentItem' parameter is required.", 'ErrorInvalidParameter');
  if (String(item.attachmentType ?? '').toLowerCase() !== 'file')
    throw errors.badRequest("Only attachmentType 'file' is supported for upload sessions.", 'ErrorInvalidParameter');
  if (typeof item.name !== 'string' || !item.name) throw errors.badRequest("The 'name' of the attachment is required.", 'ErrorInvalidParameter');
  if (!Number.isInteger(item.size) || item.size <= 0) throw errors.badRequest("The 'size' of the attachment must be a positive integer.", 'ErrorInvalidParameter');
  if (item.size > MAX_UPLOAD_BYTES)
    throw errors.badRequest(`The attachment size ${item.size} exceeds the maximum of ${MAX_UPLOAD_BYTES} bytes.`, 'ErrorAttachmentSizeExceeded');
  const session: UploadSession = {
    id: crypto.randomUUID(),
    authToken: crypto.randomBytes(32).toString('base64url'),
    mailboxUserId: ctx.user.id,
    limiterKey: limiterKey(ctx.claims, ctx.user),
    messageId: m.id,
    name: item.name,
    size: item.size,
    contentType: item.contentType ?? 'application/octet-stream',
    isInline: item.isInline === true,
    contentId: item.contentId,
    expiresAt: Date.now() + SESSION_LIFETIME_MS,
    received: 0,
  };
  ctx.state.uploadSessions.set(session.id, session);
  return {
    status: 201,
    json: {
      '@odata.context': `${ctx.state.url}/v1.0/$metadata#microsoft.graph.uploadSession`,
      uploadUrl: sessionUrl(ctx.state, session),
      expirationDateTime: isoSeconds(session.expiresAt),
      nextExpectedRanges: ['0-'],
    },
  };
}

/** Reads exactly `length` bytes of the request into `target` at `offset`; false if the body was not that long. */
function copyBody(req: IncomingMessage, target: Buffer, offset: number, length: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let got = 0;
    req.on('data', (chunk: Buffer) => {
      if (got + chunk.length <= length) chunk.copy(target, offset + got);
      got += chunk.length;
    });
    req.on('end', () => resolve(got === length));
    req.on('error', reject);
  });
}

function drain(req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    req.on('data', () => undefined);
    req.on('end', resolve);
    req.on('error', () => resolve());
    req.resume();
  });
}

/** PUT or DELETE on an upload URL. Streams the body itself, so it takes the raw request. */
export async function handleUpload(state: EmulatorState, req: IncomingMessage, sessionId: string, query: URLSearchParams): Promise<GraphResponse> {
  try {
    return await upload(state, req, sessionId, query);
  } catch (e) {
    if (!req.readableEnded) await drain(req);
    throw e;
  }
}

async function upload(state: EmulatorState, req: IncomingMessage, sessionId: string, query: URLSearchParams): Promise<GraphResponse> {
  const session = state.uploadSessions.get(sessionId);
  if (req.headers.authorization)
    throw new GraphError(401, 'InvalidAuthenticationToken', 'The upload URL is pre-authenticated: do not send an Authorization header.');
  if (!session || session.authToken !== query.get('authtoken') || session.expiresAt < Date.now())
    throw new GraphError(404, 'ErrorItemNotFound', 'The upload session was not found or has expired.');
  if (req.method === 'DELETE') {
    state.uploadSessions.delete(sessionId);
    return { status: 204 };
  }
  if (req.method !== 'PUT') throw new GraphError(405, 'ErrorInvalidRequest', 'Upload URLs accept PUT and DELETE.');
  // A PUT counts against the mailbox of the message, as every other request to it does.
  const release = acquireMailbox(state, session.limiterKey, session.mailboxUserId);
  try {
    await sleep(state.latencyMs);
    return await storeChunk(state, req, session);
  } finally {
    release();
  }
}

async function storeChunk(state: EmulatorState, req: IncomingMessage, session: UploadSession): Promise<GraphResponse> {

  const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(req.headers['content-range'] ?? '');
  if (!range) throw new GraphError(400, 'ErrorInvalidRequest', "A 'Content-Range: bytes start-end/total' header is required.");
  const [start, end, total] = range.slice(1).map(Number);
  const length = end - start + 1;
  if (total !== session.size) throw new GraphError(400, 'ErrorInvalidRequest', `The total size ${total} does not match the size of the upload session (${session.size}).`);
  if (length > MAX_REQUEST_BYTES) throw errors.tooLarge();
  if (start !== session.received || end < start || end >= total)
    throw new GraphError(416, 'ErrorInvalidRange', `The range ${start}-${end} is not the expected range ${session.received}-.`);
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) !== length)
    throw new GraphError(400, 'ErrorInvalidRequest', `Content-Length ${declared} does not match the Content-Range length ${length}.`);

  session.buffer ??= Buffer.alloc(session.size);
  if (!(await copyBody(req, session.buffer, start, length)))
    throw new GraphError(400, 'ErrorInvalidRequest', `The body length does not match the Content-Range length ${length}.`);
  session.received = end + 1;
  session.expiresAt = Date.now() + SESSION_LIFETIME_MS; // each fragment extends the session
  if (session.received < session.size)
    // Outlook's upload sessions answer the next expected offset without a trailing '-'.
    return { status: 200, json: { '@odata.context': `${state.url}/v1.0/$metadata#microsoft.graph.uploadSession`, expirationDateTime: isoSeconds(session.expiresAt), nextExpectedRanges: [String(session.received)] } };

  state.uploadSessions.delete(session.id);
  const user = state.directory.findUserAnywhere(session.mailboxUserId);
  const mailbox = user && state.store.of(user);
  const message = mailbox?.messages.get(session.messageId);
  if (!mailbox || !message) throw new GraphError(404, 'ErrorItemNotFound', 'The message of this upload session no longer exists.');
  const attachment = attachmentFromSeed({ name: session.name, contentType: session.contentType, contentBytes: session.buffer, isInline: session.isInline, contentId: session.contentId });
  message.attachments.push(attachment);
  mailbox.touch(message);
  return {
    status: 201,
    headers: { Location: `${state.url}/v1.0/users('${session.mailboxUserId}')/messages('${message.id}')/attachments('${attachment.id}')` },
  };
}
