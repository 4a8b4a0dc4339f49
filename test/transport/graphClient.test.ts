/**
 * The shared Graph client against the emulator: throttling is waited out as Graph asks, a request
 * whose fate is unknown is not sent twice, paging follows nextLink, and broken answers are named.
 */
import { MicrosoftGraphMail } from '../../nodes/MicrosoftGraphMail/MicrosoftGraphMail.node';
import { createGraphClient, type GraphClient } from '../../nodes/shared/transport/graphClient';
import { startContoso, type Contoso } from '../fixtures/contoso';
import { leakedSecrets, visibleText } from '../fixtures/secretScan';
import { recordVisible } from '../harness/leakWatch';
import { executeContext } from '../harness/n8nContext';

let contoso: Contoso;
let graph: GraphClient;
const errors: unknown[] = [];
const ALICE = 'alice@contoso.onmicrosoft.com';
const alicePath = `/users/${ALICE}`;

beforeAll(async () => {
	contoso = await startContoso();
	const { context } = executeContext({
		nodeType: new MicrosoftGraphMail(),
		parameters: { authentication: 'clientCredentials', operation: 'send' },
		credentials: { microsoftGraphMailClientCredentialsApi: contoso.clientCredentials },
	});
	graph = await createGraphClient(context);
});
beforeEach(() => {
	contoso.emu.clearFaults();
	contoso.emu.resetStats();
});
afterAll(async () => {
	expect(leakedSecrets(visibleText(...errors), contoso.secrets)).toEqual([]);
	await contoso.emu.stop();
});

async function failure(promise: Promise<unknown>): Promise<Error & { description?: string; httpCode?: string }> {
	try {
		await promise;
	} catch (error) {
		errors.push(error);
		recordVisible(error);
		return error as Error;
	}
	throw new Error('expected a failure');
}

const sendMail = (subject: string) => ({
	method: 'POST' as const,
	url: `/users/${encodeURIComponent(ALICE)}/sendMail`,
	body: { message: { subject, body: { contentType: 'text', content: 'hi' }, toRecipients: [{ emailAddress: { address: 'bob@contoso.onmicrosoft.com' } }] } },
});
const arrived = (subject: string) => contoso.emu.messages('bob@contoso.onmicrosoft.com', 'inbox').filter((m) => m.subject === subject).length;

describe('throttling and unavailability', () => {
	test('429 with Retry-After is waited out, then the call succeeds', async () => {
		contoso.emu.inject({ match: { path: alicePath }, kind: 'status', status: 429, retryAfterSeconds: 1, times: 2 });
		const started = Date.now();
		const user = await graph.request({ url: alicePath });
		expect(user.userPrincipalName).toBe(ALICE);
		expect(Date.now() - started).toBeGreaterThanOrEqual(1900); // two waits of Retry-After: 1
		expect(contoso.emu.stats().graphRequests).toBe(3);
	});

	test('503 without Retry-After is retried with backoff', async () => {
		contoso.emu.inject({ match: { path: alicePath }, kind: 'status', status: 503, times: 2 });
		expect((await graph.request({ url: alicePath })).userPrincipalName).toBe(ALICE);
		expect(contoso.emu.stats().graphRequests).toBe(3);
	});

	test('a throttled sendMail is retried and the mail arrives once', async () => {
		contoso.emu.inject({ match: { path: /sendMail$/ }, kind: 'status', status: 429, retryAfterSeconds: 0, times: 3 });
		await graph.request(sendMail('throttled once'));
		expect(arrived('throttled once')).toBe(1);
	});

	test('429 forever ends in a clear error naming Graph\'s code', async () => {
		contoso.emu.inject({ match: { path: alicePath }, kind: 'status', status: 429, retryAfterSeconds: 0, times: Infinity });
		const error = await failure(graph.request({ url: alicePath }));
		expect(error.message).toMatch(/TooManyRequests|ApplicationThrottled/);
		expect(error.description).toMatch(/request-id: \S+/);
	});

	test('504 on a POST is not repeated (the mail may have gone out)', async () => {
		contoso.emu.inject({ match: { path: /sendMail$/ }, kind: 'status', status: 504, times: 1 });
		await failure(graph.request(sendMail('gateway timeout')));
		expect(contoso.emu.stats().graphRequests).toBe(1);
	});
});

describe('broken connections', () => {
	test('connection dropped after sendMail was carried out: reported, never sent twice', async () => {
		contoso.emu.inject({ match: { path: /sendMail$/ }, kind: 'drop-after', times: 1 });
		const error = await failure(graph.request(sendMail('dropped after send')));
		expect(error.message).toMatch(/may or may not have been carried out/);
		expect(arrived('dropped after send')).toBe(1);
	});

	test('a GET whose connection dropped is simply retried', async () => {
		contoso.emu.inject({ match: { path: alicePath }, kind: 'drop-before', times: 2 });
		expect((await graph.request({ url: alicePath })).userPrincipalName).toBe(ALICE);
	});
});

describe('answers that are not Graph JSON', () => {
	test('an HTML error page is reported with its status, not parsed as data', async () => {
		contoso.emu.inject({ match: { path: alicePath }, kind: 'html', times: 1 });
		const error = await failure(graph.request({ url: alicePath }));
		expect(error.message).toMatch(/HTTP 502[\s\S]*not Graph's error JSON/);
	});

	test('garbage in a 200 answer is an error, not output', async () => {
		contoso.emu.inject({ match: { path: alicePath }, kind: 'garbage', times: 1 });
		const error = await failure(graph.request({ url: alicePath }));
		expect(error.message).toMatch(/not Graph's error JSON|not JSON/);
	});
});

describe('Graph errors', () => {
	test('unknown mailbox: code, message, status, request-id and advice', async () => {
		const error = await failure(graph.request({ url: '/users/nobody@contoso.onmicrosoft.com/messages' }));
		expect(error.message).toMatch(/^ErrorInvalidUser: /);
		expect(error.httpCode).toBe('404');
		expect(error.description).toMatch(/Check the Mailbox[\s\S]*request-id: \S+/);
	});

	test('403 names the permission the call needs', async () => {
		const { context } = executeContext({
			nodeType: new MicrosoftGraphMail(),
			parameters: { authentication: 'clientCredentials', operation: 'send' },
			credentials: { microsoftGraphMailClientCredentialsApi: { ...contoso.clientCredentials, clientId: 'app-send-only' } },
		});
		const sendOnly = await createGraphClient(context);
		const error = await failure(sendOnly.request({ url: `${alicePath}/messages`, permission: 'Mail.Read (application)' }));
		expect(error.httpCode).toBe('403');
		expect(error.description).toContain('grant Mail.Read (application)');
	});

	test('the token is never sent to another origin', async () => {
		const error = await failure(graph.request({ url: 'https://evil.example.com/v1.0/users' }));
		expect(error.message).toMatch(/Refusing to send the Graph token/);
	});
});

describe('paging and concurrency', () => {
	test('pages follow @odata.nextLink until the end, each message once', async () => {
		for (let i = 0; i < 25; i++) contoso.emu.seedMessage('shared-inbox@contoso.onmicrosoft.com', 'inbox', { subject: `page test ${i}` });
		const ids: string[] = [];
		let pages = 0;
		for await (const page of graph.pages<{ id: string }>({ url: '/users/shared-inbox@contoso.onmicrosoft.com/mailFolders/inbox/messages', qs: { $top: 10, $select: 'id' } })) {
			pages++;
			ids.push(...page.value.map((m) => m.id));
		}
		expect(pages).toBe(3);
		expect(new Set(ids).size).toBe(25);
	});

	test('40 parallel calls to one mailbox never exceed Graph\'s 4-concurrent limit', async () => {
		contoso.emu.setLatency(30);
		graph.batching = false; // each call on its own (batching.test.ts: the same with $batch)
		try {
			await Promise.all(Array.from({ length: 40 }, () => graph.request({ url: `${alicePath}/messages`, qs: { $top: 1 } })));
		} finally {
			contoso.emu.setLatency(0);
			graph.batching = true;
		}
		expect(contoso.emu.stats().throttled).toBe(0);
		expect(contoso.emu.stats().graphRequests).toBe(40);
	});
});
