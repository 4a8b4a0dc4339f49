/**
 * The node's webhook in a real n8n-core webhook context, as n8n's waiting webhooks call it: the
 * pages, the answer items the execution resumes with, and links not signed for this execution refused.
 */
import type { IDataObject, IWebhookResponseData } from 'n8n-workflow';
import { executeContext, webhookContext, type WebhookExchange } from '../../../harness/n8nContext';
import { node } from '../send/sendFixture';

const base = { authentication: 'clientCredentials', resource: 'message', operation: 'sendAndWait', subject: 'Invoice <7>', message: 'Pay "Fabrikam"?' };

/** The signature n8n puts on this execution's link for an answer (the one the mail carries). */
function signature(approved: 'true' | 'false'): string {
	const { context } = executeContext({ nodeType: node, parameters: base as never });
	return new URL(context.getSignedResumeUrl({ approved })).searchParams.get('signature')!;
}

async function call(parameters: IDataObject, exchange: WebhookExchange) {
	const { context, reply } = webhookContext({ nodeType: node, parameters: { ...base, ...parameters } as never }, exchange);
	const result = (await node.webhook.call(context)) as IWebhookResponseData;
	return { result, reply, page: typeof result.webhookResponse === 'string' ? result.webhookResponse : reply.body };
}
const signed = (approved: 'true' | 'false') => ({ approved, signature: signature(approved) });
const approval = { responseType: 'approval', approvalOptions: { values: { approvalType: 'double', approveLabel: 'Pay', disapproveLabel: 'Hold' } } };

describe('approval', () => {
	test('GET (a click, or a link scanner) shows the choice and records nothing; POST resumes with approved', async () => {
		const get = await call(approval, { method: 'GET', query: signed('false') });
		expect(get.result).toEqual({ noWebhookResponse: true });
		expect(get.reply.status).toBe(200);
		expect(get.page).toContain('<button type="submit" class="secondary">Hold</button>');
		expect(get.page).toContain('Invoice &lt;7&gt;');

		const post = await call(approval, { method: 'POST', query: signed('false') });
		expect(post.result.workflowData).toEqual([[{ json: { data: { approved: false } }, pairedItem: { item: 0 } }]]);
		expect(post.page).toContain('Thanks, your response was recorded');
		expect(post.page).toContain('<strong>Hold</strong>');
		const yes = await call(approval, { method: 'POST', query: signed('true') });
		expect(yes.result.workflowData).toEqual([[{ json: { data: { approved: true } }, pairedItem: { item: 0 } }]]);
		// With a Timed Out output the answer still leaves on the first one.
		const two = await call({ ...approval, options: { onTimeout: 'output' } }, { method: 'POST', query: signed('true') });
		expect(two.result.workflowData).toEqual([[{ json: { data: { approved: true } }, pairedItem: { item: 0 } }], []]);
	});

	test('refused with a page, nothing resumed: the answer altered, the signature altered or missing, no answer', async () => {
		const altered: Record<string, string>[] = [
			{ approved: 'true', signature: signature('false') },
			{ approved: 'true', signature: signature('true').replace(/^./, (c) => (c === '0' ? '1' : '0')) },
			{ approved: 'true' },
			{ signature: signature('true') },
			{ approved: 'yes', signature: signature('true') },
		];
		for (const query of altered) {
			const { result, reply } = await call(approval, { method: 'POST', query });
			expect(result).toEqual({ noWebhookResponse: true });
			expect(reply.status).toBe(401);
			expect(reply.body).toContain('This link is not valid');
		}
	});
});

describe('free text and custom form', () => {
	const form = {
		responseType: 'customForm',
		formFields: { values: [{ fieldLabel: 'Amount', fieldType: 'number', requiredField: true }, { fieldLabel: 'OK?', fieldType: 'checkbox' }] },
	};

	test('free text: GET the form, POST (multipart: fields under data) resumes with the text', async () => {
		const get = await call({ responseType: 'freeText' }, { method: 'GET', query: signed('true') });
		expect(get.page).toContain('<textarea id="field-0" name="field-0" required>');
		const post = await call({ responseType: 'freeText' }, { method: 'POST', query: signed('true'), body: { data: { 'field-0': 'Not yet <b>' } } });
		expect(post.result.workflowData).toEqual([[{ json: { data: { text: 'Not yet <b>' } }, pairedItem: { item: 0 } }]]);
		expect(post.page).toContain('Not yet &lt;b&gt;');
	});

	test('an option given by an expression on the input item (not resolvable when the link is opened) spoils no other option', async () => {
		const options = { limitWaitTime: { values: { resumeAmount: '={{ $("Start").item.json.limitSeconds }}', resumeUnit: 'seconds' } }, onTimeout: 'output', responseFormTitle: 'Tell us' };
		const get = await call({ responseType: 'freeText', options }, { method: 'GET', query: signed('true') });
		expect(get.page).toContain('<h1>Tell us</h1>');
		const post = await call({ responseType: 'freeText', options }, { method: 'POST', query: signed('true'), body: { 'field-0': 'ok' } });
		expect(post.result.workflowData).toEqual([[{ json: { data: { text: 'ok' } }, pairedItem: { item: 0 } }], []]);
	});

	test('custom form: a refused submission shows the form again with the problem (400) and resumes nothing; a good one resumes with the fields by label', async () => {
		const bad = await call(form, { method: 'POST', query: signed('true'), body: { data: { 'field-0': 'many', 'field-1': 'on' } } });
		expect(bad.result).toEqual({ noWebhookResponse: true });
		expect(bad.reply.status).toBe(400);
		expect(bad.reply.body).toContain('&quot;Amount&quot; must be a number.');
		expect(bad.reply.body).toContain('value="many"');
		const good = await call(form, { method: 'POST', query: signed('true'), body: { 'field-0': '12', 'field-1': 'on' } });
		expect(good.result.workflowData).toEqual([[{ json: { data: { Amount: 12, 'OK?': true } }, pairedItem: { item: 0 } }]]);
	});
});
