/**
 * POST /v1.0/$batch: up to 20 requests, each run through the same router with the outer request's
 * token. They run one after another (dependsOn respected); Graph may run them in parallel, which here
 * would only make the concurrency limit less predictable. A failed dependency answers 424 inside.
 * Faults of kind 'status' and 'latency' can hit inner requests; the envelope itself stays 200.
 */
import { errorResponse, errors, GraphError, newGuid, parseJsonBody, type GraphRequest, type GraphResponse } from './http';
import { authenticate, runGraphRequest } from './graphRouter';
import { faultResponse } from './faultResponses';
import type { EmulatorState } from './state';

export const MAX_BATCH_REQUESTS = 20;

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

export async function handleBatch(state: EmulatorState, outer: GraphRequest): Promise<GraphResponse> {
  if (outer.method !== 'POST') throw new GraphError(405, 'ErrorInvalidRequest', '$batch accepts POST only.');
  authenticate(state, outer);
  const requests = validate(parseJsonBody(outer.body));
  const results = new Map<string, GraphResponse>();
  const pending = [...requests];
  while (pending.length) {
    const index = pending.findIndex((r) => (r.dependsOn ?? []).every((d) => results.has(d)));
    if (index < 0) throw errors.badRequest('The dependsOn of the batch requests form a cycle.');
    const [r] = pending.splice(index, 1);
    state.counters.batchedRequests++;
    const failedDependency = (r.dependsOn ?? []).some((d) => results.get(d)!.status >= 400);
    const inner = innerRequest(outer, r);
    let res: GraphResponse;
    if (failedDependency) res = { status: 424, json: { error: { code: 'FailedDependency', message: 'A request this request depends on failed.' } } };
    else if (!('segments' in inner)) res = inner;
    else {
      const fault = state.faults.take(inner.method, decodeURIComponent(inner.rawPath), ['status', 'latency']);
      if (fault?.kind === 'status' && !fault.afterActing) res = faultResponse(fault, inner, false);
      else {
        res = await runGraphRequest(state, inner, fault?.kind === 'latency' ? fault.ms : 0);
        if (fault?.kind === 'status') res = faultResponse(fault, inner, false);
      }
    }
    state.log({ method: r.method.toUpperCase(), path: `$batch ${r.url}`, status: res.status, ms: 0 });
    results.set(r.id, res);
  }
  return { status: 200, json: { responses: requests.map((r) => toBatchResponse(r.id, results.get(r.id)!)) } };
}
