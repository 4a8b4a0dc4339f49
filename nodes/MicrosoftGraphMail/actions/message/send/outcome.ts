/**
 * What a failed call says about whether Graph acted, and how an unknown outcome is told: one
 * wording for every way a mail leaves (sendMail, a draft's send), so nobody is invited to retry
 * blindly and send twice.
 */
import { NodeApiError, NodeOperationError, type INode } from 'n8n-workflow';
import { isSignInFailure } from '../../../../shared/auth/signInFailure';

/** Gateway answers that say nothing about the backend: it may have acted. */
const GATEWAY_STATUSES = new Set(['500', '502', '504']);

/**
 * A failure that leaves open whether Graph acted: the connection broke after the request went out,
 * or a gateway gave up. A sign-in failure or a Graph error answer means nothing was done.
 */
export function mayHaveActed(error: unknown): boolean {
	if (isSignInFailure(error)) return false;
	if (!(error instanceof NodeApiError)) return true;
	return GATEWAY_STATUSES.has(String(error.httpCode));
}

export function addNote(error: Error & { description?: string | null }, note: string): Error {
	error.description = error.description ? `${error.description} ${note}` : note;
	return error;
}

/**
 * The error for a send whose outcome is unknown. `lookIn` says where the user can find out
 * (Sent Items, Drafts and the draft's id); `detail` what happened.
 */
export function sendOutcomeUnknown(node: INode, what: string, options: { detail: string; lookIn: string; itemIndex: number }): NodeOperationError {
	return new NodeOperationError(node, `${what}; it may or may not have been carried out [item ${options.itemIndex}]`, {
		description:
			`Whether the mail went out is unknown: ${options.detail} Not repeated automatically, so nothing is sent twice. ` +
			`Do not run this item again blindly (nor with Retry On Fail): look in ${options.lookIn} first. ` +
			'With Delivery: Exactly Once (via Draft) and an Idempotency Key, running it again sends nothing if the mail went out.',
		itemIndex: options.itemIndex,
	});
}

/** A 500/502/504 answer in words, with Graph's code and the request-id the transport put in the description. */
export function gatewayAnswer(error: NodeApiError): string {
	return `Graph answered HTTP ${error.httpCode} (${error.message}${error.description ? `; ${error.description}` : ''}).`;
}
