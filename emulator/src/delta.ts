/**
 * mailFolders/{id}/messages/delta. The first call fixes a snapshot: every change with a sequence
 * number up to the mailbox's current one. Pages walk that range by sequence number (oldest first,
 * or, as Graph may, newest first and scrambled: Graph guarantees no order); the deltaLink starts
 * the next round after it. A message that arrives (or changes) while a client pages has a later
 * number, so it comes in the next round: never lost, never needed twice.
 */
import { errors, GraphError, type GraphResponse } from './http';
import { parseTop, queryString } from './listQuery';
import { findFolder } from './messages';
import { parseFilter, type EntityDef } from './odataFilter';
import { MESSAGE_ENTITY, parseSelect, renderMessage } from './messageView';
import type { MailContext } from './graphRouter';
import type { DeltaOrder, StoredMessage } from './types';

/** Graph's default delta page size for messages. */
const DEFAULT_PAGE_SIZE = 10;

interface DeltaState {
  /** Epoch: invalidateDeltaTokens() makes older tokens stale. */
  ep: number;
  u: string;
  f: string;
  /** Changes after `since` and up to `upTo` belong to this round; `after` is the paging cursor. */
  since: number;
  upTo: number;
  after: number;
  sel?: string;
  ps?: number;
  ct?: 'created' | 'updated' | 'deleted';
  flt?: string;
  /** Order of this round (fixed when it starts). */
  ord?: DeltaOrder;
  /** Newest-first paging cursor: changes before this sequence number are still to come. */
  before?: number;
  /** When this token was handed out (ms): older than the sync-state age limit answers 410. */
  t?: number;
}

const DELTA_FILTER_ENTITY: EntityDef<StoredMessage> = {
  typeName: 'microsoft.graph.message',
  props: { receiveddatetime: MESSAGE_ENTITY.props.receiveddatetime },
};

function encode(s: DeltaState): string {
  return Buffer.from(JSON.stringify(s)).toString('base64url');
}

function decode(ctx: MailContext, token: string): DeltaState {
  let s: DeltaState;
  try {
    s = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw errors.badRequest('The delta token is malformed.', 'ErrorInvalidUrlQuery');
  }
  if (typeof s.since !== 'number' || typeof s.upTo !== 'number') throw errors.badRequest('The delta token is malformed.', 'ErrorInvalidUrlQuery');
  const maxAge = ctx.state.deltaSyncStateMaxAgeSeconds;
  const expired = maxAge !== undefined && Date.now() - (s.t ?? 0) > maxAge * 1000;
  if (s.ep !== ctx.state.deltaEpoch || s.u !== ctx.user.id || expired)
    throw new GraphError(410, 'SyncStateNotFound', 'The sync state could not be found. Please restart the sync (delta) from the beginning.');
  return s;
}

function pageSizeFromPrefer(prefer: string | undefined): number | undefined {
  const m = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(prefer ?? '');
  return m ? Math.min(Math.max(Number(m[1]), 1), 1000) : undefined;
}

/** Validates the query options of a first delta call. */
function initialState(ctx: MailContext, folderId: string): DeltaState {
  const q = ctx.req.query;
  if (q.get('$search') !== null) throw errors.badRequest('$search is not supported on delta queries.', 'ErrorInvalidUrlQuery');
  const orderby = q.get('$orderby');
  if (orderby !== null && !/^\s*receivedDateTime\s+desc\s*$/i.test(orderby))
    throw errors.badRequest('Delta queries support only $orderby=receivedDateTime desc.', 'ErrorInvalidUrlQuery');
  const filter = q.get('$filter') ?? undefined;
  if (filter !== undefined) {
    parseFilter(filter, DELTA_FILTER_ENTITY);
    if (/\b(eq|ne|lt|le|or|not)\b/i.test(filter.replace(/'[^']*'/g, '')))
      throw errors.badRequest('Delta queries support $filter only on receivedDateTime with ge or gt.', 'ErrorInvalidUrlQueryFilter');
  }
  const ct = q.get('changeType')?.toLowerCase();
  if (ct !== undefined && !['created', 'updated', 'deleted'].includes(ct)) throw errors.badRequest(`The value '${ct}' is not valid for changeType.`, 'ErrorInvalidUrlQuery');
  parseSelect(q.get('$select'));
  return {
    ep: ctx.state.deltaEpoch,
    u: ctx.user.id,
    f: folderId,
    since: 0,
    upTo: ctx.mailbox.seq,
    after: 0,
    sel: q.get('$select') ?? undefined,
    ps: q.get('$top') !== null ? parseTop(q.get('$top'), DEFAULT_PAGE_SIZE) : undefined,
    ct: ct as DeltaState['ct'],
    flt: filter,
    ord: ctx.state.deltaOrder,
  };
}

/** A fixed scramble of a page (the same page always comes in the same order). */
function scramble<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let a = seed | 0;
  for (let i = out.length - 1; i > 0; i--) {
    a = (Math.imul(a ^ (a >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0;
    const j = (a >>> 0) % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export function messageDelta(ctx: MailContext): GraphResponse {
  const folder = findFolder(ctx, ctx.params.fid);
  const q = ctx.req.query;
  const token = q.get('$deltatoken') ?? q.get('$skiptoken');
  let state: DeltaState;
  if (token) {
    state = decode(ctx, token);
    // A deltaLink opens a new round: everything up to now.
    if (q.get('$deltatoken')) state = { ...state, upTo: ctx.mailbox.seq, after: state.since, before: undefined, ord: ctx.state.deltaOrder };
  } else state = initialState(ctx, folder.id);
  if (state.f !== folder.id) throw new GraphError(410, 'SyncStateNotFound', 'The sync state belongs to another folder. Please restart the sync.');

  const preferred = pageSizeFromPrefer(ctx.req.headers['prefer']);
  const pageSize = preferred ?? state.ps ?? DEFAULT_PAGE_SIZE;
  if (preferred) ctx.responseHeaders['Preference-Applied'] = [ctx.responseHeaders['Preference-Applied'], `odata.maxpagesize=${preferred}`].filter(Boolean).join(', ');
  const filter = state.flt ? parseFilter(state.flt, DELTA_FILTER_ENTITY) : undefined;
  const select = parseSelect(state.sel ?? null);
  const newestFirst = state.ord === 'newest-first' || state.ord === 'shuffled';
  const from = newestFirst ? state.since : Math.max(state.since, state.after);
  const incremental = state.since > 0;
  const inRange = (seq: number) => seq > from && seq <= state.upTo && (!newestFirst || state.before === undefined || seq < state.before);
  const wanted = (m: StoredMessage) => {
    if (state.ct === 'deleted') return false;
    if (incremental && state.ct === 'created' && m.folderSeq <= state.since) return false;
    if (incremental && state.ct === 'updated' && m.folderSeq > state.since) return false;
    return !filter || filter.test(m);
  };

  type Change = { seq: number; render: () => unknown };
  const changes: Change[] = ctx.mailbox
    .messagesIn(folder.id)
    .filter((m) => inRange(m.changedSeq) && wanted(m))
    .map((m) => ({ seq: m.changedSeq, render: () => ({ '@odata.type': '#microsoft.graph.message', ...renderMessage(m, select, ctx.bodyPreference) }) }));
  if (incremental && (state.ct === undefined || state.ct === 'deleted'))
    for (const t of ctx.mailbox.tombstones)
      if (t.folderId === folder.id && inRange(t.seq)) changes.push({ seq: t.seq, render: () => ({ '@odata.type': '#microsoft.graph.message', id: t.id, '@removed': { reason: 'deleted' } }) });
  changes.sort((a, b) => (newestFirst ? b.seq - a.seq : a.seq - b.seq));

  const page = changes.slice(0, pageSize);
  const shown = state.ord === 'shuffled' && page.length ? scramble(page, page[0].seq) : page;
  const body: Record<string, unknown> = {
    '@odata.context': `${ctx.state.url}/v1.0/$metadata#Collection(message)`,
    value: shown.map((c) => c.render()),
  };
  const link = (param: string, s: DeltaState) => `${ctx.state.url}${ctx.req.rawPath}?${queryString(new URLSearchParams({ [param]: encode({ ...s, t: Date.now() }) }))}`;
  const last = page[page.length - 1]?.seq;
  if (changes.length > pageSize) body['@odata.nextLink'] = link('$skiptoken', newestFirst ? { ...state, before: last } : { ...state, after: last });
  else body['@odata.deltaLink'] = link('$deltatoken', { ...state, since: state.upTo, after: state.upTo, before: undefined });
  return { status: 200, json: body };
}
