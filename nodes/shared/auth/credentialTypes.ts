/** The three ways to sign in, and the n8n credential type each uses. */
export const CREDENTIAL_TYPES = {
	clientCredentials: 'microsoftGraphMailClientCredentialsApi',
	password: 'microsoftGraphMailPasswordApi',
	// eslint-disable-next-line @n8n/community-nodes/no-hardcoded-secrets -- a credential type name, not a secret
	oAuth2: 'microsoftGraphMailOAuth2Api',
} as const;

export type AuthenticationKind = keyof typeof CREDENTIAL_TYPES;

export function isAuthenticationKind(value: unknown): value is AuthenticationKind {
	return typeof value === 'string' && value in CREDENTIAL_TYPES;
}
