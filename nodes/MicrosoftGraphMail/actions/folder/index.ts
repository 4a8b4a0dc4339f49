/** The Folder resource's operations, in the order the Operation list shows them. */
import type { MailOperation } from '../operation';
import { createOperation } from './create.operation';
import { deleteOperation } from './delete.operation';
import { getOperation } from './get.operation';
import { getManyOperation } from './getMany.operation';
import { updateOperation } from './update.operation';

export const folderOperations: MailOperation[] = [createOperation, getOperation, getManyOperation, updateOperation, deleteOperation];
