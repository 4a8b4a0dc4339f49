/**
 * POST /v1.0/$batch as Graph runs it: up to 20 requests, each through the same router with the outer
 * request's token, at most BATCH_DISPATCH of them in flight at once (Graph hands a batch to Outlook
 * four at a time). Inner requests count against the mailbox's concurrency limit together with direct
 * requests, so one over the limit answers 429 inside the batch. `dependsOn` orders them; a request
 * whose dependency failed answers 424 and is not run. Latency is per inner request (what Outlook
 * spends); the envelope adds none of its own. Faults of kind 'status' and 'latency' can hit inner
 * requests (matched against `/v1.0/<inner path>`). The 4 MB body limit is the server's, as for
 * every Graph request (413).
 */
import { errorResponse, errors, GraphError, newGuid, parseJsonBody, type GraphRequest, type GraphResponse } from './http';
import { authenticate, runGraphRequest } from './graphRouter';
import { faultResponse } from './faultResponses';
import type { EmulatorState } from './state';

export const MAX_BATCH_REQUESTS = 20;
/** Inner requests of one batch Graph runs at the same time. */
export const BATCH_DISPATCH = 4;

interface InnerRequest {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

function validate(json: any): InnerRequest[] {
  if (!json || !Array.isArray(json.requests)) throw errors.badRequest('Invalid batch payload format.');
  const requests: InnerRequest[] = json.requests;
  if (requests.length > MAX_BATCH_REQUESTS) throw errors.badRequest(`The number of requests in a batch exceeds the limit of ${MAX_BATCH_REQUESTS}.`);
  const ids = new Set<string>();
  for (const r of requests) {
    if (!r || typeof r.id !== 'string' || !r.id) throw errors.badRequest('Every request in a batch needs an id.');
    if (ids.has(r.id)) throw errors.badRequest('Request Id must be unique within a batch.');
    ids.add(r.id);
    if (typeof r.method !== 'string' || typeof r.url !== 'string') throw errors.badRequest(`Request ${r.id} needs a method and a url.`);
  }
  for (const r of requests) for (const d of r.dependsOn ?? []) if (!ids.has(d)) throw errors.badRequest(`Request ${r.id} depends on an unknown request '${d}'.`);
  // A cycle would never run: refuse it up front, as Graph does.
  const done = new Set<string>();
  for (let progress = true; progress && done.size < requests.length; ) {
    progress = false;
    for (const r of requests) {
      if (!done.has(r.id) && (r.dependsOn ?? []).every((d) => done.has(d))) {
        done.add(r.id);
        progress = true;
      }
    }
  }
  if (done.size < requests.length) throw errors.badRequest('The dependsOn of the batch requests form a cycle.');
  return requests;
}

function innerRequest(outer: GraphRequest, r: InnerRequest): GraphRequest | GraphResponse {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
  headers['authorization'] = outer.headers['authorization'];
  const requestId = newGuid();
  const clientRequestId = headers['client-request-id'] ?? outer.clientRequestId;
  let body = Buffer.alloc(0);
  if (r.body !== undefined && r.body !== null) {
    if (!headers['content-type'])
      return errorResponse(errors.badRequest(`Write request id : ${r.id} does not contain Content-Type header or body.`), { requestId, clientRequestId });
    body = typeof r.body === 'string' && !headers['content-type'].includes('json') ? Buffer.from(r.body, 'base64') : Buffer.from(typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
  }
  const url = new URL(r.url.replace(/^\/?(v1\.0\/)?/, '/v1.0/'), 'https://graph.invalid');
  return {
    method: r.method.toUpperCase(),
    segments: url.pathname.split('/').slice(2).filter(Boolean).map(decodeURIComponent),
    rawPath: url.pathname,
    query: url.searchParams,
    headers,
    body,
    requestId,
    clientRequestId,
  };
}

function toBatchResponse(id: string, res: GraphResponse): Record<string, unknown> {
  const headers: Record<string, string> = { ...res.headers };
  let body: unknown;
  if (res.json !== undefined) {
    headers['Content-Type'] = 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8';
    body = res.json;
  } else if (res.raw !== undefined) body = res.raw.toString('base64');
  return { id, status: res.status, headers, ...(body !== undefined ? { body } : {}) };
}

async function runInner(state: EmulatorState, outer: GraphRequest, r: InnerRequest): Promise<GraphResponse> {
  const inner = innerRequest(outer, r);
  if (!('segments' in inner)) return inner;
  const fault = state.faults.take(inner.method, decodeURIComponent(inner.rawPath), ['status', 'latency']);
  if (fault?.kind === 'status' && !fault.afterActing) return faultResponse(fault, inner, false);
  const res = await runGraphRequest(state, inner, fault?.kind === 'latency' ? fault.ms : 0);
  return fault?.kind === 'status' ? faultResponse(fault, inner, false) : res;
}

export async function handleBatch(state: EmulatorState, outer: GraphRequest): Promise<GraphResponse> {
  if (outer.method !== 'POST') throw new GraphError(405, 'ErrorInvalidRequest', '$batch accepts POST only.');
  authenticate(state, outer);
  const requests = validate(parseJsonBody(outer.body));
  const results = new Map<string, GraphResponse>();
  const waiting = [...requests];
  const running = new Map<string, Promise<void>>();
  while (waiting.length || running.size) {
    // Start what is ready, in the order given, while fewer than BATCH_DISPATCH are in flight.
    for (let i = 0; i < waiting.length && running.size < BATCH_DISPATCH; ) {
      const r = waiting[i];
      if (!(r.dependsOn ?? []).every((d) => results.has(d))) {
        i++;
        continue;
      }
      waiting.splice(i, 1);
      state.counters.batchedRequests++;
      const started = Date.now();
      const failedDependency = (r.dependsOn ?? []).some((d) => results.get(d)!.status >= 400);
      const run = failedDependency
        ? Promise.resolve<GraphResponse>({ status: 424, json: { error: { code: 'FailedDependency', message: 'A request this request depends on failed.' } } })
        : runInner(state, outer, r);
      running.set(
        r.id,
        run.then((res) => {
          state.log({ method: r.method.toUpperCase(), path: `$batch ${r.url}`, status: res.status, ms: Date.now() - started });
          results.set(r.id, res);
          running.delete(r.id);
        }),
      );
    }
    if (running.size) await Promise.race(running.values());
  }
  return { status: 200, json: { responses: requests.map((r) => toBatchResponse(r.id, results.get(r.id)!)) } };
}
