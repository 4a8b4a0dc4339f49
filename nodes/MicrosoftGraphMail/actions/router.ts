/**
 * Runs the chosen operation over the input items: several at a time, output in input order,
 * paired items set, continue-on-fail honoured. Once, here, for every operation.
 */
import { setImmediate as nextTurn } from 'timers/promises';
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import { createGraphClient } from '../../shared/transport/graphClient';
import { DEFAULT_PARALLEL_ITEMS, MAX_PARALLEL_ITEMS } from './operation';
import { DEFAULT_RESOURCE, findOperation } from './operations';

/** CPU time spent starting items before the event loop gets a turn. */
const YIELD_AFTER_MS = 5;

function errorDetails(error: Error & { description?: string | null; httpCode?: string | null }): IDataObject {
	return {
		error: error.message,
		...(error.description ? { description: error.description } : {}),
		...(error.httpCode ? { httpCode: error.httpCode } : {}),
	};
}

export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0, DEFAULT_RESOURCE) as string;
	const key = this.getNodeParameter('operation', 0) as string;
	const operation = findOperation(resource, key);
	if (key === '__CUSTOM_API_CALL__') {
		// n8n offers "Custom API Call" on nodes with an OAuth2 credential; that is the HTTP Request node's job.
		throw new NodeOperationError(this.getNode(), 'Custom API Call is not an operation of this node', {
			description: "Use n8n's HTTP Request node with Authentication: Predefined Credential Type and this credential.",
		});
	}
	if (!operation) throw new NodeOperationError(this.getNode(), `Unknown operation "${key}" of resource "${resource}"`);
	const client = await createGraphClient(this);
	client.batching = this.getNodeParameter('options.batchRequests', 0, true) !== false;
	if (operation.run) return await operation.run.call(this, client);
	const execute = operation.execute;
	if (!execute) throw new NodeOperationError(this.getNode(), `Operation "${key}" has nothing to run`);
	const parallel = Math.max(1, Math.min(MAX_PARALLEL_ITEMS, Number(this.getNodeParameter('options.parallelItems', 0, DEFAULT_PARALLEL_ITEMS)) || 1));

	const results: INodeExecutionData[][] = new Array(items.length);
	let next = 0;
	client.itemsNotStarted = () => items.length - next;
	const failures: { index: number; error: Error }[] = [];
	const worker = async () => {
		// After a failure (without continue-on-fail) no new item starts; those in flight finish.
		while (next < items.length && failures.length === 0) {
			const index = next++;
			try {
				const output = await execute.call(this, client, index);
				results[index] = output.map((item) => ({ ...item, pairedItem: item.pairedItem ?? { item: index } }));
			} catch (error) {
				if (this.continueOnFail()) {
					results[index] = [{ json: errorDetails(error as Error), pairedItem: { item: index } }];
				} else {
					failures.push({ index, error: error as Error });
				}
			}
		}
	};
	// Starting a worker prepares its first item (parameters, expressions: milliseconds of CPU in n8n).
	// Let the event loop turn every few ms of that, so the sign-in and the first batches (their TLS
	// handshakes) do their I/O between items instead of behind all of them; items that are cheap to
	// prepare still start in one turn, and their requests join one batch and share one sign-in.
	const workers: Promise<void>[] = [];
	let turnStarted = Date.now();
	for (let w = 0; w < Math.min(parallel, items.length); w++) {
		if (Date.now() - turnStarted >= YIELD_AFTER_MS) {
			await nextTurn();
			turnStarted = Date.now();
		}
		workers.push(worker());
	}
	await Promise.all(workers);

	const failure = failures.sort((a, b) => a.index - b.index)[0];
	if (failure) {
		const error = failure.error as NodeOperationError;
		const done = results.map((r, i) => (r ? i : -1)).filter((i) => i >= 0);
		if (done.length) {
			const note = `Items already done before this failure (not undone): ${done.join(', ')}.`;
			error.description = error.description ? `${error.description} ${note}` : note;
		}
		if (error.context && error.context.itemIndex === undefined) error.context.itemIndex = failure.index;
		throw error;
	}
	return [results.flat()];
}
