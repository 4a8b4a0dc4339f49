/**
 * Send and Wait in a real n8n execute context against the emulator: the question mail arrives with
 * n8n's signed resume links, the execution is put to wait, bad input sends nothing.
 */
import { createHmac } from 'crypto';
import { NodeHelpers, Workflow, type IDataObject, type INodeExecutionData } from 'n8n-workflow';
import { InstanceSettings } from 'n8n-core';
import { Container } from '@n8n/di';
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { executeContext } from '../../../harness/n8nContext';
import { addMailbox, ALICE, failureOf, node } from '../send/sendFixture';

let contoso: Contoso;
beforeAll(async () => {
	contoso = await startContoso();
});
afterAll(async () => {
	await contoso?.emu.stop();
});

async function sendAndWait(parameters: IDataObject, items?: INodeExecutionData[], continueOnFail = false) {
	const { context } = executeContext({
		continueOnFail,
		nodeType: node,
		parameters: { authentication: 'clientCredentials', resource: 'message', operation: 'sendAndWait', mailbox: ALICE, ...parameters } as never,
		credentials: { microsoftGraphMailClientCredentialsApi: contoso.clientCredentials },
		items,
	});
	const output = (await node.execute.call(context)) as INodeExecutionData[][];
	const internals = context as unknown as { runExecutionData: { waitTill?: Date }; executeData: { data: { main: INodeExecutionData[][] }; metadata?: IDataObject } };
	const { executeData } = internals;
	return { output, waitTill: internals.runExecutionData.waitTill, waitingItems: executeData.data.main[0], waiting: executeData.data.main, metadata: executeData.metadata };
}

const links = (html: string) => [...html.matchAll(/<a href="([^"]+)" target/g)].map((m) => new URL(m[1].replace(/&amp;/g, '&')));

/** n8n's check (waiting-webhooks.ts): HMAC-SHA256 of path + query without the signature, keyed by the instance secret. */
function signatureValid(url: URL): boolean {
	const unsigned = new URL(url);
	const signature = unsigned.searchParams.get('signature');
	unsigned.searchParams.delete('signature');
	const expected = createHmac('sha256', Container.get(InstanceSettings).hmacSignatureSecret).update(`${unsigned.pathname}${unsigned.search}`).digest('hex');
	return signature === expected;
}

test('approval: the mail arrives with Approve and Decline linked to signed resume URLs of this execution and node; the execution waits', async () => {
	const boss = addMailbox(contoso, 'boss-approval');
	const before = Date.now();
	const { output, waitTill, waitingItems } = await sendAndWait(
		{
			toRecipients: boss,
			subject: 'Approve invoice <7>',
			message: 'Amount: 1 200 €\nSupplier: "Fabrikam"',
			responseType: 'approval',
			approvalOptions: { values: { approvalType: 'double', approveLabel: 'Pay it', disapproveLabel: 'Reject' } },
			options: { limitWaitTime: { values: { resumeAmount: 2, resumeUnit: 'hours' } } },
		},
		[{ json: { invoice: 7 } }],
	);
	const [mail] = contoso.emu.messages(boss, 'inbox');
	expect(mail.subject).toBe('Approve invoice <7>');
	expect(mail.body.contentType).toBe('html');
	expect(mail.body.content).toContain('Amount: 1 200 €<br>Supplier: &quot;Fabrikam&quot;');
	const urls = links(mail.body.content);
	expect(urls.map((u) => [u.pathname, u.searchParams.get('approved')])).toEqual([
		['/webhook-waiting/test-execution/node-under-test', 'true'],
		['/webhook-waiting/test-execution/node-under-test', 'false'],
	]);
	expect(urls.every(signatureValid)).toBe(true);
	// Altering the answer breaks the signature n8n checks.
	const altered = new URL(urls[1]);
	altered.searchParams.set('approved', 'true');
	expect(signatureValid(altered)).toBe(false);

	expect(waitTill!.getTime()).toBeGreaterThanOrEqual(before + 2 * 3_600_000);
	expect(waitTill!.getTime()).toBeLessThan(Date.now() + 2 * 3_600_000 + 1000);
	expect(output).toEqual([[{ json: { invoice: 7 } }]]);
	// What n8n passes on if the limit runs out first.
	expect(waitingItems).toEqual([{ json: { timedOut: true, data: {}, waitedUntil: waitTill!.toISOString(), messageSubject: 'Approve invoice <7>' }, pairedItem: { item: 0 } }]);
});

test('free text from a shared mailbox, with CC and an attachment: one Respond link, no limit = wait indefinitely, input passed on with passThrough', async () => {
	const ann = addMailbox(contoso, 'ann-freetext');
	const carl = addMailbox(contoso, 'carl-freetext');
	const shared = addMailbox(contoso, 'shared-desk');
	const pdf = Buffer.from('%PDF-1.4 question');
	const { waitTill, waitingItems } = await sendAndWait(
		{
			mailbox: shared,
			toRecipients: ann,
			ccRecipients: carl,
			subject: 'Why?',
			message: 'Tell us',
			responseType: 'freeText',
			options: { messageButtonLabel: 'Write an answer', attachments: 'doc', onTimeout: 'passThrough' },
		},
		[{ json: { n: 1 }, binary: { doc: { data: pdf.toString('base64'), mimeType: 'application/pdf', fileName: 'q.pdf' } } }],
	);
	const [mail] = contoso.emu.messages(ann, 'inbox');
	expect(mail.from?.emailAddress.address ?? mail.sender?.emailAddress.address).toBe(shared);
	expect(contoso.emu.messages(carl, 'inbox')).toHaveLength(1);
	expect(links(mail.body.content).map((u) => u.searchParams.get('approved'))).toEqual(['true']);
	expect(mail.body.content).toContain('>Write an answer</a>');
	expect(mail.attachments.map((a: { name: string }) => a.name)).toEqual(['q.pdf']);
	expect(waitTill!.getUTCFullYear()).toBe(3000);
	expect(waitingItems).toEqual([{ json: { n: 1 }, binary: expect.anything() }]);
});

test('custom form: fields as n8n resolves them (a dropdown with its options) are accepted, one Respond link', async () => {
	const ann = addMailbox(contoso, 'ann-form');
	await sendAndWait({
		toRecipients: ann,
		subject: 'Budget',
		message: 'Fill in',
		responseType: 'customForm',
		formFields: { values: [{ fieldLabel: 'Amount', fieldType: 'number', requiredField: true }, { fieldLabel: 'Centre', fieldType: 'dropdown', fieldOptions: { values: [{ option: 'Sales' }, { option: 'R&D' }] } }] },
	});
	const [mail] = contoso.emu.messages(ann, 'inbox');
	expect(links(mail.body.content).map((u) => u.searchParams.get('approved'))).toEqual(['true']);
	expect(mail.body.content).toContain('>Respond</a>');
});

test('On Timeout = Timed Out output: two outputs; what n8n passes on at the limit is the marker on the second output', async () => {
	const ann = addMailbox(contoso, 'ann-timedout');
	const { output, waiting, metadata } = await sendAndWait({ toRecipients: ann, subject: 'Late?', message: 'm', options: { onTimeout: 'output', limitWaitTime: { values: { resumeAmount: 1, resumeUnit: 'minutes' } } } }, [{ json: { a: 1 } }]);
	expect(output).toEqual([[{ json: { a: 1 } }], []]);
	expect(waiting).toEqual([[], [{ json: expect.objectContaining({ timedOut: true, messageSubject: 'Late?' }), pairedItem: { item: 0 } }]]);
	expect(metadata).toEqual(expect.objectContaining({ forwardAllOutputs: true }));
	const workflow = new Workflow({ nodes: [{ id: 'n', name: 'G', type: 't', typeVersion: 1, position: [0, 0], parameters: { resource: 'message', operation: 'sendAndWait', options: { onTimeout: 'output' } } }], connections: {}, active: false, nodeTypes: { getByName: () => node, getByNameAndVersion: () => node, getKnownTypes: () => ({}) } as never });
	expect(NodeHelpers.getNodeOutputs(workflow, workflow.getNode('G')!, node.description)).toEqual([
		{ type: 'main', displayName: 'Response' },
		{ type: 'main', displayName: 'Timed Out' },
	]);
});

test('bad input: a field error naming the item and field, nothing sent', async () => {
	const ann = addMailbox(contoso, 'ann-bad');
	const cases: [IDataObject, RegExp][] = [
		[{ toRecipients: ann, subject: 'x', message: '' }, /^Message: /],
		[{ toRecipients: ann, subject: 'x', message: 'm', responseType: 'customForm', formFields: { values: [] } }, /^Form Fields: Add at least one field/],
		[{ toRecipients: ann, subject: 'x', message: 'm', options: { limitWaitTime: { values: { resumeAmount: 0, resumeUnit: 'hours' } } } }, /^Limit Wait Time: /],
		[{ toRecipients: ann, subject: 'x', message: 'm', responseType: 'customForm', formFields: { values: [{ fieldLabel: 'Pick', fieldType: 'dropdown', fieldOptions: { values: [] } }] } }, /^Form Fields: "Pick" is a dropdown without options/],
		[{ toRecipients: 'not an address', subject: 'x', message: 'm' }, /^To: .*\[item 0\]/],
		[{ toRecipients: '', subject: 'x', message: 'm' }, /^To: No recipient/],
	];
	for (const [parameters, message] of cases) {
		const error = await failureOf(sendAndWait(parameters));
		expect(error.message).toMatch(message);
	}
	expect(contoso.emu.messages(ann, 'inbox')).toHaveLength(0);
});

test('continue on fail: a bad item or a Graph refusal becomes the error item, nobody is asked, the execution does not wait', async () => {
	const ann = addMailbox(contoso, 'ann-continue');
	const bad = await sendAndWait({ toRecipients: ann, subject: 'x', message: '' }, undefined, true);
	expect(bad.output).toEqual([[{ json: { error: expect.stringMatching(/^Message: /) }, pairedItem: { item: 0 } }]]);
	expect(bad.waitTill).toBeUndefined();
	const refused = await sendAndWait({ mailbox: 'nobody@contoso.onmicrosoft.com', toRecipients: ann, subject: 'x', message: 'm' }, undefined, true);
	expect(refused.output[0][0].json.error).toEqual(expect.any(String));
	expect(refused.waitTill).toBeUndefined();
	expect(contoso.emu.messages(ann, 'inbox')).toHaveLength(0);
});
