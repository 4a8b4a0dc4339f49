/** What every operation of the Microsoft Graph Mail node provides. */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import type { GraphClient } from '../../shared/transport/graphClient';
import { BATCH, MAILBOX_CONCURRENCY } from '../../shared/transport/limits';

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

/**
 * Items in flight by default: for each of the mailbox's 4 slots a full $batch (a chain of 20) out
 * and one built and waiting, so a freed slot never waits for items to be prepared. The slots, not
 * this number, keep Graph's 4 concurrent requests per mailbox.
 */
export const DEFAULT_PARALLEL_ITEMS = 2 * MAILBOX_CONCURRENCY * BATCH.maxRequests;
export const MAX_PARALLEL_ITEMS = 200;

/** How many items run at once and whether their requests share `$batch` calls: in every operation's Options. */
export const throughputOptions: INodeProperties[] = [
	{
		displayName: 'Batch Requests',
		name: 'batchRequests',
		type: 'boolean',
		default: true,
		description:
			"Whether to send the requests of items that run at the same time together, up to 20 per Graph $batch call, so each TLS connection and request carries many items. Turn off to send each request on its own.",
	},
	{
		displayName: 'Parallel Items',
		name: 'parallelItems',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_PARALLEL_ITEMS },
		default: DEFAULT_PARALLEL_ITEMS,
		description:
			'How many items are handled at the same time. Graph still gets at most 4 concurrent requests per mailbox (the rest wait, or share a $batch call). Output keeps the input order.',
	},
];

/** The Options collection of an operation whose only options are the throughput ones. */
export function throughputOptionsCollection(show: NonNullable<INodeProperties['displayOptions']>['show']): INodeProperties {
	return { displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', displayOptions: { show }, default: {}, options: throughputOptions };
}
