import type { ICredentialType, INodeProperties } from 'n8n-workflow';
import { cloudFields, clientIdField } from '../nodes/shared/auth/cloudFields';
import { bearerAuthentication } from '../nodes/shared/auth/graphTokens';

/** Username and password (ROPC), for legacy setups. Cannot do MFA; Microsoft recommends against it. */
export class MicrosoftGraphMailPasswordApi implements ICredentialType {
	name = 'microsoftGraphMailPasswordApi';
	displayName = 'Microsoft Graph Mail (Username & Password) API';
	icon = 'file:icons/graphMail.svg' as const;
	documentationUrl = 'https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth-ropc';

	properties: INodeProperties[] = [
		{
			displayName:
				'The password grant (ROPC) fails for accounts with multi-factor authentication or Conditional Access and for personal Microsoft accounts. Prefer client credentials or the OAuth2 credential where you can.',
			name: 'ropcNotice',
			type: 'notice',
			default: '',
		},
		...cloudFields,
		clientIdField,
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Leave empty if the app registration has Authentication > "Allow public client flows" on (it then signs in as a public client). Otherwise the secret VALUE from Certificates & secrets.',
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'mailbox@contoso.com',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
	];

	/** A Bearer token from the shared MSAL cache, so n8n's HTTP Request node can use this credential too. */
	authenticate = bearerAuthentication('password');
}
