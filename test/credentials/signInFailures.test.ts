/**
 * How a failed sign-in reaches the items: one refused sign-in answers every item that waited for it
 * (one token request, not one per item), and a later execution tries again. A token request whose
 * connection failed is tried again (bounded); when it never gets through, the items fail as a
 * sign-in failure, never as "may or may not have been carried out".
 */
import type { IDataObject } from 'n8n-workflow';
import { MicrosoftGraphMail } from '../../nodes/MicrosoftGraphMail/MicrosoftGraphMail.node';
import { TOKEN_REQUEST } from '../../nodes/shared/auth/graphTokens';
import { isSignInFailure } from '../../nodes/shared/auth/signInFailure';
import { PASSWORD, SECRET, startContoso, TENANT, type Contoso } from '../fixtures/contoso';
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
async function sendItems(credentials: IDataObject, count: number, options: { continueOnFail?: boolean; subject: string; authentication?: string }) {
	const authentication = options.authentication ?? 'clientCredentials';
	const run = runNode({
		nodeType: new MicrosoftGraphMail(),
		parameters: {
			authentication,
			operation: 'send',
			mailbox: authentication === 'password' ? '' : 'alice@contoso.onmicrosoft.com',
			toRecipients: BOB,
			subject: `={{ "${options.subject} " + $json.n }}`,
			bodyContent: 'x',
			options: { parallelItems: 4 },
		},
		credentials: { [authentication === 'password' ? 'microsoftGraphMailPasswordApi' : 'microsoftGraphMailClientCredentialsApi']: credentials },
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

/** Credentials of an app (or a user) not signed in before in this process, so MSAL's cache is empty. */
let fresh = 0;
function freshApp(): IDataObject {
	const clientId = `app-fresh-${++fresh}`;
	contoso.emu.addApp(TENANT, { clientId, secrets: [SECRET], applicationPermissions: ['Mail.Send'] });
	return { ...contoso.clientCredentials, clientId };
}
function freshUser(): IDataObject {
	const upn = `user-fresh-${++fresh}@contoso.onmicrosoft.com`;
	contoso.emu.addUser(TENANT, { upn, password: PASSWORD });
	return { ...contoso.passwordCredentials, username: upn };
}
const dropTokenConnections = (kind: 'drop-before' | 'drop-after', times: number) =>
	contoso.emu.inject({ match: { path: '/oauth2/v2.0/token' }, kind, times });

describe('a token request whose connection failed is tried again', () => {
	test.each(['drop-before', 'drop-after'] as const)('client credentials, %s twice: the third token request gets through and the mail is sent', async (kind) => {
		dropTokenConnections(kind, 2);
		const subject = `token ${kind}`;
		const { output, error } = await sendItems(freshApp(), 1, { subject });
		expect(error).toBeUndefined();
		expect(output![0].json.subject).toBe(`${subject} 0`);
		expect(contoso.emu.stats().tokenRequests).toBe(3);
		expect(arrived(subject)).toBe(1);
	});

	test('username & password, dropped twice: signs in on the third request', async () => {
		dropTokenConnections('drop-before', 2);
		const { output, error } = await sendItems(freshUser(), 1, { subject: 'ropc dropped', authentication: 'password' });
		expect(error).toBeUndefined();
		expect(output![0].json.error).toBeUndefined();
		expect(contoso.emu.stats().tokenRequests).toBe(3);
	});

	test('a token request that hangs is cut off after the time limit and tried again', async () => {
		const limit = TOKEN_REQUEST.timeoutMs;
		TOKEN_REQUEST.timeoutMs = 1000; // 30 s in production; the emulator holds these two for 5 s
		try {
			contoso.emu.inject({ match: { path: '/oauth2/v2.0/token' }, kind: 'latency', ms: 5000, times: 2 });
			const started = Date.now();
			const { output, error } = await sendItems(freshApp(), 1, { subject: 'token hangs' });
			expect(error).toBeUndefined();
			expect(output![0].json.error).toBeUndefined();
			expect(contoso.emu.stats().tokenRequests).toBe(3);
			expect(Date.now() - started).toBeLessThan(4500);
		} finally {
			TOKEN_REQUEST.timeoutMs = limit;
		}
	});

	test('never reachable: 4 token requests, then a sign-in failure (not "may or may not have been carried out"), nothing sent', async () => {
		dropTokenConnections('drop-before', Infinity);
		const { error } = await sendItems(freshApp(), 1, { subject: 'token unreachable' });
		expect(contoso.emu.stats().tokenRequests).toBe(4);
		expect(error?.message).toBe('Sign-in failed: the identity platform could not be reached (the connection failed or timed out), 4 attempts');
		expect(error?.message).not.toMatch(/may or may not/);
		expect(error?.description).toMatch(/^Nothing was sent to Graph for this request/);
		expect(isSignInFailure(error)).toBe(true);
		expect((error as { failure?: unknown }).failure).toEqual({ cause: 'temporarily-unavailable' });
		expect(arrived('token unreachable')).toBe(0);
	});

	test('a refusal is not retried, and is marked as a credential to fix', async () => {
		const { error } = await sendItems({ ...contoso.clientCredentials, clientSecret: 'wrong-once' }, 1, { subject: 'refused once' });
		expect(contoso.emu.stats().tokenRequests).toBe(1);
		expect(isSignInFailure(error)).toBe(true);
		expect((error as { failure?: unknown }).failure).toEqual({ cause: 'credential-invalid' });
	});
});

describe('on the draft path (Exactly Once delivery)', () => {
	// Graph refuses the token at the draft's send (and at the look at the draft afterwards), and a new
	// token cannot be had: the send never went out, so nothing about it is unknown.
	test('a sign-in that fails at the send is reported as a sign-in failure, not as an unknown outcome', async () => {
		const clientId = `app-draft-${++fresh}`;
		contoso.emu.addApp(TENANT, { clientId, secrets: [SECRET], applicationPermissions: ['Mail.Send', 'Mail.ReadWrite'] });
		const credentials = { ...contoso.clientCredentials, clientId };
		await sendItems(credentials, 1, { subject: 'draft warm-up' }); // signed in: the token is cached
		contoso.emu.resetStats();
		const tokenRefused = { error: { code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.' } };
		contoso.emu.inject({ match: { method: 'POST', path: /\/messages\/[^/]+\/send$/ }, kind: 'status', status: 401, body: tokenRefused, times: Infinity });
		contoso.emu.inject({ match: { method: 'GET', path: /\/messages\/[^/]+$/ }, kind: 'status', status: 401, body: tokenRefused, times: Infinity });
		dropTokenConnections('drop-before', Infinity);
		const error = await runNode({
			nodeType: new MicrosoftGraphMail(),
			parameters: { authentication: 'clientCredentials', operation: 'send', mailbox: 'alice@contoso.onmicrosoft.com', toRecipients: BOB, subject: 'draft sign-in', bodyContent: 'x', options: { delivery: 'draft' } },
			credentials: { microsoftGraphMailClientCredentialsApi: credentials },
		}).then(() => undefined, (e: Error & { description?: string }) => e);
		seen.push(error);
		recordVisible(error);
		expect(arrived('draft sign-in')).toBe(0);
		expect(error?.message).toMatch(/^Sign-in failed: the identity platform could not be reached/);
		expect(`${error?.message} ${error?.description}`).not.toMatch(/unknown|may or may not/i);
	});
});
