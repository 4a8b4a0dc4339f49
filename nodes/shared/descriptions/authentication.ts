/**
 * The Authentication choice shared by both nodes. Each node lists its credentials literally
 * (name, authentication value, testedBy: CREDENTIAL_TEST_METHOD), where n8n's linter looks for them.
 */
import type { INodeProperties } from 'n8n-workflow';

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

export const mailboxField: INodeProperties = {
	displayName: 'Mailbox',
	name: 'mailbox',
	type: 'string',
	default: '',
	placeholder: 'me, or shared-inbox@contoso.com',
	description:
		"User principal name or object ID of the mailbox. Empty: the credential's Default Mailbox (client credentials) or your own mailbox (OAuth2, password). Another person's or a shared mailbox needs the .Shared delegated permissions.",
};
