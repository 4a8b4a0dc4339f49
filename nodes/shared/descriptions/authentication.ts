/** The Authentication choice and the credential each option needs, shared by both nodes. */
import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';
import { CREDENTIAL_TYPES, type AuthenticationKind } from '../auth/credentialTypes';

export const authenticationField: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{ name: 'Client Credentials (App-Only, Service Mailbox)', value: 'clientCredentials' },
		{ name: 'OAuth2 (Sign In as a Person)', value: 'oAuth2' },
		{ name: 'Username & Password (ROPC, Legacy)', value: 'password' },
	],
	default: 'clientCredentials',
};

export const CREDENTIAL_TEST_METHOD = 'testGraphMailCredential';

export const graphMailCredentials: INodeCredentialDescription[] = (Object.keys(CREDENTIAL_TYPES) as AuthenticationKind[]).map((kind) => ({
	name: CREDENTIAL_TYPES[kind],
	required: true,
	displayOptions: { show: { authentication: [kind] } },
	testedBy: CREDENTIAL_TEST_METHOD,
}));

export const mailboxField: INodeProperties = {
	displayName: 'Mailbox',
	name: 'mailbox',
	type: 'string',
	default: '',
	placeholder: 'me, or shared-inbox@contoso.com',
	description:
		"User principal name or object ID of the mailbox. Empty: the credential's Default Mailbox (client credentials) or your own mailbox (OAuth2, password). Another person's or a shared mailbox needs the .Shared delegated permissions.",
};
