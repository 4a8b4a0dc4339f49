/** Runs the Attachment operations in a real n8n execute context against the emulator's Contoso tenant. */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';
import type { Contoso } from '../../../fixtures/contoso';
import { runNode } from '../../../harness/n8nContext';
import { node, type RunOptions } from '../message/messageFixture';

export { addMailbox, byId, failureOf, seed, stored } from '../message/messageFixture';
export { binary, randomFile, sha256 } from '../send/sendFixture';

/** The node with Resource: Attachment and the given operation, with client credentials. */
export async function run(contoso: Contoso, operation: string, parameters: INodeParameters, options: RunOptions = {}): Promise<INodeExecutionData[]> {
	const { output } = await runNode({
		nodeType: node,
		parameters: { authentication: 'clientCredentials', resource: 'attachment', operation, ...parameters },
		credentials: { microsoftGraphMailClientCredentialsApi: options.credentials ?? contoso.clientCredentials },
		items: options.items,
		continueOnFail: options.continueOnFail,
	});
	return output[0];
}
