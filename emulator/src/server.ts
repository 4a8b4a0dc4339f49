/**
 * The HTTPS front door. One port serves identity (/{tenant}/…), Graph (/v1.0/…), upload URLs
 * (/_upload/…) and the admin API (/_emulator/…). Faults, request ids, stats and the log live here,
 * once for every kind of request.
 */
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, errorResponse, errors, GraphError, MAX_REQUEST_BYTES, newGuid, readBody, type GraphRequest, type GraphResponse } from './http';
import { handleBatch } from './batch';
import { faultResponse } from './faultResponses';
import { runGraphRequest } from './graphRouter';
import { parseBasicAuth, type Identity } from './identity';
import { handleUpload } from './uploadSessions';
import { sleep, type EmulatorState } from './state';
import type { Fault } from './types';

export type AdminHandler = (method: string, segments: string[], query: URLSearchParams, body: Buffer) => Promise<GraphResponse>;

type Area = 'graph' | 'upload' | 'identity' | 'admin';

function areaOf(segments: string[]): Area {
  if (segments[0] === 'v1.0') return 'graph';
  if (segments[0] === '_upload') return 'upload';
  if (segments[0] === '_emulator') return 'admin';
  return 'identity';
}

const GRAPH_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

function write(res: ServerResponse, answer: GraphResponse, area: Area): void {
  const headers: Record<string, string> = { ...answer.headers };
  let body: Buffer | undefined;
  if (answer.json !== undefined) {
    body = Buffer.from(JSON.stringify(answer.json));
    headers['Content-Type'] ??= area === 'graph' || area === 'upload' ? GRAPH_JSON : 'application/json; charset=utf-8';
  } else if (answer.raw !== undefined) body = answer.raw;
  headers['Content-Length'] = String(body?.length ?? 0);
  if (area === 'identity') headers['Cache-Control'] = 'no-store, no-cache';
  res.writeHead(answer.status, headers);
  res.end(body);
}

/** The client id of a token request, for stats (form field or Basic auth). */
function tokenClientId(req: IncomingMessage, body: Buffer): string {
  const fromForm = new URLSearchParams(body.toString('utf8')).get('client_id');
  if (fromForm) return fromForm;
  return parseBasicAuth(req.headers.authorization)?.id ?? '(none)';
}

function countTokenRequest(state: EmulatorState, req: IncomingMessage, body: Buffer): void {
  state.counters.tokenRequests++;
  const client = tokenClientId(req, body);
  state.counters.tokenRequestsByClient[client] = (state.counters.tokenRequestsByClient[client] ?? 0) + 1;
}

/** Faults answered instead of processing the request (the others act first, or only delay). */
function answersInstead(fault: Fault): boolean {
  if (fault.kind === 'status') return !fault.afterActing;
  return fault.kind !== 'latency' && fault.kind !== 'drop-after';
}

export function createHandler(state: EmulatorState, identity: Identity, admin: AdminHandler) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'https://emulator.invalid');
    const segments = url.pathname.split('/').filter(Boolean).map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
    const area = areaOf(segments);
    const method = req.method ?? 'GET';
    const requestId = newGuid();
    const clientRequestId = (req.headers['client-request-id'] as string) || newGuid();
    res.setHeader('request-id', requestId);
    res.setHeader('client-request-id', clientRequestId);
    const ids = { requestId, clientRequestId };
    const decodedPath = '/' + segments.join('/');
    let status = 0;
    const finish = () => {
      if (area !== 'admin') state.log({ method, path: decodedPath, status, ms: Date.now() - started });
    };

    try {
      if (area === 'admin') {
        const answer = await admin(method, segments.slice(1), url.searchParams, await readBody(req, 512 * 1024 * 1024));
        write(res, answer, area);
        return;
      }
      if (area === 'graph') state.counters.graphRequests++;
      if (area === 'upload') state.counters.uploadRequests++;

      const isTokenRequest = area === 'identity' && segments[segments.length - 1] === 'token' && method === 'POST';
      const fault: Fault | undefined = state.faults.take(method, decodedPath);
      if (fault?.kind === 'drop-before') {
        // A token request whose connection is dropped still reached the identity platform: count it.
        if (isTokenRequest) countTokenRequest(state, req, await readBody(req, MAX_REQUEST_BYTES));
        req.socket.destroy();
        return finish();
      }

      let answer: GraphResponse;
      if (area === 'upload') {
        if (fault && answersInstead(fault)) answer = faultResponse(fault, ids, false);
        else {
          await sleep(fault?.kind === 'latency' ? fault.ms : 0);
          answer = await handleUpload(state, req, segments[1] ?? '', url.searchParams);
        }
      } else {
        let body: Buffer;
        try {
          body = await readBody(req, MAX_REQUEST_BYTES);
        } catch (e) {
          if (e instanceof BodyTooLargeError) {
            status = 413;
            write(res, errorResponse(errors.tooLarge(), ids), area);
            return finish();
          }
          throw e;
        }
        if (isTokenRequest) countTokenRequest(state, req, body);
        if (fault && answersInstead(fault)) answer = faultResponse(fault, ids, area === 'identity');
        else {
          const extraLatency = fault?.kind === 'latency' ? fault.ms : 0;
          if (area === 'graph') {
            const graphReq: GraphRequest = {
              method,
              segments: segments.slice(1),
              rawPath: url.pathname,
              query: url.searchParams,
              headers: req.headers as Record<string, string | undefined>,
              body,
              ...ids,
            };
            if (segments[1] === '$batch' && segments.length === 2) {
              // Latency is spent by the inner requests (Outlook's work), not by the envelope.
              await sleep(extraLatency);
              answer = await handleBatch(state, graphReq);
            } else answer = await runGraphRequest(state, graphReq, extraLatency);
          } else {
            await sleep(extraLatency);
            answer =
              (await identity.handle({ method, segments, query: url.searchParams, headers: req.headers, body })) ??
              { status: 404, json: { error: 'not_found', error_description: `No identity or Graph endpoint at ${url.pathname}.` } };
          }
        }
      }
      if (fault?.kind === 'status' && fault.afterActing) answer = faultResponse(fault, ids, area === 'identity');
      status = answer.status;
      if (fault?.kind === 'drop-after') {
        // Processed (mail delivered, attachment stored), but the client never hears back.
        req.socket.destroy();
        status = 0;
        return finish();
      }
      write(res, answer, area);
      finish();
    } catch (e) {
      const err = e instanceof GraphError ? e : new GraphError(500, 'generalException', `Emulator error: ${(e as Error).message}`);
      if (!(e instanceof GraphError)) console.error('[emulator]', e);
      status = err.status;
      if (!res.headersSent) write(res, errorResponse(err, ids), area === 'admin' ? 'admin' : 'graph');
      finish();
    }
  };
}

export function listen(handler: ReturnType<typeof createHandler>, cert: { certPem: string; keyPem: string }, port: number): Promise<https.Server> {
  const server = https.createServer({ cert: cert.certPem, key: cert.keyPem, keepAlive: true }, (req, res) => void handler(req, res));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
