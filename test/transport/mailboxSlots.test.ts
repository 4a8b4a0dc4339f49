/**
 * The 4-in-flight slots belong to the real mailbox, whatever the URL calls it, and to nobody else's:
 * against the emulator with Graph's concurrency limit on, and a throttled mailbox holds all its
 * slots until Retry-After instead of letting each request hit the same wall.
 */
import type { IDataObject } from 'n8n-workflow';
import { MicrosoftGraphMail } from '../../nodes/MicrosoftGraphMail/MicrosoftGraphMail.node';
import { createGraphClient, type GraphClient } from '../../nodes/shared/transport/graphClient';
import { PASSWORD, startContoso, TENANT, type Contoso } from '../fixtures/contoso';
import { executeContext } from '../harness/n8nContext';

const ALICE = 'alice@contoso.onmicrosoft.com';
const BOB = 'bob@contoso.onmicrosoft.com';
const REDIRECT = 'http://127.0.0.1:5678/rest/oauth2-credential/callback';
const OAUTH_SECRET = 'Oa2~fake-oauth-secret-for-slots';
const SCOPE = 'openid offline_access User.Read Mail.ReadWrite Mail.Send';
let contoso: Contoso;

beforeAll(async () => {
	contoso = await startContoso();
	contoso.emu.addApp(TENANT, { clientId: 'app-oauth', secrets: [{ id: 'oauth-secret-id', value: OAUTH_SECRET }], redirectUris: [REDIRECT], delegatedScopes: SCOPE.split(' ') });
});
beforeEach(() => {
	contoso.emu.clearFaults();
	contoso.emu.setLatency(0);
	contoso.emu.resetStats();
});
afterAll(async () => await contoso.emu.stop());

async function client(authentication: string, credentials: IDataObject): Promise<GraphClient> {
	const type = { clientCredentials: 'microsoftGraphMailClientCredentialsApi', password: 'microsoftGraphMailPasswordApi', oAuth2: 'microsoftGraphMailOAuth2Api' }[authentication]!;
	const { context } = executeContext({ nodeType: new MicrosoftGraphMail(), parameters: { authentication, operation: 'send' }, credentials: { [type]: credentials } });
	const graph = await createGraphClient(context);
	graph.batching = false; // one request per call, so the log shows each; batching.test.ts holds $batch chains to the same slots
	return graph;
}

/** An OAuth2 credential as n8n's callback stores it, for a person signed in on the emulator's page. */
async function oauth2Credential(username: string): Promise<IDataObject> {
	const base = `${contoso.emu.url}/${TENANT}/oauth2/v2.0`;
	const form = new URLSearchParams({ client_id: 'app-oauth', redirect_uri: REDIRECT, response_type: 'code', scope: SCOPE, state: 's', username, password: PASSWORD });
	const page = await fetch(`${base}/authorize`, { method: 'POST', body: form, redirect: 'manual' });
	const code = new URL(page.headers.get('location')!).searchParams.get('code')!;
	const token = await fetch(`${base}/token`, {
		method: 'POST',
		body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: 'app-oauth', client_secret: OAUTH_SECRET }),
	});
	return {
		cloud: 'custom', authorityUrl: contoso.emu.url, graphUrl: contoso.emu.url, tenantId: TENANT, clientId: 'app-oauth', clientSecret: OAUTH_SECRET,
		grantType: 'authorizationCode', authUrl: `${base}/authorize`, accessTokenUrl: `${base}/token`, scope: SCOPE, authentication: 'body',
		oauthTokenData: (await token.json()) as IDataObject,
	};
}

async function objectId(upn: string): Promise<string> {
	const app = await client('clientCredentials', contoso.clientCredentials);
	return (await app.request<{ id: string }>({ url: `/users/${upn}`, qs: { $select: 'id' } })).id;
}

const messagesOf = (mailboxPath: string) => ({ url: `${mailboxPath}/messages`, qs: { $top: 1, $select: 'id' } });

describe('one mailbox, however it is named', () => {
	test('ROPC: /me, the UPN and the object id of one person share 4 slots: no 429 from Graph', async () => {
		const bobId = await objectId(BOB);
		const bob = await client('password', contoso.passwordCredentials);
		contoso.emu.resetStats();
		contoso.emu.setLatency(100);
		const paths = ['/me', `/users/${encodeURIComponent(BOB)}`, `/users/${bobId}`, `/users/${bobId.toUpperCase()}`, '/users/Bob@Contoso.onmicrosoft.com'];
		await Promise.all(Array.from({ length: 20 }, (_, i) => bob.request(messagesOf(paths[i % paths.length]))));
		const stats = contoso.emu.stats();
		expect(stats.throttled).toBe(0);
		// The object id is looked up once for the whole run, not per call.
		expect(stats.log.filter((e) => e.method === 'GET' && e.path === `/v1.0/users/${bobId}`)).toHaveLength(1);
	});

	test('client credentials: the UPN and the object id of one mailbox share 4 slots', async () => {
		const aliceId = await objectId(ALICE);
		const app = await client('clientCredentials', contoso.clientCredentials);
		contoso.emu.resetStats();
		contoso.emu.setLatency(100);
		await Promise.all(Array.from({ length: 16 }, (_, i) => app.request(messagesOf(i % 2 ? `/users/${ALICE}` : `/users/${aliceId}`))));
		expect(contoso.emu.stats().throttled).toBe(0);
	});

	test('an object id Graph will not name (lookup refused) keeps its own slots, and is not asked again', async () => {
		const carolId = contoso.emu.addUser(TENANT, { upn: 'carol-slots@contoso.onmicrosoft.com' }).id;
		const app = await client('clientCredentials', contoso.clientCredentials);
		contoso.emu.inject({ match: { method: 'GET', path: `/users/${carolId}` }, kind: 'status', status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } } });
		contoso.emu.setLatency(50);
		await Promise.all(Array.from({ length: 8 }, () => app.request(messagesOf(`/users/${carolId}`))));
		const log = contoso.emu.stats().log;
		expect(log.filter((e) => e.path === `/v1.0/users/${carolId}`).map((e) => e.status)).toEqual([403]);
		expect(log.filter((e) => e.path === `/v1.0/users/${carolId}/messages` && e.status === 200)).toHaveLength(8);
		expect(contoso.emu.stats().throttled).toBe(0);
	});
});

describe('different mailboxes do not wait for each other', () => {
	test('two people on OAuth2 /me in parallel: one slow mailbox does not hold up the other', async () => {
		const alice = await client('oAuth2', await oauth2Credential(ALICE));
		const bob = await client('oAuth2', await oauth2Credential(BOB));
		// Alice's four calls take 1.5 s each and fill four slots; Bob's must not queue behind them.
		contoso.emu.inject({ match: { path: '/me/mailFolders/inbox/messages' }, kind: 'latency', ms: 1500, times: 4 });
		const started = Date.now();
		const aliceDone = Promise.all(Array.from({ length: 4 }, () => alice.request({ url: '/me/mailFolders/inbox/messages', qs: { $top: 1 } }))).then(() => Date.now() - started);
		const bobDone = Promise.all(Array.from({ length: 4 }, () => bob.request(messagesOf('/me')))).then(() => Date.now() - started);
		const [aliceMs, bobMs] = await Promise.all([aliceDone, bobDone]);
		expect(aliceMs).toBeGreaterThanOrEqual(1500);
		expect(bobMs).toBeLessThan(aliceMs - 500);
		expect(contoso.emu.stats().throttled).toBe(0);
	});
});

describe('a throttled mailbox', () => {
	test('Retry-After holds all of its slots: one 429 per episode, calls in flight finish, every item succeeds', async () => {
		const app = await client('clientCredentials', contoso.clientCredentials);
		await app.request(messagesOf(`/users/${ALICE}`)); // signed in: the items below start at once
		contoso.emu.resetStats();
		contoso.emu.setLatency(800);
		const item = async () => {
			for (let i = 0; i < 3; i++) await app.request(messagesOf(`/users/${ALICE}`));
		};
		// Three items are in flight (arrived at Graph) when Exchange starts throttling the mailbox; a fourth runs into it.
		const running = [item(), item(), item()];
		while (contoso.emu.stats().graphRequests < 3) await new Promise((resolve) => setTimeout(resolve, 5));
		contoso.emu.throttleMailbox(ALICE, 1);
		const started = Date.now();
		await Promise.all([...running, item()]);
		const stats = contoso.emu.stats();
		expect(stats.throttled).toBe(1);
		expect(stats.log.filter((e) => e.status === 200)).toHaveLength(12);
		expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
	});
});
