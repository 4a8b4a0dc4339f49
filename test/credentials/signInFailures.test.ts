/**
 * How a failed sign-in reaches the items: one refused sign-in answers every item that waited for it
 * (one token request, not one per item), and a later execution tries again.
 */
import type { IDataObject } from 'n8n-workflow';
import { MicrosoftGraphMail } from '../../nodes/MicrosoftGraphMail/MicrosoftGraphMail.node';
import { startContoso, type Contoso } from '../fixtures/contoso';
import { leakedSecrets, visibleText } from '../fixtures/secretScan';
import { recordVisible } from '../harness/leakWatch';
import { runNode } from '../harness/n8nContext';

let contoso: Contoso;
const seen: unknown[] = [];
const BOB = 'bob@contoso.onmicrosoft.com';

beforeAll(async () => {
	contoso = await startContoso();
});
beforeEach(() => {
	contoso.emu.clearFaults();
	contoso.emu.resetStats();
});
afterAll(async () => {
	expect(leakedSecrets(visibleText(...seen), contoso.secrets)).toEqual([]);
	await contoso.emu.stop();
});

/** Send Mail over `count` items, four at a time, with the given client-credentials data. */
async function sendItems(credentials: IDataObject, count: number, options: { continueOnFail?: boolean; subject: string }) {
	const run = runNode({
		nodeType: new MicrosoftGraphMail(),
		parameters: {
			authentication: 'clientCredentials',
			operation: 'send',
			mailbox: 'alice@contoso.onmicrosoft.com',
			toRecipients: BOB,
			subject: `={{ "${options.subject} " + $json.n }}`,
			bodyContent: 'x',
			options: { parallelItems: 4 },
		},
		credentials: { microsoftGraphMailClientCredentialsApi: credentials },
		items: Array.from({ length: count }, (_, n) => ({ json: { n } })),
		continueOnFail: options.continueOnFail,
	});
	const result = await run.then(
		({ output }) => ({ output: output[0], error: undefined }),
		(error: Error & { description?: string; context?: IDataObject }) => ({ output: undefined, error }),
	);
	seen.push(result.output, result.error);
	recordVisible(result.output, result.error);
	return result;
}

const arrived = (prefix: string) => contoso.emu.messages(BOB, 'inbox').filter((m) => m.subject?.startsWith(prefix)).length;

describe('one wrong secret costs one token request', () => {
	test('4 parallel items (continue on fail): 1 token request, each item carries the AADSTS advice in its place', async () => {
		const wrong = { ...contoso.clientCredentials, clientSecret: 'wrong-secret-4-items' };
		const { output } = await sendItems(wrong, 4, { continueOnFail: true, subject: 'wrong secret cof' });
		expect(contoso.emu.stats().tokenRequests).toBe(1);
		expect(output).toHaveLength(4);
		output!.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			expect(String(item.json.error)).toMatch(/^Sign-in failed \(AADSTS7000215\): The client secret is wrong\. Copy the secret VALUE/);
		});
		expect(arrived('wrong secret cof')).toBe(0);
	});

	test('4 parallel items (stop on error): 1 token request, the node reports it once, for item 0', async () => {
		const wrong = { ...contoso.clientCredentials, clientSecret: 'wrong-secret-stop' };
		const { error } = await sendItems(wrong, 4, { subject: 'wrong secret stop' });
		expect(contoso.emu.stats().tokenRequests).toBe(1);
		expect(error?.message).toMatch(/AADSTS7000215/);
		expect(error?.context?.itemIndex).toBe(0);
	});

	test('a later execution signs in again (the failure is not remembered once settled)', async () => {
		const wrong = { ...contoso.clientCredentials, clientSecret: 'wrong-secret-later' };
		await sendItems(wrong, 1, { continueOnFail: true, subject: 'later 1' });
		await sendItems(wrong, 1, { continueOnFail: true, subject: 'later 2' });
		expect(contoso.emu.stats().tokenRequests).toBe(2);
	});
});
