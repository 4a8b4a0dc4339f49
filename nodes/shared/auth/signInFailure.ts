/**
 * A failed sign-in as the nodes report it. Its own type (and n8n's `failure` data) so callers can
 * tell it from a broken Graph call: no token means the request never went to Graph, so it is
 * never "may or may not have been carried out".
 */
import { NodeOperationError, type INode } from 'n8n-workflow';
import { CredentialConfigError } from './clouds';
import { SignInError } from './graphTokens';

/** A refusal that is not an MSAL sign-in (n8n's OAuth2 refresh): what happened and what to do. */
export interface SignInRefusal {
	message: string;
	description: string;
}

export class SignInFailedError extends NodeOperationError {
	constructor(node: INode, cause: SignInError | CredentialConfigError | SignInRefusal, itemIndex?: number) {
		const unreachable = cause instanceof SignInError && cause.unreachable;
		super(node, cause.message, {
			itemIndex,
			description:
				cause instanceof CredentialConfigError
					? `Credential field: ${cause.field}`
					: cause instanceof SignInError
						? `Nothing was sent to Graph for this request: it needs a token first.${unreachable ? ' Check the network path to the login authority (proxy, firewall, DNS), then run the item again.' : ''}`
						: cause.description,
		});
		this.name = 'SignInFailedError';
		// n8n's failure cause (n8n-workflow 2.x; older n8n ignores it): set here, as older option types lack it.
		(this as { failure?: { cause: string } }).failure = { cause: unreachable ? 'temporarily-unavailable' : 'credential-invalid' };
	}
}

/** Whether this error is a sign-in failure (before or after the transport wrapped it). */
export function isSignInFailure(error: unknown): boolean {
	return error instanceof SignInFailedError || error instanceof SignInError || error instanceof CredentialConfigError;
}
