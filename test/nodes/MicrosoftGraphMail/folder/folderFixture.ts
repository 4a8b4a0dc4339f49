/** Runs the Folder operations in a real n8n execute context against the emulator's Contoso tenant. */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';
import type { Contoso } from '../../../fixtures/contoso';
import { run as runMessageNode, type RunOptions } from '../message/messageFixture';

export { addMailbox, failureOf } from '../message/messageFixture';

export const byId = (value: string) => ({ __rl: true, mode: 'id', value });
export const byPath = (value: string) => ({ __rl: true, mode: 'path', value });
export const fromList = (value: string) => ({ __rl: true, mode: 'list', value });

/** The node with Resource: Folder and the given operation; client credentials unless told otherwise. */
export async function run(contoso: Contoso, operation: string, parameters: INodeParameters, options: RunOptions = {}): Promise<INodeExecutionData[]> {
	return await runMessageNode(contoso, operation, { resource: 'folder', ...parameters }, options);
}
