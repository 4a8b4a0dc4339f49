/** The Attachment resource's operations (of a message or draft), in the order the Operation list shows them. */
import type { MailOperation } from '../operation';
import { addOperation } from './add.operation';

export const attachmentOperations: MailOperation[] = [addOperation];
