/** Runs Send Mail in a real n8n execute context against the emulator's Contoso tenant. */
import { createHash, randomBytes } from 'crypto';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { MicrosoftGraphMail } from '../../../../nodes/MicrosoftGraphMail/MicrosoftGraphMail.node';
import { TENANT, type Contoso } from '../../../fixtures/contoso';
import { runNode } from '../../../harness/n8nContext';

export const node = new MicrosoftGraphMail();
export const ALICE = 'alice@contoso.onmicrosoft.com';

/** A fresh mailbox, so what arrives is only this test's mail. */
export function addMailbox(contoso: Contoso, name: string): string {
	const upn = `${name}@contoso.onmicrosoft.com`;
	contoso.emu.addUser(TENANT, { upn });
	return upn;
}

export interface SendRun {
	parameters: INodeParameters;
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	credentials?: Record<string, IDataObject>;
	authentication?: string;
}

export async function send(contoso: Contoso, run: SendRun): Promise<INodeExecutionData[]> {
	const { output } = await runNode({
		nodeType: node,
		parameters: { authentication: run.authentication ?? 'clientCredentials', operation: 'send', ...run.parameters },
		credentials: run.credentials ?? { microsoftGraphMailClientCredentialsApi: contoso.clientCredentials },
		items: run.items,
		continueOnFail: run.continueOnFail,
	});
	return output[0];
}

export async function failureOf(promise: Promise<unknown>): Promise<Error & { description?: string; context?: IDataObject; httpCode?: string }> {
	try {
		await promise;
	} catch (error) {
		return error as Error & { description?: string; context?: IDataObject };
	}
	throw new Error('expected the node to fail');
}

/** A binary property in n8n's default (in-memory) mode. */
export function binary(bytes: Buffer, fileName: string, mimeType = 'application/octet-stream') {
	return { data: bytes.toString('base64'), mimeType, fileName, bytes: bytes.length };
}

/** Random bytes that compress badly, so nothing can fake a match. */
export const randomFile = (size: number) => randomBytes(size);
export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
