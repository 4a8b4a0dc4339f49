/** The output of an operation that changed a mail: the simplified message plus what the operation touched. */
import type { IDataObject } from 'n8n-workflow';
import { simplifyMessage } from './read/simplify';

/** Properties beyond the simplified shape that the acting operations return. */
const ACTED_PROPERTIES = ['parentFolderId', 'categories', 'flag', 'inferenceClassification', 'isDraft'];

export function actedMessage(message: IDataObject, extra: IDataObject = {}): IDataObject {
	const json: IDataObject = { ...simplifyMessage(message) };
	for (const p of ACTED_PROPERTIES) if (message[p] !== undefined) json[p] = message[p];
	return { ...json, ...extra };
}
