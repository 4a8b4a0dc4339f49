/** Cloud and tenant fields, the same on every credential type. */
import type { INodeProperties } from 'n8n-workflow';

export const cloudFields: INodeProperties[] = [
	{
		displayName: 'Cloud',
		name: 'cloud',
		type: 'options',
		default: 'global',
		options: [
			{ name: 'China (21Vianet)', value: 'china' },
			{ name: 'Custom Endpoints', value: 'custom', description: 'Type the login authority and Graph URLs yourself' },
			{ name: 'Global (and GCC)', value: 'global' },
			{ name: 'US Government (GCC High)', value: 'usGov' },
			{ name: 'US Government DoD', value: 'usGovDod' },
		],
		description: 'The Microsoft cloud your tenant lives in. Tokens do not carry over between clouds.',
	},
	{
		displayName: 'Login Authority URL',
		name: 'authorityUrl',
		type: 'string',
		default: '',
		placeholder: 'https://login.microsoftonline.com',
		description: 'HTTPS root of the identity platform, without the tenant',
		displayOptions: { show: { cloud: ['custom'] } },
	},
	{
		displayName: 'Graph URL',
		name: 'graphUrl',
		type: 'string',
		default: '',
		placeholder: 'https://graph.microsoft.com',
		description: 'HTTPS root of Microsoft Graph, without /v1.0',
		displayOptions: { show: { cloud: ['custom'] } },
	},
	{
		displayName: 'Tenant ID',
		name: 'tenantId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '00000000-0000-0000-0000-000000000000',
		description: 'Entra ID > Overview > Directory (tenant) ID, or a domain such as contoso.onmicrosoft.com',
	},
];

export const clientIdField: INodeProperties = {
	displayName: 'Client ID',
	name: 'clientId',
	type: 'string',
	default: '',
	required: true,
	placeholder: '00000000-0000-0000-0000-000000000000',
	description: 'App registration > Overview > Application (client) ID',
};
