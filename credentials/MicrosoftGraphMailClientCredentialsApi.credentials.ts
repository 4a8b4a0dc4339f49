import type { ICredentialType, INodeProperties } from 'n8n-workflow';
import { cloudFields, clientIdField } from '../nodes/shared/auth/cloudFields';
import { bearerAuthentication } from '../nodes/shared/auth/graphTokens';

/** App-only sign-in (client credentials) for service mailboxes: no person signs in. */
export class MicrosoftGraphMailClientCredentialsApi implements ICredentialType {
	name = 'microsoftGraphMailClientCredentialsApi';
	displayName = 'Microsoft Graph Mail (Client Credentials) API';
	icon = 'file:icons/graphMail.svg' as const;
	documentationUrl = 'https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow';

	properties: INodeProperties[] = [
		{
			displayName:
				'Application permission Mail.Send lets this app send as EVERY mailbox in the tenant (and Mail.ReadWrite read them all) unless an Exchange admin scopes it with RBAC for Applications (New-ManagementRoleAssignment -Role "Application Mail.Send" … -CustomResourceScope) or an application access policy.',
			name: 'scopeNotice',
			type: 'notice',
			default: '',
		},
		...cloudFields,
		clientIdField,
		{
			displayName: 'Authenticate With',
			name: 'authMethod',
			type: 'options',
			default: 'secret',
			options: [
				{ name: 'Client Secret', value: 'secret' },
				{ name: 'Certificate', value: 'certificate' },
			],
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The secret VALUE from Certificates & secrets (shown once when created), not its Secret ID',
			displayOptions: { show: { authMethod: ['secret'] } },
		},
		{
			displayName: 'Private Key (PEM)',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			placeholder: '-----BEGIN PRIVATE KEY-----',
			description: 'Unencrypted PEM private key of the certificate uploaded to the app registration',
			displayOptions: { show: { authMethod: ['certificate'] } },
		},
		{
			displayName: 'Certificate (PEM)',
			name: 'certificate',
			type: 'string',
			// Public, but hidden like a key so the editor never shows key material by mistake.
			typeOptions: { password: true, rows: 4 },
			default: '',
			placeholder: '-----BEGIN CERTIFICATE-----',
			description: 'The public certificate (preferred): its thumbprint is computed from it, and checked against the key. Leave empty to enter the thumbprint instead.',
			displayOptions: { show: { authMethod: ['certificate'] } },
		},
		{
			displayName: 'Certificate Thumbprint',
			// Stored under its first name, so existing credentials keep working; it takes SHA-1 or SHA-256.
			name: 'thumbprintSha256',
			type: 'string',
			default: '',
			placeholder: '40 hex (SHA-1) or 64 hex (SHA-256)',
			description: 'Needed only without the certificate above: the thumbprint from Entra ID > App registrations > Certificates & secrets (SHA-1, 40 hex) or its SHA-256 (64 hex). Colons and spaces are ignored. With the certificate given, a thumbprint here must be that certificate\'s.',
			displayOptions: { show: { authMethod: ['certificate'] } },
		},
		{
			displayName: 'Default Mailbox',
			name: 'defaultMailbox',
			type: 'string',
			default: '',
			placeholder: 'shared-inbox@contoso.com',
			description: 'Mailbox used when a node leaves Mailbox empty (user principal name or object ID). The Test button reads its Inbox.',
		},
	];

	/** A Bearer token from the shared MSAL cache, so n8n's HTTP Request node can use this credential too. */
	authenticate = bearerAuthentication('clientCredentials');
}
