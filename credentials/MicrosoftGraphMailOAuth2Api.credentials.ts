import type { ICredentialType, INodeProperties } from 'n8n-workflow';
import { cloudFields } from '../nodes/shared/auth/cloudFields';
import { CLOUDS } from '../nodes/shared/auth/clouds';

/** Delegated scopes: the person's own mail, and shared mailboxes they may use. */
const SCOPES = ['User.Read', 'Mail.ReadWrite', 'Mail.Send', 'Mail.ReadWrite.Shared', 'Mail.Send.Shared'];

// Derived in n8n's expression language from the fields above, so the user types no URL.
const loginRoot = `($self.cloud === 'custom' ? $self.authorityUrl.replace(/\\/+$/, '') : ${JSON.stringify(
	Object.fromEntries(Object.entries(CLOUDS).map(([name, cloud]) => [name, cloud.authorityHost])),
)}[$self.cloud || 'global'])`;
const graphRoot = `($self.cloud === 'custom' ? $self.graphUrl.replace(/\\/+$/, '') : ${JSON.stringify(
	Object.fromEntries(Object.entries(CLOUDS).map(([name, cloud]) => [name, cloud.graphUrl])),
)}[$self.cloud || 'global'])`;

/** A person's own mailbox through n8n's OAuth2 sign-in (authorization code, refreshed by n8n). */
export class MicrosoftGraphMailOAuth2Api implements ICredentialType {
	name = 'microsoftGraphMailOAuth2Api';
	extends = ['oAuth2Api'];
	displayName = 'Microsoft Graph Mail OAuth2 API';
	icon = 'file:icons/graphMail.svg' as const;
	documentationUrl = 'https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow';

	properties: INodeProperties[] = [
		...cloudFields,
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: `={{ ${loginRoot} + '/' + $self.tenantId + '/oauth2/v2.0/authorize' }}`,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: `={{ ${loginRoot} + '/' + $self.tenantId + '/oauth2/v2.0/token' }}`,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			// Outside the global cloud, scopes must name their Graph host.
			default: `={{ 'openid offline_access ' + ${JSON.stringify(SCOPES)}.map(s => ($self.cloud || 'global') === 'global' ? s : ${graphRoot} + '/' + s).join(' ') }}`,
		},
		{ displayName: 'Auth URI Query Parameters', name: 'authQueryParameters', type: 'hidden', default: 'response_mode=query' },
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'body' },
	];
}
