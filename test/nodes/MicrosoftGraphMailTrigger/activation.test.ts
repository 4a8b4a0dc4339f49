/**
 * "Only mail arriving after activation" under n8n 2.41's durable poll cursors, played as n8n's
 * scheduler does it: node static data is a staged copy per poll, committed with every scheduled
 * poll (with its execution, or alone when it emitted nothing) and never for an activation poll that
 * emitted nothing; workflow static data is what n8n saved after activating, read afresh per poll.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { startContoso, type Contoso } from '../../fixtures/contoso';
import { pollContext } from '../../harness/n8nContext';
import { addMailbox, node, subjects } from './triggerFixture';

let contoso: Contoso;
beforeAll(async () => {
	contoso = await startContoso();
});
afterAll(async () => {
	await contoso?.emu.stop();
});

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class DurableN8n {
	/** The workflow's static data in the database. */
	workflowStaticData: IDataObject = {};
	/** The poller state row: the node's committed cursor. */
	committed?: IDataObject;

	constructor(private readonly mailbox: string) {}

	/** `activation`: the poll n8n runs when it activates the workflow; `scheduled`: one its scheduler dispatches. */
	async poll(kind: 'activation' | 'scheduled', activation: 'init' | 'activate' = 'activate'): Promise<INodeExecutionData[]> {
		const staticData = copy(this.workflowStaticData);
		const staged = copy(this.committed ?? {});
		const { context } = pollContext({
			nodeType: node,
			parameters: { authentication: 'clientCredentials', event: 'newMail', mailbox: this.mailbox },
			credentials: { microsoftGraphMailClientCredentialsApi: contoso.clientCredentials },
			staticData,
			activation: kind === 'scheduled' ? 'update' : activation,
		});
		Object.assign(context, { resolveNodeStaticData: () => staged });
		const out = await node.poll!.call(context);
		if (kind === 'scheduled' || out) this.committed = staged;
		// After activating, n8n saves the workflow's static data (ActiveWorkflowManager.add).
		if (kind === 'activation') this.workflowStaticData = copy(staticData);
		return out?.[0] ?? [];
	}
}

test('durable poll cursors: mail arriving between activation and the first scheduled poll is emitted once; mail from before is not', async () => {
	const mailbox = addMailbox(contoso, 'durable-from-now');
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'before', receivedDateTime: new Date(Date.now() - 60_000).toISOString() });
	const n8n = new DurableN8n(mailbox);
	expect(await n8n.poll('activation', 'init')).toEqual([]);
	expect(n8n.committed).toBeUndefined();
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'between' });
	// The first scheduled poll comes later (a minute, an hour): Graph's clock has moved on.
	await sleep(1100);
	expect(subjects(await n8n.poll('scheduled'))).toEqual(['between']);
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'later' });
	expect(subjects(await n8n.poll('scheduled'))).toEqual(['later']);
	expect(await n8n.poll('scheduled')).toEqual([]);
});

test('durable poll cursors: a new activation starts from now, whatever an earlier one recorded', async () => {
	const mailbox = addMailbox(contoso, 'durable-reactivate');
	const n8n = new DurableN8n(mailbox);
	await n8n.poll('activation');
	await n8n.poll('scheduled');
	// Deactivated (n8n drops the poller state), mail arrives, activated again.
	n8n.committed = undefined;
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'while inactive', receivedDateTime: new Date(Date.now() - 2000).toISOString() });
	await sleep(1100);
	expect(await n8n.poll('activation')).toEqual([]);
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'after' });
	await sleep(1100);
	expect(subjects(await n8n.poll('scheduled'))).toEqual(['after']);
});

test('a scheduled poll without a cursor or a recorded activation starts from now, as before', async () => {
	const mailbox = addMailbox(contoso, 'durable-no-record');
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'old', receivedDateTime: new Date(Date.now() - 60_000).toISOString() });
	const n8n = new DurableN8n(mailbox);
	expect(await n8n.poll('scheduled')).toEqual([]);
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'new' });
	expect(subjects(await n8n.poll('scheduled'))).toEqual(['new']);
});
