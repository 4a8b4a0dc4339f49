/** Small HTTP pieces shared by identity, Graph and the admin API: bodies, JSON answers, Graph errors. */
import * as crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Graph refuses request bodies above 4 MB (and upload PUTs above 4 MB). */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/** A request as the Graph router sees it: from HTTP, or from inside a $batch. */
export interface GraphRequest {
  method: string;
  /** Decoded path segments after /v1.0, e.g. ['users', 'a@b.com', 'messages']. */
  segments: string[];
  /** Raw path without query, e.g. /v1.0/users/a%40b.com/messages (for links and faults). */
  rawPath: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body: Buffer;
  requestId: string;
  clientRequestId: string;
}

export interface GraphResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON body, or raw bytes for $value. Neither: empty body. */
  json?: unknown;
  raw?: Buffer;
}

export class BodyTooLargeError extends Error {}

/**
 * Reads a request body. Past `limit` the rest is drained and dropped (not buffered), so the caller can
 * still answer 413 on a healthy socket.
 */
export function readBody(req: IncomingMessage, limit = MAX_REQUEST_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => (size > limit ? reject(new BodyTooLargeError()) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

export function newGuid(): string {
  return crypto.randomUUID();
}

/** Graph's innerError date: ISO seconds, no zone letter. */
export function graphDate(ms = Date.now()): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** Exchange keeps whole seconds and renders them with a Z. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}

export class GraphError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function graphErrorBody(code: string, message: string, requestId: string, clientRequestId: string) {
  return {
    error: {
      code,
      message,
      innerError: { date: graphDate(), 'request-id': requestId, 'client-request-id': clientRequestId },
    },
  };
}

export function errorResponse(e: GraphError, req: Pick<GraphRequest, 'requestId' | 'clientRequestId'>): GraphResponse {
  return {
    status: e.status,
    headers: e.headers,
    json: graphErrorBody(e.code, e.message, req.requestId, req.clientRequestId),
  };
}

export const errors = {
  badRequest: (message: string, code = 'BadRequest') => new GraphError(400, code, message),
  notFound: (code = 'ErrorItemNotFound', message = 'The specified object was not found in the store.') =>
    new GraphError(404, code, message),
  accessDenied: () => new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
  tooLarge: () =>
    new GraphError(413, 'RequestEntityTooLarge', `The request is larger than the maximum allowed (${MAX_REQUEST_BYTES} bytes).`),
  throttled: (code: string, message: string, retryAfterSeconds: number) =>
    new GraphError(429, code, message, { 'Retry-After': String(retryAfterSeconds) }),
};

export function parseJsonBody(body: Buffer): any {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw errors.badRequest('Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
  }
}

export function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}
