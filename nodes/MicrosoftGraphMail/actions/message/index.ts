/** The Message resource's operations, in the order the Operation list shows them. */
import type { MailOperation } from '../operation';
import { readOperations } from './read';
import { sendMail } from './send.operation';
import { updateOperation } from './update.operation';

export const messageOperations: MailOperation[] = [sendMail, ...readOperations, updateOperation];
