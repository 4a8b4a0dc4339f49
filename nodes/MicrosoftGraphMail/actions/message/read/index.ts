/** The read operations (Get Messages, Get Message), in the order the Operation list shows them. */
import { getOperation } from '../get.operation';
import { getManyOperation } from '../getMany.operation';

export const readOperations = [getManyOperation, getOperation];
