/* eslint-disable @n8n/community-nodes/require-node-api-error -- runs without a node (credential authenticate); the transport turns these into NodeOperationError */
/**
 * Access tokens for the two grants this package signs in with itself (client credentials and
 * ROPC). Tokens come from @azure/msal-node and stay in its in-memory cache: one MSAL client per
 * credential per process, so every item and execution reuses the same token until it nears expiry.
 * The authorization-code grant is n8n's own OAuth2 and never comes here.
 */
import { createHash } from 'crypto';
import { ConfidentialClientApplication, type AccountInfo } from '@azure/msal-node';
import { sleep, type ICredentialDataDecryptedObject, type IHttpRequestOptions } from 'n8n-workflow';
import { resolveEndpoints, type ResolvedEndpoints } from './clouds';
import { createMsalApp, msalConfigError, required, type MsalApp, type SignInData, type SignInKind } from './msalApp';
import { describeSignInError, isNetworkFailure, signInErrorMessage } from './signInErrors';
import { TimedHttpClient } from './tokenHttpClient';

export type { ClientCredentialsData, PasswordCredentialData, SignInData, SignInKind } from './msalApp';

/**
 * A sign-in that failed: refused by the identity platform (the message carries AADSTS advice) or
 * unreachable after TOKEN_REQUEST.attempts tries. Never a secret in it.
 */
export class SignInError extends Error {
	readonly aadsts?: string;
	/** The token endpoint could not be reached; the credential itself may be fine. */
	readonly unreachable: boolean;
	constructor(cause: unknown, attempts = 1) {
		const unreachable = isNetworkFailure(cause);
		super(unreachable ? `${signInErrorMessage(cause)}, ${attempts} attempt${attempts === 1 ? '' : 's'}` : signInErrorMessage(cause));
		this.name = 'SignInError';
		this.aadsts = describeSignInError(cause).aadsts;
		this.unreachable = unreachable;
	}
}

/**
 * Token requests: each may take `timeoutMs`; one whose connection failed or timed out is tried
 * again, at most `attempts` times in all, with backoff.
 */
export const TOKEN_REQUEST = { attempts: 4, baseDelayMs: 300, maxTotalWaitMs: 20_000, timeoutMs: 30_000 };

interface CachedClient {
	app: MsalApp;
	endpoints: ResolvedEndpoints;
	/** ROPC: the signed-in account and the scopes granted to it, so later calls are silent. */
	account?: AccountInfo;
	grantedScopes?: string[];
	/** When the newest token was fetched; a 401 on a request started before it needs no refresh. */
	refreshedAt: number;
	pending?: Promise<string>;
}

const clients = new Map<string, CachedClient>();
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

function cacheKey(kind: SignInKind, data: SignInData): string {
	// A hash: the map key must not hold the secret in clear text.
	const fields = [kind, data.cloud, data.authorityUrl, data.graphUrl, data.tenantId, data.clientId, data.authMethod,
		data.clientSecret, data.privateKey, data.certificate, data.thumbprintSha256, data.username, data.password];
	return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

function clientFor(kind: SignInKind, data: SignInData): CachedClient {
	const key = cacheKey(kind, data);
	let client = clients.get(key);
	if (!client) {
		client = { app: createMsalApp(kind, data, new TimedHttpClient(() => TOKEN_REQUEST.timeoutMs)), endpoints: resolveEndpoints(data), refreshedAt: 0 };
		clients.set(key, client);
	}
	return client;
}

/** One token from MSAL: its cache when it can, else one request to the token endpoint. */
async function acquire(kind: SignInKind, data: SignInData, client: CachedClient, forceRefresh: boolean): Promise<string> {
	const scopes = [client.endpoints.appScope];
	let result;
	if (kind === 'clientCredentials') {
		if (!(client.app instanceof ConfidentialClientApplication)) throw new Error('client credentials need a confidential client');
		result = await client.app.acquireTokenByClientCredential({ scopes, skipCache: forceRefresh });
	} else {
		if (client.account) {
			// `.default` never matches a cached token, so look it up by the scopes Entra granted.
			result = await client.app
				.acquireTokenSilent({ account: client.account, scopes: client.grantedScopes ?? scopes, forceRefresh })
				.catch(() => null); // refresh token gone or revoked: sign in again below
		}
		if (!result) {
			result = await client.app.acquireTokenByUsernamePassword({
				scopes,
				username: required(data, 'username', 'Username'),
				password: required(data, 'password', 'Password'),
			});
			client.account = result?.account ?? undefined;
			client.grantedScopes = result?.scopes.filter((scope) => !OIDC_SCOPES.has(scope.split('/').pop() ?? ''));
		}
	}
	if (!result?.accessToken) throw new Error('the identity platform returned no access token');
	return result.accessToken;
}

/**
 * A token, trying again (with backoff) when the token request's connection failed: the identity
 * platform gave no answer, and asking again for a token is harmless. Refusals are not retried.
 */
async function fetchToken(kind: SignInKind, data: SignInData, client: CachedClient, forceRefresh: boolean): Promise<string> {
	let waited = 0;
	for (let attempt = 1; ; attempt++) {
		const startedAt = Date.now();
		try {
			const token = await acquire(kind, data, client, forceRefresh);
			if (forceRefresh || !client.refreshedAt) client.refreshedAt = startedAt;
			return token;
		} catch (error) {
			const configError = msalConfigError(kind, data, error);
			if (configError) throw configError;
			const delay = Math.round(TOKEN_REQUEST.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
			if (!isNetworkFailure(error) || attempt >= TOKEN_REQUEST.attempts || waited + delay > TOKEN_REQUEST.maxTotalWaitMs) {
				throw new SignInError(error, attempt);
			}
			await sleep(delay);
			waited += delay;
		}
	}
}

/**
 * A Graph access token for this credential. Concurrent callers share one request: whoever
 * arrives while a sign-in is under way gets its outcome, the token or a refusal (one wrong secret
 * costs one token request, not one per item). Once settled, the next call tries afresh.
 * `staleSince`: after a 401 on a request that started at that time, get a fresh token unless
 * one was already fetched since (so N parallel 401s cost one token request, not N).
 */
export async function getGraphToken(kind: SignInKind, data: SignInData, staleSince?: number): Promise<string> {
	const client = clientFor(kind, data);
	const needsRefresh = () => staleSince !== undefined && client.refreshedAt <= staleSince;
	while (client.pending) {
		// A rejection here is the awaited sign-in's own failure, handed to this caller too; a token
		// it brought is this caller's too (asking MSAL's cache again costs turns of the event loop).
		const token = await client.pending;
		if (!needsRefresh()) return token;
	}
	const forceRefresh = needsRefresh();
	const pending = fetchToken(kind, data, client, forceRefresh);
	client.pending = pending;
	try {
		return await pending;
	} finally {
		if (client.pending === pending) client.pending = undefined;
	}
}

/**
 * A credential's `authenticate`: a Bearer token from the shared cache, so n8n's HTTP Request node
 * can use these credentials too.
 */
export function bearerAuthentication(kind: SignInKind) {
	return async (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> => {
		const token = await getGraphToken(kind, credentials);
		return { ...requestOptions, headers: { ...requestOptions.headers, Authorization: `Bearer ${token}` } };
	};
}
