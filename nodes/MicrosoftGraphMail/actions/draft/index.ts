/** The Draft resource's operations, in the order the Operation list shows them. */
import type { MailOperation } from '../operation';
import { createOperation } from './create.operation';
import { deleteOperation } from './delete.operation';
import { getOperation } from './get.operation';
import { sendOperation } from './send.operation';
import { updateOperation } from './update.operation';

export const draftOperations: MailOperation[] = [createOperation, getOperation, updateOperation, deleteOperation, sendOperation];
