/** Runs the Draft resource's operations in a real n8n execute context against the emulator's Contoso tenant. */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';
import type { Contoso } from '../../../fixtures/contoso';
import { runNode } from '../../../harness/n8nContext';
import { node, type RunOptions } from '../message/messageFixture';

export { addMailbox, byId, failureOf, stored } from '../message/messageFixture';
export { binary, randomFile, sha256 } from '../send/sendFixture';

/** The node with Resource: Draft and the given operation; client credentials. */
export async function runDraft(contoso: Contoso, operation: string, parameters: INodeParameters, options: RunOptions = {}): Promise<INodeExecutionData[]> {
	const { output } = await runNode({
		nodeType: node,
		parameters: { authentication: 'clientCredentials', resource: 'draft', operation, ...parameters },
		credentials: { microsoftGraphMailClientCredentialsApi: options.credentials ?? contoso.clientCredentials },
		items: options.items,
		continueOnFail: options.continueOnFail,
	});
	return output[0];
}

/** A draft as Create makes it, by the node itself; returns its id. */
export async function createDraft(contoso: Contoso, mailbox: string, parameters: INodeParameters): Promise<string> {
	const [out] = await runDraft(contoso, 'create', { mailbox, ...parameters });
	return String(out.json.id);
}
