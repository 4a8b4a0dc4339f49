/** The Attachment resource's operations (of a message or draft), in the order the Operation list shows them. */
import type { MailOperation } from '../operation';
import { addOperation } from './add.operation';
import { deleteOperation } from './delete.operation';
import { downloadOperation } from './download.operation';
import { getOperation } from './get.operation';
import { getManyOperation } from './getMany.operation';

export const attachmentOperations: MailOperation[] = [addOperation, getManyOperation, getOperation, downloadOperation, deleteOperation];
