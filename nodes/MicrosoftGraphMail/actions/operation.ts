/** What every operation of the Microsoft Graph Mail node provides. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import type { GraphClient } from '../../shared/transport/graphClient';
import { MAILBOX_CONCURRENCY } from '../../shared/transport/limits';

export interface MailOperation {
	/** The entry in the Operation list (`value` is the operation's key). */
	option: INodePropertyOptions & { value: string; action: string };
	/** The fields it shows; each sets displayOptions.show.operation to its own value. */
	fields: INodeProperties[];
	/** Handles one input item. The router owns looping, parallelism, paired items and continue-on-fail. */
	execute?(this: IExecuteFunctions, client: GraphClient, itemIndex: number): Promise<INodeExecutionData[]>;
	/** Instead of execute: handles the whole input at once (Send and Wait: one mail, one wait per execution). */
	run?(this: IExecuteFunctions, client: GraphClient): Promise<INodeExecutionData[][]>;
}

/** Items handled at once by default; the mailbox slots cap Graph calls at 4 per mailbox anyway. */
export const DEFAULT_PARALLEL_ITEMS = MAILBOX_CONCURRENCY;

/** Include in an operation's Options collection to let users lower the parallelism. */
export const parallelItemsOption: INodeProperties = {
	displayName: 'Parallel Items',
	name: 'parallelItems',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAILBOX_CONCURRENCY },
	default: DEFAULT_PARALLEL_ITEMS,
	description: 'How many items are handled at the same time (Graph allows 4 concurrent requests per mailbox). Output keeps the input order.',
};

/** The Options collection of an operation whose only option is Parallel Items. */
export function parallelItemsOptions(show: NonNullable<INodeProperties['displayOptions']>['show']): INodeProperties {
	return { displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', displayOptions: { show }, default: {}, options: [parallelItemsOption] };
}
