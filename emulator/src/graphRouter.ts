/**
 * Graph v1.0: authenticates the bearer token, resolves the mailbox (/me or /users/{id|upn}), checks
 * the permission the token carries for the route, applies the per-mailbox concurrency limit and the
 * configured latency, then dispatches. $batch requests come back through here one by one.
 */
import type { Tenant } from './directory';
import { errorResponse, errors, GraphError, type GraphRequest, type GraphResponse } from './http';
import type { Mailbox } from './mailStore';
import type { BodyPreference } from './messageView';
import { sleep, type EmulatorState } from './state';
import type { AccessClaims } from './tokens';
import type { User } from './types';
import * as messages from './messages';
import * as folders from './folders';
import * as attachments from './attachments';
import { createUploadSession } from './uploadSessions';
import { createResponse, listMasterCategories, messageMime, permanentDelete, respond } from './messageActions';
import { messageDelta } from './delta';
import { getUser, listUsers } from './users';
import { acquireMailbox, limiterKey } from './mailboxThrottle';

export type Permission = 'read' | 'write' | 'send' | 'user' | 'settings';

export interface MailContext {
  state: EmulatorState;
  req: GraphRequest;
  claims: AccessClaims;
  tenant: Tenant;
  /** The mailbox owner (not necessarily the signed-in user). */
  user: User;
  mailbox: Mailbox;
  params: Record<string, string>;
  /** Set when the path was mailFolders/{fid}/messages/{id}: the message must be in that folder. */
  folderScope?: string;
  /** 'me' or users('{id}') for @odata.context. */
  contextPath: string;
  bodyPreference: BodyPreference;
  /** Headers to add to a successful answer (Preference-Applied). */
  responseHeaders: Record<string, string>;
}

type Handler = (ctx: MailContext) => GraphResponse | Promise<GraphResponse>;

interface Route {
  method: string;
  pattern: string[];
  perm: Permission;
  handler: Handler;
}

const route = (method: string, path: string, perm: Permission, handler: Handler): Route => ({ method, pattern: path ? path.split('/') : [], perm, handler });

const ROUTES: Route[] = [
  route('GET', '', 'user', getUser),
  route('POST', 'sendMail', 'send', messages.sendMail),
  route('GET', 'messages', 'read', messages.listMessages),
  route('POST', 'messages', 'write', messages.createDraft),
  route('GET', 'messages/delta', 'read', () => {
    throw errors.badRequest("Change tracking is not supported against 'microsoft.graph.message' without a folder: use mailFolders/{id}/messages/delta.", 'ErrorInvalidRequest');
  }),
  route('GET', 'messages/:id', 'read', messages.getMessage),
  route('PATCH', 'messages/:id', 'write', messages.updateMessage),
  route('DELETE', 'messages/:id', 'write', messages.deleteMessage),
  route('POST', 'messages/:id/send', 'send', messages.sendDraft),
  route('POST', 'messages/:id/move', 'write', messages.moveMessage),
  route('POST', 'messages/:id/copy', 'write', messages.copyMessageTo),
  route('POST', 'messages/:id/permanentDelete', 'write', permanentDelete),
  route('GET', 'messages/:id/$value', 'read', messageMime),
  route('POST', 'messages/:id/reply', 'send', respond('reply')),
  route('POST', 'messages/:id/replyAll', 'send', respond('replyAll')),
  route('POST', 'messages/:id/forward', 'send', respond('forward')),
  route('POST', 'messages/:id/createReply', 'write', createResponse('reply')),
  route('POST', 'messages/:id/createReplyAll', 'write', createResponse('replyAll')),
  route('POST', 'messages/:id/createForward', 'write', createResponse('forward')),
  route('GET', 'outlook/masterCategories', 'settings', listMasterCategories),
  route('GET', 'messages/:id/attachments', 'read', attachments.listAttachments),
  route('POST', 'messages/:id/attachments', 'write', attachments.addAttachment),
  route('POST', 'messages/:id/attachments/createUploadSession', 'write', createUploadSession),
  route('GET', 'messages/:id/attachments/:aid', 'read', attachments.getAttachment),
  route('GET', 'messages/:id/attachments/:aid/$value', 'read', attachments.getAttachmentValue),
  route('DELETE', 'messages/:id/attachments/:aid', 'write', attachments.deleteAttachment),
  route('GET', 'mailFolders', 'read', folders.listTopFolders),
  route('POST', 'mailFolders', 'write', folders.createTopFolder),
  route('GET', 'mailFolders/:fid', 'read', folders.getFolder),
  route('PATCH', 'mailFolders/:fid', 'write', folders.updateFolder),
  route('DELETE', 'mailFolders/:fid', 'write', folders.deleteFolder),
  route('GET', 'mailFolders/:fid/childFolders', 'read', folders.listChildFolders),
  route('POST', 'mailFolders/:fid/childFolders', 'write', folders.createChildFolder),
  route('GET', 'mailFolders/:fid/messages', 'read', messages.listMessages),
  route('POST', 'mailFolders/:fid/messages', 'write', messages.createDraft),
  route('GET', 'mailFolders/:fid/messages/delta', 'read', messageDelta),
];

/** App roles and delegated scopes that satisfy each permission (own mailbox / someone else's). */
const APP_ROLES: Record<Permission, string[]> = {
  read: ['Mail.Read', 'Mail.ReadWrite'],
  write: ['Mail.ReadWrite'],
  send: ['Mail.Send'],
  // Reading the user is allowed to any Mail.* app too: mailbox checks should not need User.Read.All.
  user: ['User.Read.All', 'User.ReadBasic.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Mail.Read', 'Mail.ReadWrite', 'Mail.Send'],
  settings: ['MailboxSettings.Read', 'MailboxSettings.ReadWrite'],
};
const OWN_SCOPES: Record<Permission, string[]> = {
  read: ['Mail.Read', 'Mail.ReadWrite'],
  write: ['Mail.ReadWrite'],
  send: ['Mail.Send'],
  user: ['User.Read', 'User.ReadWrite', 'User.ReadBasic.All', 'User.Read.All', 'Directory.Read.All'],
  settings: ['MailboxSettings.Read', 'MailboxSettings.ReadWrite'],
};
const SHARED_SCOPES: Record<Permission, string[]> = {
  read: ['Mail.Read.Shared', 'Mail.ReadWrite.Shared'],
  write: ['Mail.ReadWrite.Shared'],
  send: ['Mail.Send.Shared'],
  user: ['User.ReadBasic.All', 'User.Read.All', 'Directory.Read.All'],
  // No .Shared variant exists: another user's categories need the mailbox shared with the signed-in user.
  settings: ['MailboxSettings.Read', 'MailboxSettings.ReadWrite'],
};

function hasAny(granted: string[], needed: string[]): boolean {
  const lower = granted.map((g) => g.toLowerCase());
  return needed.some((n) => lower.includes(n.toLowerCase()));
}

export function checkPermission(claims: AccessClaims, perm: Permission, ownMailbox: boolean): void {
  const ok =
    claims.idtyp === 'app'
      ? hasAny(claims.roles ?? [], APP_ROLES[perm])
      : hasAny((claims.scp ?? '').split(' '), ownMailbox ? OWN_SCOPES[perm] : SHARED_SCOPES[perm]);
  if (ok) return;
  if (perm === 'user') throw new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  throw errors.accessDenied();
}

/** Microsoft Graph's application id: also a valid audience of Graph tokens. */
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

export function authenticate(state: EmulatorState, req: GraphRequest): AccessClaims {
  const header = req.headers['authorization'];
  const wwwAuth = { 'WWW-Authenticate': `Bearer realm="", authorization_uri="${state.url}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"` };
  if (!header || !/^bearer\s+\S/i.test(header)) throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.', wwwAuth);
  const result = state.tokens.verifyAccessToken(header.replace(/^bearer\s+/i, '').trim());
  if ('error' in result) throw new GraphError(401, 'InvalidAuthenticationToken', result.error, wwwAuth);
  // Graph takes only tokens issued for itself: a token for another cloud's Graph is refused.
  const aud = String(result.claims.aud).replace(/\/+$/, '').toLowerCase();
  if (aud !== state.url.toLowerCase() && aud !== GRAPH_APP_ID)
    throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.', wwwAuth);
  return result.claims;
}

/** OData key segments like mailFolders('inbox') become two segments. */
function splitKeySegments(segments: string[]): string[] {
  return segments.flatMap((s) => {
    const m = /^([A-Za-z]+)\('(.*)'\)$/.exec(s);
    return m ? [m[1], m[2]] : [s];
  });
}

/** mailFolders/{a}/childFolders/{b}/… → mailFolders/{b}/…; mailFolders/{f}/messages/{id}/… → messages/{id}/… */
function normalise(rest: string[]): { rest: string[]; folderScope?: string } {
  let r = rest;
  let folderScope: string | undefined;
  for (;;) {
    const lower = r.map((s) => s.toLowerCase());
    if (lower[0] === 'mailfolders' && lower[2] === 'childfolders' && r.length >= 4) r = ['mailFolders', ...r.slice(3)];
    else if (lower[0] === 'mailfolders' && lower[2] === 'messages' && r.length >= 4 && lower[3] !== 'delta') {
      folderScope = r[1];
      r = r.slice(2);
    } else return { rest: r, folderScope };
  }
}

function matchRoute(method: string, rest: string[]): { route: Route; params: Record<string, string> } | 'method' | undefined {
  let pathMatched = false;
  for (const r of ROUTES) {
    if (r.pattern.length !== rest.length) continue;
    const params: Record<string, string> = {};
    const ok = r.pattern.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = rest[i]), true) : p.toLowerCase() === rest[i].toLowerCase()));
    if (!ok) continue;
    if (r.method === method) return { route: r, params };
    pathMatched = true;
  }
  return pathMatched ? 'method' : undefined;
}

/** The Prefer preferences honoured on every route: body type, and immutable ids (ids never change here anyway). */
function preferences(req: GraphRequest): { pref: BodyPreference; applied: string[] } {
  const prefer = req.headers['prefer'] ?? '';
  const applied: string[] = [];
  const m = /outlook\.body-content-type\s*=\s*"?(text|html)"?/i.exec(prefer);
  const pref = m ? (m[1].toLowerCase() as 'text' | 'html') : undefined;
  if (pref) applied.push(`outlook.body-content-type="${pref}"`);
  if (/IdType\s*=\s*"?ImmutableId"?/i.test(prefer)) applied.push('IdType="ImmutableId"');
  return { pref, applied };
}

/** Handles one Graph request (already past fault injection). */
export async function handleGraph(state: EmulatorState, req: GraphRequest, extraLatencyMs = 0): Promise<GraphResponse> {
  const claims = authenticate(state, req);
  const segments = splitKeySegments(req.segments);
  const tenant = state.directory.tenant(claims.tid);
  const [first, second] = segments;
  let user: User | undefined;
  let rest: string[];
  let contextPath: string;
  if (first?.toLowerCase() === 'me') {
    if (claims.idtyp === 'app') throw errors.badRequest('/me request is only valid with delegated authentication flow.');
    user = state.directory.findUser(tenant, claims.oid);
    rest = segments.slice(1);
    contextPath = 'me';
  } else if (first?.toLowerCase() === 'users') {
    if (second === undefined) {
      checkPermission(claims, 'user', false);
      return listUsers(state, req, tenant);
    }
    user = state.directory.findUser(tenant, second);
    rest = segments.slice(2);
    contextPath = `users('${second}')`;
    if (!user) {
      if (rest.length === 0)
        throw new GraphError(404, 'Request_ResourceNotFound', `Resource '${second}' does not exist or one of its queried reference-property objects are not present.`);
      throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${second}' is invalid.`);
    }
  } else if (first?.toLowerCase() === 'subscriptions') {
    await sleep(state.latencyMs + extraLatencyMs);
    return await state.subscriptions.handle(req, claims, tenant, segments);
  } else {
    throw errors.badRequest(`Resource not found for the segment '${first ?? ''}'.`);
  }
  if (!user) throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${claims.upn ?? claims.oid}' is invalid.`);

  const { rest: path, folderScope } = normalise(rest);
  const matched = matchRoute(req.method, path);
  if (matched === 'method') throw new GraphError(405, 'ErrorInvalidRequest', `The OData request is not supported: method '${req.method}' is not allowed here.`);
  if (!matched) throw errors.badRequest(`Resource not found for the segment '${path[path.length - 1] ?? ''}'.`);
  const isOwn = claims.idtyp === 'user' && claims.oid === user.id;
  checkPermission(claims, matched.route.perm, isOwn);
  if (path.length > 0 && !user.hasMailbox)
    throw new GraphError(404, 'MailboxNotEnabledForRESTAPI', 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.');

  // The user object itself is a directory read: Outlook's mailbox limits do not apply to it.
  const release = path.length > 0 ? acquireMailbox(state, limiterKey(claims, user), user.id) : () => undefined;
  try {
    await sleep(state.latencyMs + extraLatencyMs);
    const { pref, applied } = preferences(req);
    const ctx: MailContext = {
      state,
      req,
      claims,
      tenant,
      user,
      mailbox: state.store.of(user),
      params: matched.params,
      folderScope,
      contextPath,
      bodyPreference: pref,
      responseHeaders: applied.length ? { 'Preference-Applied': applied.join(', ') } : {},
    };
    const res = await matched.route.handler(ctx);
    return { ...res, headers: { ...ctx.responseHeaders, ...res.headers } };
  } finally {
    release();
  }
}

/** handleGraph with errors turned into Graph error responses (used by HTTP and by $batch). */
export async function runGraphRequest(state: EmulatorState, req: GraphRequest, extraLatencyMs = 0): Promise<GraphResponse> {
  try {
    return await handleGraph(state, req, extraLatencyMs);
  } catch (e) {
    if (e instanceof GraphError) return errorResponse(e, req);
    throw e;
  }
}
