/**
 * Drives the New Mail trigger the way n8n does: a real n8n-core PollContext per poll, the workflow's
 * static data carried from poll to poll (and, for a "restart", only a deep copy of it).
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { MicrosoftGraphMailTrigger } from '../../../nodes/MicrosoftGraphMailTrigger/MicrosoftGraphMailTrigger.node';
import { TENANT, type Contoso } from '../../fixtures/contoso';
import { createGraphClient, type GraphClient } from '../../../nodes/shared/transport/graphClient';
import { executeContext, pollContext } from '../../harness/n8nContext';

export const node = new MicrosoftGraphMailTrigger();

export function addMailbox(contoso: Contoso, name: string): string {
	const upn = `${name}@contoso.onmicrosoft.com`;
	contoso.emu.addUser(TENANT, { upn });
	return upn;
}

export class Trigger {
	/** What n8n keeps between polls. */
	staticData: IDataObject = {};
	polls = 0;

	constructor(
		private readonly contoso: Contoso,
		private readonly parameters: INodeParameters,
	) {}

	private context(mode: 'trigger' | 'manual') {
		return pollContext({
			nodeType: node,
			parameters: { authentication: 'clientCredentials', event: 'newMail', ...this.parameters },
			credentials: { microsoftGraphMailClientCredentialsApi: this.contoso.clientCredentials },
			staticData: this.staticData,
			mode,
			activation: mode === 'manual' ? 'manual' : 'activate',
		}).context;
	}

	/**
	 * One scheduled poll: the items it emits ([] for null). `budgetMs` plays n8n's poll budget.
	 * `abandoned`: n8n gives up on the poll's result (time budget, workflow deactivated) and stores
	 * nothing of it: the static data stays as it was before the poll.
	 */
	async poll(options: { budgetMs?: number; abandoned?: boolean } = {}): Promise<INodeExecutionData[]> {
		this.polls++;
		const kept = JSON.parse(JSON.stringify(this.staticData)) as IDataObject;
		const context = this.context('trigger');
		if (options.budgetMs !== undefined) Object.assign(context, { getPollBudgetMs: () => options.budgetMs });
		const out = await node.poll!.call(context);
		if (options.abandoned) this.staticData = kept;
		return out?.[0] ?? [];
	}

	/** Fetch Test Event in the editor. */
	async testEvent(): Promise<INodeExecutionData[]> {
		const out = await node.poll!.call(this.context('manual'));
		return out?.[0] ?? [];
	}

	/** n8n restarted (or another worker polls): nothing but the stored static data survives. */
	restart(): void {
		this.staticData = JSON.parse(JSON.stringify(this.staticData));
	}

	/**
	 * What n8n 2.41 (without durable poll cursors) has in its database: the static data as of the
	 * activation (saved after activating) or the last poll that emitted (saved with its execution).
	 * `pollAsN8nStores` keeps it; `restartFromDatabase` goes back to it.
	 */
	stored: IDataObject = {};

	async pollAsN8nStores(options: { activation?: boolean } = {}): Promise<INodeExecutionData[]> {
		const out = await this.poll();
		if (options.activation || out.length) this.stored = JSON.parse(JSON.stringify(this.staticData));
		return out;
	}

	restartFromDatabase(): void {
		this.staticData = JSON.parse(JSON.stringify(this.stored));
	}

	cursor(): IDataObject | undefined {
		return (this.staticData['node:Graph Mail'] as IDataObject | undefined)?.newMail as IDataObject | undefined;
	}
}

export const subjects = (items: INodeExecutionData[]) => items.map((i) => String(i.json.subject));

export async function failureOf(promise: Promise<unknown>): Promise<Error & { description?: string }> {
	try {
		await promise;
	} catch (error) {
		return error as Error & { description?: string };
	}
	throw new Error('expected the poll to fail');
}

/** A Graph client signed in as the test app: changes a user (or Outlook) would make to a mailbox. */
export async function graphAsApp(contoso: Contoso): Promise<GraphClient> {
	const { context } = executeContext({
		nodeType: node,
		parameters: { authentication: 'clientCredentials' },
		credentials: { microsoftGraphMailClientCredentialsApi: contoso.clientCredentials },
	});
	return await createGraphClient(context);
}
