/** The Message resource's operations, in the order the Operation list shows them. */
import type { MailOperation } from '../operation';
import { copyOperation } from './copy.operation';
import { deleteOperation } from './delete.operation';
import { moveOperation } from './move.operation';
import { exportOperation } from './export.operation';
import { forwardOperation } from './forward.operation';
import { readOperations } from './read';
import { replyOperation } from './reply.operation';
import { replyAllOperation } from './replyAll.operation';
import { sendMail } from './send.operation';
import { sendAndWait } from './sendAndWait.operation';
import { updateOperation } from './update.operation';

export const messageOperations: MailOperation[] = [sendMail, sendAndWait, ...readOperations, replyOperation, replyAllOperation, forwardOperation, updateOperation, moveOperation, copyOperation, deleteOperation, exportOperation];
