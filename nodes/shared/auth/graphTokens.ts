/* eslint-disable @n8n/community-nodes/require-node-api-error -- runs without a node (credential authenticate); the transport turns these into NodeOperationError */
/**
 * Access tokens for the two grants this package signs in with itself (client credentials and
 * ROPC). Tokens come from @azure/msal-node and stay in its in-memory cache: one MSAL client per
 * credential per process, so every item and execution reuses the same token until it nears expiry.
 * The authorization-code grant is n8n's own OAuth2 and never comes here.
 */
import { createHash, X509Certificate } from 'crypto';
import { ConfidentialClientApplication, LogLevel, type AccountInfo, type Configuration } from '@azure/msal-node';
import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';
import { CredentialConfigError, resolveEndpoints, type CloudCredentialData, type ResolvedEndpoints } from './clouds';
import { signInErrorMessage, describeSignInError } from './signInErrors';

export type SignInKind = 'clientCredentials' | 'password';

export interface ClientCredentialsData extends CloudCredentialData {
	clientId?: string;
	authMethod?: 'secret' | 'certificate';
	clientSecret?: string;
	privateKey?: string;
	certificate?: string;
	thumbprintSha256?: string;
	defaultMailbox?: string;
}

export interface PasswordCredentialData extends CloudCredentialData {
	clientId?: string;
	clientSecret?: string;
	username?: string;
	password?: string;
}

export type SignInData = ClientCredentialsData & PasswordCredentialData;

/** A sign-in the identity platform refused; the message carries AADSTS advice, never a secret. */
export class SignInError extends Error {
	readonly aadsts?: string;
	constructor(cause: unknown) {
		super(signInErrorMessage(cause));
		this.name = 'SignInError';
		this.aadsts = describeSignInError(cause).aadsts;
	}
}

interface CachedClient {
	app: ConfidentialClientApplication;
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

function required(data: SignInData, field: keyof SignInData, label: string): string {
	const value = String(data[field] ?? '').trim();
	if (!value) throw new CredentialConfigError(String(field), `${label} is required`);
	return value;
}

/** SHA-256 thumbprint (hex) of a PEM certificate, as Entra shows it. */
function certificateThumbprint(certPem: string): string {
	try {
		return new X509Certificate(certPem).fingerprint256.replace(/:/g, '');
	} catch {
		throw new CredentialConfigError('certificate', 'Certificate is not a valid PEM certificate (-----BEGIN CERTIFICATE-----)');
	}
}

function clientAuth(kind: SignInKind, data: SignInData): Configuration['auth'] {
	const clientId = required(data, 'clientId', 'Client ID');
	const endpoints = resolveEndpoints(data);
	const base = {
		clientId,
		authority: endpoints.authority,
		// The endpoints are known for every cloud, so MSAL needs no discovery round trip; and an
		// unknown tenant then fails at the token endpoint with its AADSTS90002 instead of an
		// opaque discovery error.
		knownAuthorities: [new URL(endpoints.authorityHost).host],
		authorityMetadata: JSON.stringify({
			token_endpoint: `${endpoints.authority}/oauth2/v2.0/token`,
			authorization_endpoint: `${endpoints.authority}/oauth2/v2.0/authorize`,
			end_session_endpoint: `${endpoints.authority}/oauth2/v2.0/logout`,
			issuer: `${endpoints.authority}/v2.0`,
			jwks_uri: `${endpoints.authority}/discovery/v2.0/keys`,
		}),
	};
	if (kind === 'clientCredentials' && data.authMethod === 'certificate') {
		const privateKey = required(data, 'privateKey', 'Private Key');
		if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey)) {
			throw new CredentialConfigError('privateKey', 'Private Key must be a PEM private key (-----BEGIN PRIVATE KEY-----)');
		}
		const certificate = (data.certificate ?? '').trim();
		const thumbprintSha256 = certificate
			? certificateThumbprint(certificate)
			: required(data, 'thumbprintSha256', 'Certificate or its SHA-256 thumbprint').replace(/[^0-9a-fA-F]/g, '');
		return { ...base, clientCertificate: { privateKey, thumbprintSha256, x5c: certificate || undefined } };
	}
	if (kind === 'clientCredentials') return { ...base, clientSecret: required(data, 'clientSecret', 'Client Secret') };
	// ROPC on a confidential client: the secret is optional (public-client flows allowed in Entra).
	return { ...base, clientSecret: data.clientSecret?.trim() || undefined };
}

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
		const app = new ConfidentialClientApplication({
			auth: clientAuth(kind, data),
			system: { loggerOptions: { piiLoggingEnabled: false, logLevel: LogLevel.Error, loggerCallback: () => undefined } },
		});
		client = { app, endpoints: resolveEndpoints(data), refreshedAt: 0 };
		clients.set(key, client);
	}
	return client;
}

async function fetchToken(kind: SignInKind, data: SignInData, client: CachedClient, forceRefresh: boolean): Promise<string> {
	const scopes = [client.endpoints.appScope];
	const before = Date.now();
	try {
		let result;
		if (kind === 'clientCredentials') {
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
		if (forceRefresh || !client.refreshedAt) client.refreshedAt = before;
		return result.accessToken;
	} catch (error) {
		if (error instanceof CredentialConfigError) throw error;
		throw new SignInError(error);
	}
}

/**
 * A Graph access token for this credential. Concurrent callers share one request: whoever
 * arrives while a sign-in is under way gets its outcome, a refusal included (one wrong secret
 * costs one token request, not one per item). Once settled, the next call tries afresh.
 * `staleSince`: after a 401 on a request that started at that time, get a fresh token unless
 * one was already fetched since (so N parallel 401s cost one token request, not N).
 */
export async function getGraphToken(kind: SignInKind, data: SignInData, staleSince?: number): Promise<string> {
	const client = clientFor(kind, data);
	// A rejection here is the awaited sign-in's own failure, handed to this caller too.
	while (client.pending) await client.pending;
	const forceRefresh = staleSince !== undefined && client.refreshedAt <= staleSince;
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
