import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { testGraphMailCredential } from '../shared/auth/credentialTest';
import { authenticationField, CREDENTIAL_TEST_METHOD } from '../shared/descriptions/authentication';
import { searchFolders } from '../shared/methods/folderSearch';
import { resourceProperties, subtitleExpression } from './actions/operations';
import { route } from './actions/router';
import { getCategories } from './methods/masterCategories';

export class MicrosoftGraphMail implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft Graph Mail',
		name: 'microsoftGraphMail',
		icon: { light: 'file:graphMail.svg', dark: 'file:graphMail.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: subtitleExpression(),
		description: 'Send and read Microsoft 365 / Exchange Online mail through Microsoft Graph',
		defaults: { name: 'Microsoft Graph Mail' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'microsoftGraphMailClientCredentialsApi', required: true, displayOptions: { show: { authentication: ['clientCredentials'] } }, testedBy: 'testGraphMailCredential' },
			// n8n tests OAuth2 credentials itself (is a token stored?) and never calls a node's test for them.
			{ name: 'microsoftGraphMailOAuth2Api', required: true, displayOptions: { show: { authentication: ['oAuth2'] } } },
			{ name: 'microsoftGraphMailPasswordApi', required: true, displayOptions: { show: { authentication: ['password'] } }, testedBy: 'testGraphMailCredential' },
		],
		properties: [
			authenticationField,
			...resourceProperties(),
		],
	};

	methods = {
		credentialTest: { [CREDENTIAL_TEST_METHOD]: testGraphMailCredential },
		listSearch: { searchFolders },
		loadOptions: { getCategories },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}
}
