import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { testGraphMailCredential } from '../shared/auth/credentialTest';
import { authenticationField, CREDENTIAL_TEST_METHOD } from '../shared/descriptions/authentication';
import { createGraphClient } from '../shared/transport/graphClient';
import { getWatchableFolders } from './folderOptions';
import { activationTime, isActivationPoll, recordActivation } from './activationTime';
import { cursorScope, pollNewMail } from './newMailPoll';
import { newestMatchingMail } from './testEvent';
import { triggerProperties } from './triggerDescription';
import { readSettings } from './triggerSettings';

export class MicrosoftGraphMailTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft Graph Mail Trigger',
		name: 'microsoftGraphMailTrigger',
		icon: { light: 'file:graphMail.svg', dark: 'file:graphMail.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["event"] === "newMail" ? "New Mail" : $parameter["event"] }}',
		description: 'Starts a workflow when mail arrives in a Microsoft 365 / Exchange Online mailbox (Graph delta query)',
		defaults: { name: 'Microsoft Graph Mail Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'microsoftGraphMailClientCredentialsApi', required: true, displayOptions: { show: { authentication: ['clientCredentials'] } }, testedBy: 'testGraphMailCredential' },
			// n8n tests OAuth2 credentials itself (is a token stored?) and never calls a node's test for them.
			{ name: 'microsoftGraphMailOAuth2Api', required: true, displayOptions: { show: { authentication: ['oAuth2'] } } },
			{ name: 'microsoftGraphMailPasswordApi', required: true, displayOptions: { show: { authentication: ['password'] } }, testedBy: 'testGraphMailCredential' },
		],
		properties: [authenticationField, ...triggerProperties],
	};

	methods = {
		credentialTest: { [CREDENTIAL_TEST_METHOD]: testGraphMailCredential },
		loadOptions: { getWatchableFolders },
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const settings = readSettings(this);
		const client = await createGraphClient(this);
		if (this.getMode() === 'manual') return await newestMatchingMail(this, client, settings);
		const scope = cursorScope(client, settings);
		const { items, startedFrom } = await pollNewMail(this, client, settings, { watchedFrom: activationTime(this, scope) });
		if (startedFrom !== undefined && isActivationPoll(this)) recordActivation(this, scope, startedFrom);
		return items.length ? [items] : null;
	}
}
