/** Every operation of the node, by its Operation value. Adding one touches only this list. */
import type { MailOperation } from './operation';
import { sendMail } from './message/send.operation';
import { readOperations } from './message/read';

const ALL: MailOperation[] = [
	sendMail,
	...readOperations,
];

export const OPERATIONS: Record<string, MailOperation> = Object.fromEntries(ALL.map((op) => [op.option.value, op]));
export const OPERATION_LIST = ALL;
