/**
 * One msal-node application per credential: confidential when the app signs in with a secret or
 * certificate, public for ROPC without a secret (Entra's "Allow public client flows"). MSAL's own
 * complaints about its configuration come back as a CredentialConfigError naming the field.
 */
import { ConfidentialClientApplication, LogLevel, PublicClientApplication, type Configuration, type INetworkModule } from '@azure/msal-node';
import { certificateAssertion, type CertificateCredentialData } from './certificateCredential';
import { CredentialConfigError, resolveEndpoints, type CloudCredentialData } from './clouds';

export type SignInKind = 'clientCredentials' | 'password';

export interface ClientCredentialsData extends CloudCredentialData, CertificateCredentialData {
	clientId?: string;
	authMethod?: 'secret' | 'certificate';
	clientSecret?: string;
	defaultMailbox?: string;
}

export interface PasswordCredentialData extends CloudCredentialData {
	clientId?: string;
	clientSecret?: string;
	username?: string;
	password?: string;
}

export type SignInData = ClientCredentialsData & PasswordCredentialData;

export type MsalApp = ConfidentialClientApplication | PublicClientApplication;

export function required(data: SignInData, field: keyof SignInData, label: string): string {
	const value = String(data[field] ?? '').trim();
	if (!value) throw new CredentialConfigError(String(field), `${label} is required`);
	return value;
}

/** MSAL error codes about the authority: a tenant or custom login URL MSAL will not use. */
const AUTHORITY_CODES = new Set([
	'authority_uri_insecure',
	'url_parse_error',
	'empty_url_error',
	'invalid_authority_metadata',
	'invalid_cloud_discovery_metadata',
	'untrusted_authority',
	'authority_mismatch',
]);

/** The field holding the app's own credential (secret or key) for this kind of sign-in. */
function appCredentialField(kind: SignInKind, data: SignInData): string {
	return kind === 'clientCredentials' && data.authMethod === 'certificate' ? 'privateKey' : 'clientSecret';
}

/**
 * MSAL's refusal of its configuration, as the credential field to fix; undefined for anything
 * else (a server's answer, a network error). Never MSAL's own text, which names no field.
 */
export function msalConfigError(kind: SignInKind, data: SignInData, error: unknown): CredentialConfigError | undefined {
	if (error instanceof CredentialConfigError) return error;
	const e = error as { name?: string; errorCode?: string } | undefined;
	const code = e?.errorCode ?? '';
	if (code === 'invalid_client_credential') {
		const field = appCredentialField(kind, data);
		return new CredentialConfigError(field, field === 'privateKey' ? 'Private Key and Certificate (or its thumbprint) are required' : 'Client Secret is required');
	}
	const authorityField = data.cloud === 'custom' ? 'authorityUrl' : 'tenantId';
	if (AUTHORITY_CODES.has(code) || e?.name === 'ClientConfigurationError') {
		return new CredentialConfigError(authorityField, `The sign-in library refused the login authority (${code || 'configuration error'}): check the Tenant ID${data.cloud === 'custom' ? ' and the Login Authority URL' : ' and the Cloud'}`);
	}
	// Not an MSAL error at all: the assertion could not be signed (the key is checked beforehand, so rare).
	if (!code && kind === 'clientCredentials' && data.authMethod === 'certificate' && /key|sign|alg/i.test((error as Error)?.message ?? '')) {
		return new CredentialConfigError('privateKey', 'The Private Key could not sign the sign-in request: use the unencrypted RSA key of the certificate uploaded to the app registration');
	}
	return undefined;
}

function authConfig(kind: SignInKind, data: SignInData): Configuration['auth'] {
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
	if (kind === 'clientCredentials' && data.authMethod === 'certificate') return { ...base, clientCertificate: certificateAssertion(data) };
	if (kind === 'clientCredentials') return { ...base, clientSecret: required(data, 'clientSecret', 'Client Secret') };
	const clientSecret = data.clientSecret?.trim();
	return clientSecret ? { ...base, clientSecret } : base;
}

/** The MSAL application for this credential; config mistakes come back naming the field. */
export function createMsalApp(kind: SignInKind, data: SignInData, networkClient?: INetworkModule): MsalApp {
	const auth = authConfig(kind, data);
	const system = { networkClient, loggerOptions: { piiLoggingEnabled: false, logLevel: LogLevel.Error, loggerCallback: () => undefined } };
	try {
		// ROPC without a secret is a public client: a confidential one refuses to exist without a credential.
		if (kind === 'password' && !auth.clientSecret) return new PublicClientApplication({ auth, system });
		return new ConfidentialClientApplication({ auth, system });
	} catch (error) {
		throw msalConfigError(kind, data, error) ?? new CredentialConfigError('clientId', 'The sign-in library refused this credential\'s settings: check Client ID, Tenant ID and the app\'s secret or certificate');
	}
}
