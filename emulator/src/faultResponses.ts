/** What an injected fault answers: Graph-shaped (or Entra-shaped on identity paths) error bodies. */
import { graphErrorBody, type GraphResponse } from './http';
import type { Fault } from './types';

const GRAPH_CODES: Record<number, [string, string]> = {
  429: ['TooManyRequests', 'Please retry again later.'],
  500: ['generalException', 'An unspecified error has occurred.'],
  502: ['BadGateway', 'Bad gateway.'],
  503: ['serviceNotAvailable', 'The service is temporarily unavailable. Please retry after the time given in the Retry-After header.'],
  504: ['GatewayTimeout', 'The operation timed out.'],
};

export function faultResponse(fault: Fault, req: { requestId: string; clientRequestId: string }, identity: boolean): GraphResponse {
  if (fault.kind === 'html')
    return {
      status: 502,
      headers: { 'Content-Type': 'text/html' },
      raw: Buffer.from('<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>Microsoft-Azure-Application-Gateway/v2</center></body></html>'),
    };
  if (fault.kind === 'garbage') return { status: 200, headers: { 'Content-Type': 'application/json' }, raw: Buffer.from('{"value":[{"id":"AAMk') };
  if (fault.kind !== 'status') throw new Error(`Fault kind ${fault.kind} has no response`);
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = String(fault.retryAfterSeconds);
  if (fault.body !== undefined) return { status: fault.status, headers, json: fault.body };
  if (identity) {
    const error = fault.status === 429 || fault.status >= 500 ? 'temporarily_unavailable' : 'invalid_request';
    return { status: fault.status, headers, json: { error, error_description: `AADSTS90000: The service is temporarily unavailable (injected ${fault.status}).`, error_codes: [90000] } };
  }
  const [code, message] = GRAPH_CODES[fault.status] ?? ['UnknownError', `Injected status ${fault.status}.`];
  return { status: fault.status, headers, json: graphErrorBody(code, message, req.requestId, req.clientRequestId) };
}
