import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { testGraphMailCredential } from '../shared/auth/credentialTest';
import { authenticationField, CREDENTIAL_TEST_METHOD } from '../shared/descriptions/authentication';
import { searchFolders } from '../shared/methods/folderSearch';
import { resourceProperties, subtitleExpression } from './actions/operations';
import { route } from './actions/router';
import { sendAndWaitWebhook } from './actions/message/sendAndWait/webhook';
import { sendAndWaitWebhooks } from './actions/message/sendAndWait/webhooks';
import { OUTPUTS_EXPRESSION } from './actions/message/sendAndWait/description';
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
		// One main output; Send and Wait with On Timeout = Timed Out output has a second one.
		outputs: OUTPUTS_EXPRESSION,
		credentials: [
			{ name: 'microsoftGraphMailClientCredentialsApi', required: true, displayOptions: { show: { authentication: ['clientCredentials'] } }, testedBy: 'testGraphMailCredential' },
			// n8n tests OAuth2 credentials itself (is a token stored?) and never calls a node's test for them.
			{ name: 'microsoftGraphMailOAuth2Api', required: true, displayOptions: { show: { authentication: ['oAuth2'] } } },
			{ name: 'microsoftGraphMailPasswordApi', required: true, displayOptions: { show: { authentication: ['password'] } }, testedBy: 'testGraphMailCredential' },
		],
		// Served only while an execution waits at a Send and Wait node (restartWebhook), at its signed resume URL.
		webhooks: sendAndWaitWebhooks,
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

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await sendAndWaitWebhook.call(this);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}
}
