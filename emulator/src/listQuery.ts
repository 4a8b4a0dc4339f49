/**
 * Collection queries shared by messages, folders and users: $filter, $search, $orderby, $top, $skip,
 * $count, and paging through an opaque $skiptoken in @odata.nextLink. The skiptoken is a keyset
 * cursor (the last item's sort values), so mail arriving between pages neither repeats nor skips items.
 */
import { errors, type GraphRequest, type GraphResponse } from './http';
import { parseFilter, type EntityDef } from './odataFilter';

export interface SortKey {
  prop: string;
  desc: boolean;
}

export interface ListSpec<T extends { id: string }> {
  req: GraphRequest;
  /** Emulator origin; nextLink = origin + request path + query. */
  origin: string;
  items: T[];
  entity: EntityDef<T>;
  defaultOrder: SortKey[];
  render(item: T): unknown;
  context: string;
  /** Supplied when the collection supports $search. */
  search?: (query: string) => (item: T) => boolean;
  /** Exchange's rule: $orderby properties must lead the $filter (messages only). */
  orderMustLeadFilter?: boolean;
  defaultTop?: number;
}

const MAX_TOP = 1000;
const MAX_SEARCH_RESULTS = 1000;

interface Cursor {
  k: unknown[];
  id: string;
}

export function parseTop(value: string | null, fallback: number): number {
  if (value === null) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw errors.badRequest(`Invalid value '${value}' for $top query option found. The $top query option requires a non-negative integer value.`);
  if (n === 0 || n > MAX_TOP) throw errors.badRequest(`The value of $top must be between 1 and ${MAX_TOP}.`, 'ErrorInvalidUrlQuery');
  return n;
}

function parseOrderBy<T>(value: string, entity: EntityDef<T>): SortKey[] {
  return value.split(',').map((part) => {
    const [prop, dir, extra] = part.trim().split(/\s+/);
    const key = prop.toLowerCase();
    const def = entity.props[key];
    if (!def) throw errors.badRequest(`Could not find a property named '${prop.split('/').pop()}' on type '${entity.typeName}'.`);
    if (def.type === 'collection') throw errors.badRequest(`The $orderby expression must evaluate to a single value of primitive type.`);
    if (extra || (dir && !/^(asc|desc)$/i.test(dir))) throw errors.badRequest(`Syntax error at position ${part.length} in '${value}'.`);
    return { prop: key, desc: dir?.toLowerCase() === 'desc' };
  });
}

function sortValue(v: unknown): unknown {
  return typeof v === 'string' ? v.toLowerCase() : v ?? null;
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return (a as any) < (b as any) ? -1 : 1;
}

function compareKeys(a: Cursor, b: Cursor, order: SortKey[]): number {
  for (let i = 0; i < order.length; i++) {
    const c = compareValues(a.k[i], b.k[i]);
    if (c !== 0) return order[i].desc ? -c : c;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function decodeSkipToken(token: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(c.k) && typeof c.id === 'string') return c;
  } catch {
    /* fall through */
  }
  throw errors.badRequest('The $skiptoken is invalid or has expired.', 'ErrorInvalidUrlQuery');
}

/** Like URLSearchParams.toString(), but keeps `$` readable as Graph's links do. */
export function queryString(params: URLSearchParams): string {
  return [...params.entries()].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
}

export function listCollection<T extends { id: string }>(spec: ListSpec<T>): GraphResponse {
  const q = spec.req.query;
  const filterText = q.get('$filter');
  const searchText = q.get('$search');
  const orderText = q.get('$orderby');
  if (searchText !== null && !spec.search) throw errors.badRequest(`Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'`);
  if (searchText !== null && filterText !== null)
    throw errors.badRequest('This request has both $search and $filter query options; $search cannot be combined with $filter on messages.', 'SearchRequestNotSupported');
  if (searchText !== null && orderText !== null)
    throw errors.badRequest('This request has both $search and $orderby query options; $search results are sorted by relevance and cannot be reordered.', 'SearchRequestNotSupported');

  const filter = filterText !== null ? parseFilter(filterText, spec.entity) : undefined;
  const order = orderText ? parseOrderBy(orderText, spec.entity) : spec.defaultOrder;
  if (spec.orderMustLeadFilter && filter && orderText) {
    const leading = filter.properties.slice(0, order.length);
    if (order.some((o, i) => leading[i] !== o.prop))
      throw errors.badRequest('The restriction or sort order is too complex for this operation.', 'InefficientFilter');
  }
  const top = parseTop(q.get('$top'), spec.defaultTop ?? 10);
  const skip = q.get('$skip') === null ? 0 : Number(q.get('$skip'));
  if (!Number.isInteger(skip) || skip < 0) throw errors.badRequest(`Invalid value '${q.get('$skip')}' for $skip query option found.`);

  const keyOf = (item: T): Cursor => ({ k: order.map((o) => sortValue(spec.entity.props[o.prop].get(item))), id: item.id });
  let matching = spec.items;
  if (filter) matching = matching.filter((i) => filter.test(i));
  if (searchText !== null) matching = matching.filter(spec.search!(searchText));
  const keyed = matching.map((item) => ({ item, key: keyOf(item) })).sort((a, b) => compareKeys(a.key, b.key, order));
  let window = searchText !== null ? keyed.slice(0, MAX_SEARCH_RESULTS) : keyed;
  const total = window.length;

  const skipToken = q.get('$skiptoken');
  if (skipToken) {
    const cursor = decodeSkipToken(skipToken);
    window = window.filter((e) => compareKeys(e.key, cursor, order) > 0);
  }
  window = window.slice(skip);
  const page = window.slice(0, top);

  const body: Record<string, unknown> = { '@odata.context': spec.context };
  if (q.get('$count') === 'true') body['@odata.count'] = total;
  body.value = page.map((e) => spec.render(e.item));
  if (window.length > top) {
    const next = new URLSearchParams(q);
    next.delete('$skip');
    next.set('$skiptoken', Buffer.from(JSON.stringify(page[page.length - 1].key)).toString('base64url'));
    body['@odata.nextLink'] = `${spec.origin}${spec.req.rawPath}?${queryString(next)}`;
  }
  return { status: 200, json: body };
}
