/** Runs the Message operations that act on one mail in a real n8n execute context against the emulator's Contoso tenant. */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import type { SeedMessage } from '../../../../emulator/src';
import { MicrosoftGraphMail } from '../../../../nodes/MicrosoftGraphMail/MicrosoftGraphMail.node';
import { TENANT, type Contoso } from '../../../fixtures/contoso';
import { runNode } from '../../../harness/n8nContext';

export const node = new MicrosoftGraphMail();

export function addMailbox(contoso: Contoso, name: string): string {
	const upn = `${name}@contoso.onmicrosoft.com`;
	contoso.emu.addUser(TENANT, { upn });
	return upn;
}

export const byId = (value: string) => ({ __rl: true, mode: 'id', value });
export const byLink = (value: string) => ({ __rl: true, mode: 'url', value });

/** One mail in `mailbox`'s Inbox, from an external sender. */
export function seed(contoso: Contoso, mailbox: string, subject: string, extra: SeedMessage = {}) {
	return contoso.emu.seedMessage(mailbox, 'inbox', {
		subject,
		from: { emailAddress: { name: 'Customer', address: 'customer@fabrikam.example' } },
		toRecipients: [{ emailAddress: { address: mailbox } }],
		body: { contentType: 'html', content: `<p>Body of ${subject}</p>` },
		...extra,
	});
}

export interface RunOptions {
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	credentials?: Record<string, string>;
}

/** The node with Resource: Message and the given operation; client credentials unless told otherwise. */
export async function run(contoso: Contoso, operation: string, parameters: INodeParameters, options: RunOptions = {}): Promise<INodeExecutionData[]> {
	const { output } = await runNode({
		nodeType: node,
		parameters: { authentication: 'clientCredentials', resource: 'message', operation, ...parameters },
		credentials: { microsoftGraphMailClientCredentialsApi: options.credentials ?? contoso.clientCredentials },
		items: options.items,
		continueOnFail: options.continueOnFail,
	});
	return output[0];
}

export async function failureOf(promise: Promise<unknown>): Promise<Error & { description?: string; context?: IDataObject }> {
	try {
		await promise;
	} catch (error) {
		return error as Error & { description?: string; context?: IDataObject };
	}
	throw new Error('expected the node to fail');
}

/** The message as the mailbox holds it now (undefined when it is not in that folder). */
export const stored = (contoso: Contoso, mailbox: string, id: string, folder?: string) => contoso.emu.messages(mailbox, folder).find((m) => m.id === id);
