/**
 * Turns Microsoft identity platform errors (AADSTS codes) into advice an admin can act on.
 * Messages come from the server's error_description; they never contain the secret or password.
 */
const ADVICE: Record<string, string> = {
	'7000215': 'The client secret is wrong. Copy the secret VALUE (shown once when created), not the Secret ID.',
	'7000222': 'The client secret has expired. Create a new one in Entra ID > App registrations > Certificates & secrets.',
	'700016': 'The application was not found in this tenant. Check the Client ID and Tenant ID, and that the cloud is right.',
	'90002': 'The tenant was not found. Check the Tenant ID, or pick the right cloud (Global, US Government, China).',
	'900023': 'The Tenant ID is malformed. Use the Directory (tenant) ID GUID or a domain like contoso.onmicrosoft.com.',
	'700027': 'The certificate assertion was rejected. The private key, certificate and the certificate uploaded to the app registration must match.',
	'50126': 'Invalid username or password.',
	'50076': 'This account requires multi-factor authentication, which the password (ROPC) grant cannot do. Use client credentials or the OAuth2 (authorization code) credential.',
	'50079': 'This account must enrol in multi-factor authentication, which the password (ROPC) grant cannot do. Use client credentials or the OAuth2 (authorization code) credential.',
	'53003': 'Sign-in was blocked by a Conditional Access policy. Ask your Entra admin to allow this app or location.',
	'65001': 'Consent is missing. An admin must grant admin consent for the API permissions in Entra ID > App registrations > API permissions.',
	'7000218': 'The app registration does not allow public client flows, so signing in without a client secret is refused. Either turn on Entra ID > App registrations > Authentication > Allow public client flows, or put a client secret (its VALUE) in the credential.',
	'700025': 'The app registration is a public client ("Allow public client flows" is on), so it must not be sent a client secret. Leave Client Secret empty.',
	'50034': 'The user account does not exist in this tenant.',
	'50053': 'The account is locked after too many failed sign-ins.',
	'50057': 'The user account is disabled.',
};

export interface SignInFailure {
	aadsts?: string;
	advice?: string;
	/** First line of the server's description, e.g. "AADSTS7000215: Invalid client secret provided." */
	description: string;
}

/** A token request whose connection failed or timed out (MSAL wraps fetch's error as network_error): no answer came. */
export function isNetworkFailure(error: unknown): boolean {
	const e = error as { errorCode?: string; name?: string } | undefined;
	return e?.errorCode === 'network_error' || e?.name === 'NetworkError';
}

export function describeSignInError(error: unknown): SignInFailure {
	// MSAL's text here is only "fetch failed" plus its own wrapping: say what happened instead.
	if (isNetworkFailure(error)) return { description: 'the identity platform could not be reached (the connection failed or timed out)' };
	const e = error as { errorMessage?: string; message?: string; errorCode?: string };
	const text = String(e?.errorMessage || e?.message || error || 'unknown error');
	const aadsts = /AADSTS(\d+)/.exec(text)?.[1];
	// MSAL wraps the server's words ("Error(s): … - Description: AADSTS…: …"); keep the sentence,
	// drop trace and correlation ids that only clutter the UI.
	const described = /Description: ([\s\S]*?)(?: - Correlation ID:| - Trace ID:|\r?\nTrace ID:|$)/.exec(text)?.[1] ?? text;
	const firstLine = described.split(/\r?\n/)[0].replace(/^[a-z_]+: /, '').trim();
	return {
		aadsts,
		advice: aadsts ? ADVICE[aadsts] : undefined,
		description: firstLine || e?.errorCode || 'unknown error',
	};
}

export function signInErrorMessage(error: unknown): string {
	const f = describeSignInError(error);
	const code = f.aadsts ? ` (AADSTS${f.aadsts})` : '';
	return f.advice ? `Sign-in failed${code}: ${f.advice} Microsoft says: ${f.description}` : `Sign-in failed${code}: ${f.description}`;
}
