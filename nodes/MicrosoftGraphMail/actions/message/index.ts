/** The Message resource's operations, in the order the Operation list shows them. */
import type { MailOperation } from '../operation';
import { copyOperation } from './copy.operation';
import { deleteOperation } from './delete.operation';
import { moveOperation } from './move.operation';
import { readOperations } from './read';
import { sendMail } from './send.operation';
import { updateOperation } from './update.operation';

export const messageOperations: MailOperation[] = [sendMail, ...readOperations, updateOperation, moveOperation, copyOperation, deleteOperation];
