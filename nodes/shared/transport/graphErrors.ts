/**
 * Graph's error JSON → NodeApiError, in one place: code, message, HTTP status and request-id,
 * plus what to do about it. Built from the response body only, so no header (and no token)
 * can reach the error.
 */
import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

export interface GraphErrorInfo {
	status: number;
	code: string;
	message: string;
	requestId?: string;
	date?: string;
}

function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
	const value = headers?.[name] ?? headers?.[name.toLowerCase()];
	return value === undefined ? undefined : String(Array.isArray(value) ? value[0] : value);
}

function snippet(text: string): string {
	return text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
}

export function parseGraphError(status: number, headers: Record<string, unknown> | undefined, body: unknown): GraphErrorInfo {
	let parsed = body;
	if (Buffer.isBuffer(parsed)) parsed = parsed.toString('utf8');
	if (typeof parsed === 'string') {
		try {
			parsed = JSON.parse(parsed);
		} catch {
			const contentType = headerValue(headers, 'content-type') ?? 'unknown content type';
			return {
				status,
				code: 'UnexpectedResponse',
				message: `Graph answered HTTP ${status} with ${contentType} that is not Graph's error JSON: "${snippet(parsed as string)}"`,
				requestId: headerValue(headers, 'request-id'),
			};
		}
	}
	const error = (parsed as { error?: { code?: string; message?: string; innerError?: Record<string, string> } })?.error;
	return {
		status,
		code: error?.code ?? `HTTP${status}`,
		message: error?.message ?? `Graph answered HTTP ${status}`,
		requestId: error?.innerError?.['request-id'] ?? headerValue(headers, 'request-id'),
		date: error?.innerError?.date,
	};
}

/** What to tell the user, keyed by Graph's error code or HTTP status. */
function adviceFor(info: GraphErrorInfo, permission?: string): string | undefined {
	switch (info.code) {
		case 'ErrorInvalidUser':
		case 'MailboxNotEnabledForRESTAPI':
		case 'ResourceNotFound':
			return 'Check the Mailbox: it must be the user principal name or object ID of a mailbox in this tenant.';
		case 'InefficientFilter':
			return 'Graph refuses this combination of filter and sort order. Put the sort property first in the filter, or drop the sort order.';
		case 'ErrorInvalidUrlQueryFilter':
		case 'BadRequest':
			return undefined;
		case 'InvalidAuthenticationToken':
			return 'The access token was refused. Check the credential (and its cloud), then reconnect.';
	}
	if (info.status === 403) {
		return permission
			? `The app registration lacks a permission for this call: grant ${permission} in Entra ID > API permissions (with admin consent), or ask an Exchange admin whether an application access policy excludes this mailbox.`
			: 'The app registration lacks a permission for this call, or an Exchange application access policy excludes this mailbox.';
	}
	if (info.status === 429) return 'Graph kept throttling after all retries. Lower the number of parallel requests or spread the work over time.';
	return undefined;
}

export function graphApiError(node: INode, info: GraphErrorInfo, options: { permission?: string; itemIndex?: number } = {}): NodeApiError {
	const advice = adviceFor(info, options.permission);
	const description = [advice, info.requestId && `request-id: ${info.requestId}`, info.date && `date: ${info.date}`]
		.filter(Boolean)
		.join(' · ');
	const error = new NodeApiError(node, { code: info.code, message: info.message, requestId: info.requestId ?? null } as JsonObject, {
		message: `${info.code}: ${info.message}`,
		description,
		httpCode: String(info.status),
		itemIndex: options.itemIndex,
	});
	return error;
}

/** The connection broke after the request went out: it may have been carried out. Never retried blindly. */
export function outcomeUnknownError(node: INode, what: string, cause: string, itemIndex?: number): NodeOperationError {
	// The code goes into the description: n8n replaces any error message containing "ECONNRESET" & co. with a generic text.
	return new NodeOperationError(node, `The connection to Graph broke after ${what} was sent; it may or may not have been carried out`, {
		description: `Network error ${cause}. Not repeated automatically, so nothing is sent twice. Check the mailbox (e.g. Sent Items) before running this item again.`,
		itemIndex,
	});
}

export function networkErrorCode(error: unknown): string | undefined {
	let e = error as { code?: string; cause?: unknown; message?: string } | undefined;
	for (let depth = 0; e && depth < 5; depth++) {
		if (typeof e.code === 'string' && /^E[A-Z_]+$/.test(e.code)) return e.code;
		if (/socket hang up/i.test(e.message ?? '')) return 'ECONNRESET';
		e = e.cause as typeof e;
	}
	return undefined;
}

const SIGN_IN_FAILURES = new WeakSet<object>();

/** Marks an error as a failed sign-in: the request it belonged to never went out. */
export function signInFailure<E extends Error>(error: E): E {
	SIGN_IN_FAILURES.add(error);
	return error;
}

/** Whether the transport failed to sign in (so Graph cannot have acted on the call). */
export function isSignInFailure(error: unknown): boolean {
	return typeof error === 'object' && error !== null && SIGN_IN_FAILURES.has(error);
}
