/**
 * Where Graph has no delta (China cloud), the trigger lists mail by receivedDateTime with an
 * overlap and de-duplicates by id. The emulator serves delta, so these tests hand the poll a
 * client whose cloud says "china" — the rest is the real code against the real emulator.
 */
import { MicrosoftGraphMailTrigger } from '../../../nodes/MicrosoftGraphMailTrigger/MicrosoftGraphMailTrigger.node';
import { pollNewMail } from '../../../nodes/MicrosoftGraphMailTrigger/newMailPoll';
import { deltaUnavailable } from '../../../nodes/MicrosoftGraphMailTrigger/receivedWindow';
import { readSettings } from '../../../nodes/MicrosoftGraphMailTrigger/triggerSettings';
import { createGraphClient } from '../../../nodes/shared/transport/graphClient';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { startContoso, type Contoso } from '../../fixtures/contoso';
import { pollContext } from '../../harness/n8nContext';
import { addMailbox } from './triggerFixture';

let contoso: Contoso;
beforeAll(async () => {
	contoso = await startContoso();
});
afterAll(async () => {
	await contoso?.emu.stop();
});

async function chinaPoll(parameters: INodeParameters, staticData: IDataObject): Promise<string[]> {
	const { context } = pollContext({
		nodeType: new MicrosoftGraphMailTrigger(),
		parameters: { authentication: 'clientCredentials', event: 'newMail', ...parameters },
		credentials: { microsoftGraphMailClientCredentialsApi: contoso.clientCredentials },
		staticData,
	});
	const client = await createGraphClient(context);
	Object.assign(client.endpoints, { cloud: 'china' });
	const { items } = await pollNewMail(context, client, readSettings(context));
	return items.map((i) => String(i.json.subject));
}

test('delta is unavailable in the China cloud (or a custom cloud pointing there)', () => {
	expect(deltaUnavailable({ cloud: 'china', graphUrl: 'https://microsoftgraph.chinacloudapi.cn' })).toBe(true);
	expect(deltaUnavailable({ cloud: 'custom', graphUrl: 'https://microsoftgraph.chinacloudapi.cn' })).toBe(true);
	expect(deltaUnavailable({ cloud: 'global', graphUrl: 'https://graph.microsoft.com' })).toBe(false);
});

test('received-time window: from now, each new mail once, late mail with an earlier time still caught', async () => {
	const mailbox = addMailbox(contoso, 'window-basic');
	const staticData: IDataObject = {};
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'old', receivedDateTime: new Date(Date.now() - 3600_000).toISOString() });
	expect(await chinaPoll({ mailbox }, staticData)).toEqual([]);
	const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'new 1', receivedDateTime: inSeconds(120) });
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'new 2', receivedDateTime: inSeconds(121) });
	expect(await chinaPoll({ mailbox }, staticData)).toEqual(['new 1', 'new 2']);
	expect(await chinaPoll({ mailbox }, staticData)).toEqual([]);
	// Shows up after that poll, with a receivedDateTime 90 s before the newest mail seen.
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'late', receivedDateTime: inSeconds(30) });
	expect(await chinaPoll({ mailbox }, staticData)).toEqual(['late']);
	expect(await chinaPoll({ mailbox }, staticData)).toEqual([]);
});

test('received-time window: a burst comes in capped batches, in order, none twice', async () => {
	const mailbox = addMailbox(contoso, 'window-burst');
	const staticData: IDataObject = {};
	await chinaPoll({ mailbox, options: { maxMailsPerPoll: 7 } }, staticData);
	// Ten in the same second, then ten a second apart.
	const base = Math.floor(Date.now() / 1000) * 1000 + 5000;
	const name = (i: number) => `m${String(i).padStart(2, '0')}`;
	for (let i = 0; i < 20; i++) contoso.emu.seedMessage(mailbox, 'inbox', { subject: name(i), receivedDateTime: new Date(base + Math.max(0, i - 9) * 1000).toISOString() });
	const all: string[] = [];
	const batches: number[] = [];
	for (let i = 0; i < 6; i++) {
		const out = await chinaPoll({ mailbox, options: { maxMailsPerPoll: 7 } }, staticData);
		batches.push(out.length);
		all.push(...out);
	}
	expect(batches).toEqual([7, 7, 6, 0, 0, 0]);
	// Oldest first; within one second in Graph's order.
	expect(all.slice(0, 10).sort()).toEqual(Array.from({ length: 10 }, (_, i) => name(i)));
	expect(all.slice(10)).toEqual(Array.from({ length: 10 }, (_, i) => name(i + 10)));
});
