/* eslint-disable @n8n/community-nodes/require-node-api-error -- MSAL expects its own AuthError from its HTTP layer; graphTokens turns it into a SignInError */
/**
 * MSAL's HTTP layer (fetch, as MSAL's own), with a time limit on every request: MSAL sends its
 * token POSTs without one, so a silent network would hold a sign-in for minutes. A request that
 * failed or ran out of time is MSAL's `network_error`, which graphTokens tries again.
 */
import { AuthError, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';

export class TimedHttpClient implements INetworkModule {
	constructor(private readonly timeoutMs: () => number) {}

	sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
		return this.send<T>(url, 'GET', options, timeout ?? this.timeoutMs());
	}

	sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
		return this.send<T>(url, 'POST', options, this.timeoutMs());
	}

	private async send<T>(url: string, method: 'GET' | 'POST', options: NetworkRequestOptions | undefined, timeoutMs: number): Promise<NetworkResponse<T>> {
		const signal = AbortSignal.timeout(timeoutMs);
		let response: Response;
		try {
			response = await fetch(url, { method, headers: options?.headers, body: method === 'POST' ? (options?.body ?? '') : undefined, signal });
		} catch {
			throw new AuthError('network_error', signal.aborted ? `Request timeout after ${timeoutMs} ms` : 'Network request failed');
		}
		const headers: Record<string, string> = {};
		response.headers.forEach((value, name) => (headers[name] = value));
		try {
			return { headers, body: (await response.json()) as T, status: response.status };
		} catch {
			// The answer broke off (or ran out of time) mid-body: no answer, as a dropped connection.
			if (signal.aborted) throw new AuthError('network_error', `Request timeout after ${timeoutMs} ms`);
			throw new AuthError('token_parsing_error', `The identity platform answered HTTP ${response.status} with a body that is not JSON`);
		}
	}
}
