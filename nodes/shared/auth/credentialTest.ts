/**
 * The credential Test button of the client-credentials and password credentials: really sign in,
 * then call Graph once as the nodes will. (n8n tests OAuth2 credentials itself.)
 * Failures come back with the AADSTS advice or Graph's error code, never a secret.
 */
import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';
import { CredentialConfigError, resolveEndpoints } from './clouds';
import { CREDENTIAL_TYPES } from './credentialTypes';
import { getGraphToken, type SignInData } from './graphTokens';

export async function testGraphMailCredential(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const data = (credential.data ?? {}) as SignInData;
	try {
		const endpoints = resolveEndpoints(data);
		let path = '/me?$select=id,userPrincipalName';
		const kind = credential.type === CREDENTIAL_TYPES.password ? 'password' : 'clientCredentials';
		// A Date.now() staleness mark forces a real sign-in instead of a cached token.
		const token = await getGraphToken(kind, data, Date.now());
		if (kind === 'clientCredentials') {
			const mailbox = String(data.defaultMailbox ?? '').trim();
			if (!mailbox) return { status: 'OK', message: 'Signed in (no Default Mailbox to check)' };
			path = `/users/${encodeURIComponent(mailbox)}/mailFolders/inbox?$select=id`;
		}
		try {
			// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions -- the only HTTP helper ICredentialTestFunctions offers
			await this.helpers.request({ method: 'GET', uri: `${endpoints.graphBaseUrl}${path}`, headers: { Authorization: `Bearer ${token}` }, json: true });
		} catch (error) {
			const status = (error as { statusCode?: number }).statusCode;
			const body = (error as { error?: { error?: { code?: string; message?: string } } }).error?.error;
			if (status === 403 && credential.type === CREDENTIAL_TYPES.clientCredentials) {
				// Sign-in works; a send-only app (Mail.Send) may not read mail, which is a valid setup.
				return { status: 'OK', message: 'Signed in; the app may not read this mailbox (Mail.Read/Mail.ReadWrite not granted): Send Mail only' };
			}
			const what = body?.code ? `${body.code}: ${body.message}` : (error as Error).message;
			return { status: 'Error', message: `Signed in, but Graph refused ${path.split('?')[0]} (HTTP ${status ?? '?'}) — ${what}` };
		}
		return { status: 'OK', message: 'Signed in and reached the mailbox' };
	} catch (error) {
		const field = error instanceof CredentialConfigError ? ` (field: ${error.field})` : '';
		return { status: 'Error', message: `${(error as Error).message}${field}` };
	}
}
