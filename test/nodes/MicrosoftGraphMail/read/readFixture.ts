/** Runs Get Messages / Get Message in a real n8n execute context against the emulator's Contoso tenant. */
import type { IDataObject, ILoadOptionsFunctions, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { MicrosoftGraphMail } from '../../../../nodes/MicrosoftGraphMail/MicrosoftGraphMail.node';
import { TENANT, type Contoso } from '../../../fixtures/contoso';
import { executeContext, runNode } from '../../../harness/n8nContext';

export const node = new MicrosoftGraphMail();

/** A fresh mailbox per test file (or per test), so seeded mail never mixes. */
export function addMailbox(contoso: Contoso, name: string): string {
	const upn = `${name}@contoso.onmicrosoft.com`;
	contoso.emu.addUser(TENANT, { upn });
	return upn;
}

export async function run(contoso: Contoso, parameters: INodeParameters, items?: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const { output } = await runNode({
		nodeType: node,
		parameters: { authentication: 'clientCredentials', ...parameters },
		credentials: { microsoftGraphMailClientCredentialsApi: contoso.clientCredentials },
		items,
	});
	return output[0];
}

export async function getMessages(contoso: Contoso, mailbox: string, parameters: INodeParameters): Promise<INodeExecutionData[]> {
	return await run(contoso, { operation: 'getMany', mailbox, ...parameters });
}

export async function failureOf(promise: Promise<unknown>): Promise<Error & { description?: string; context?: IDataObject }> {
	try {
		await promise;
	} catch (error) {
		return error as Error & { description?: string; context?: IDataObject };
	}
	throw new Error('expected the node to fail');
}

/** The load-options context n8n hands a listSearch method while the user edits the node. */
export function loadOptionsContext(contoso: Contoso, parameters: INodeParameters): ILoadOptionsFunctions {
	const { context } = executeContext({
		nodeType: node,
		parameters: { authentication: 'clientCredentials', ...parameters },
		credentials: { microsoftGraphMailClientCredentialsApi: contoso.clientCredentials },
	});
	return {
		getNode: () => context.getNode(),
		getCredentials: (type: string) => context.getCredentials(type, 0),
		getCurrentNodeParameter: (name: string) => parameters[name],
		helpers: context.helpers,
	} as unknown as ILoadOptionsFunctions;
}

export const folderPath = (value: string) => ({ __rl: true, mode: 'path', value });
export const folderId = (value: string) => ({ __rl: true, mode: 'id', value });
export const folderFromList = (value: string) => ({ __rl: true, mode: 'list', value });
export const ids = (items: INodeExecutionData[]) => items.map((i) => i.json.id as string);
