/**
 * Signing in with each grant against the emulator over HTTPS with real MSAL: tokens are cached and
 * reused, failures carry the AADSTS advice an admin needs, and no secret leaks anywhere.
 */
import type { IDataObject } from 'n8n-workflow';
import { MicrosoftGraphMail } from '../../nodes/MicrosoftGraphMail/MicrosoftGraphMail.node';
import { getGraphToken } from '../../nodes/shared/auth/graphTokens';
import { createGraphClient } from '../../nodes/shared/transport/graphClient';
import { startContoso, TENANT, type Contoso } from '../fixtures/contoso';
import { leakedSecrets, visibleText } from '../fixtures/secretScan';
import { recordVisible } from '../harness/leakWatch';
import { executeContext } from '../harness/n8nContext';

let contoso: Contoso;
const seen: unknown[] = []; // every error and output of this file, scanned for secrets at the end

beforeAll(async () => {
	contoso = await startContoso();
});
afterAll(async () => {
	const tokens = await Promise.all([
		getGraphToken('clientCredentials', contoso.clientCredentials),
		getGraphToken('password', contoso.passwordCredentials),
	]);
	expect(leakedSecrets(visibleText(...seen), [...contoso.secrets, ...tokens])).toEqual([]);
	await contoso.emu.stop();
});

const KIND_TYPES = {
	clientCredentials: 'microsoftGraphMailClientCredentialsApi',
	password: 'microsoftGraphMailPasswordApi',
} as const;

function client(kind: keyof typeof KIND_TYPES, credentials: IDataObject) {
	const { context } = executeContext({
		nodeType: new MicrosoftGraphMail(),
		parameters: { authentication: kind, operation: 'send' },
		credentials: { [KIND_TYPES[kind]]: credentials },
	});
	return createGraphClient(context);
}

async function failure(promise: Promise<unknown>): Promise<Error> {
	try {
		await promise;
	} catch (error) {
		seen.push(error);
		recordVisible(error);
		return error as Error;
	}
	throw new Error('expected a failure');
}

describe('each grant signs in and reaches Graph', () => {
	test('client credentials with a secret read the default mailbox', async () => {
		const graph = await client('clientCredentials', contoso.clientCredentials);
		const inbox = await graph.request({ url: `${graph.mailboxPath('')}/mailFolders/inbox` });
		seen.push(inbox);
		expect(inbox.id).toBeTruthy();
	});

	test('client credentials with a certificate (signed assertion)', async () => {
		const graph = await client('clientCredentials', contoso.certificateCredentials);
		const inbox = await graph.request({ url: `${graph.mailboxPath('')}/mailFolders/inbox` });
		expect(inbox.id).toBeTruthy();
		expect(contoso.emu.stats().tokenRequestsByClient['app-secret']).toBeGreaterThanOrEqual(1);
	});

	test('username and password (ROPC) act as the user: /me is bob', async () => {
		const graph = await client('password', contoso.passwordCredentials);
		const me = await graph.request({ url: `${graph.mailboxPath('me')}` });
		expect(me.userPrincipalName).toBe('bob@contoso.onmicrosoft.com');
	});
});

describe('tokens are cached per credential', () => {
	test('100 calls across 10 executions cost one token request', async () => {
		const credentials = { ...contoso.clientCredentials, clientId: 'app-send-only' };
		const before = contoso.emu.stats().tokenRequestsByClient['app-send-only'] ?? 0;
		for (let execution = 0; execution < 10; execution++) {
			const graph = await client('clientCredentials', credentials);
			// Mail.Send only: reading answers 403, which still proves the token was accepted.
			await Promise.all(Array.from({ length: 10 }, () => graph.request({ url: '/users/alice@contoso.onmicrosoft.com' }).catch(() => undefined)));
		}
		expect((contoso.emu.stats().tokenRequestsByClient['app-send-only'] ?? 0) - before).toBe(1);
	});

	test('ROPC: repeated executions reuse the token (silent, from cache)', async () => {
		const credentials = { ...contoso.passwordCredentials, username: 'alice@contoso.onmicrosoft.com' };
		const before = contoso.emu.stats().tokenRequestsByClient['app-ropc'] ?? 0;
		for (let i = 0; i < 5; i++) {
			const graph = await client('password', credentials);
			await Promise.all(Array.from({ length: 5 }, () => graph.request({ url: '/me' })));
		}
		expect((contoso.emu.stats().tokenRequestsByClient['app-ropc'] ?? 0) - before).toBe(1);
	});

	test('a revoked token costs one fresh token and one retry, even with parallel calls', async () => {
		const graph = await client('clientCredentials', contoso.clientCredentials);
		await graph.request({ url: '/users/alice@contoso.onmicrosoft.com' });
		const before = contoso.emu.stats().tokenRequestsByClient['app-secret'];
		contoso.emu.expireTokens();
		const results = await Promise.all(Array.from({ length: 4 }, () => graph.request({ url: '/users/alice@contoso.onmicrosoft.com' })));
		expect(results.every((user) => user.userPrincipalName === 'alice@contoso.onmicrosoft.com')).toBe(true);
		expect(contoso.emu.stats().tokenRequestsByClient['app-secret'] - before).toBe(1);
	});

	test('a 401 that persists is reported after one refresh, not retried forever', async () => {
		const graph = await client('clientCredentials', contoso.clientCredentials);
		contoso.emu.resetStats();
		contoso.emu.inject({ match: { path: '/users/alice@contoso.onmicrosoft.com' }, kind: 'status', status: 401, times: 5, body: { error: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure.' } } });
		const error = await failure(graph.request({ url: '/users/alice@contoso.onmicrosoft.com' }));
		contoso.emu.clearFaults();
		expect(error.message).toContain('InvalidAuthenticationToken');
		expect(contoso.emu.stats().graphRequests).toBe(2);
	});
});

describe('sign-in failures explain what to fix', () => {
	const cases: Array<[string, keyof typeof KIND_TYPES, () => IDataObject, RegExp]> = [
		['wrong secret', 'clientCredentials', () => ({ ...contoso.clientCredentials, clientSecret: 'not-the-secret' }), /AADSTS7000215[\s\S]*secret VALUE/],
		['secret ID pasted instead of its value', 'clientCredentials', () => ({ ...contoso.clientCredentials, clientSecret: '1d0e2c7a-secret-id' }), /secret VALUE/],
		['expired secret', 'clientCredentials', () => ({ ...contoso.clientCredentials, clientSecret: 'Old~expired-secret-VALUE' }), /expired/],
		['unknown client id', 'clientCredentials', () => ({ ...contoso.clientCredentials, clientId: 'no-such-app' }), /AADSTS700016[\s\S]*Client ID and Tenant ID/],
		['unknown tenant', 'clientCredentials', () => ({ ...contoso.clientCredentials, tenantId: 'no-such-tenant' }), /tenant was not found/i],
		['missing admin consent', 'clientCredentials', () => ({ ...contoso.clientCredentials, clientId: 'app-no-consent' }), /AADSTS65001[\s\S]*admin consent/],
		['certificate that is not the registered one', 'clientCredentials', () => ({ ...contoso.certificateCredentials, certificate: '', thumbprintSha256: 'AB'.repeat(32) }), /certificate/i],
		['MFA account through ROPC', 'password', () => ({ ...contoso.passwordCredentials, username: 'mfa-user@contoso.onmicrosoft.com' }), /multi-factor[\s\S]*client credentials or the OAuth2/],
		['wrong password', 'password', () => ({ ...contoso.passwordCredentials, password: 'wrong-password' }), /AADSTS50126/],
		['custom endpoint over http', 'clientCredentials', () => ({ ...contoso.clientCredentials, authorityUrl: contoso.emu.url.replace('https:', 'http:') }), /must start with https:\/\//],
	];
	test.each(cases)('%s', async (_name, kind, credentials, expected) => {
		const error = await failure((async () => {
			const graph = await client(kind, credentials());
			await graph.request({ url: '/me' });
		})());
		expect(`${error.message} ${(error as { description?: string }).description ?? ''}`).toMatch(expected);
	});
});

test('the tenant may be given as its domain', async () => {
	const graph = await client('clientCredentials', { ...contoso.clientCredentials, tenantId: 'contoso.onmicrosoft.com' });
	expect((await graph.request({ url: '/users/alice@contoso.onmicrosoft.com' })).userPrincipalName).toBe('alice@contoso.onmicrosoft.com');
	expect(TENANT).toBeTruthy();
});

test.each([
	['microsoftGraphMailClientCredentialsApi', () => contoso.clientCredentials, '/users/alice@contoso.onmicrosoft.com'],
	// A user not signed in before: earlier tests revoked the cached tokens, which only the nodes' client renews.
	['microsoftGraphMailPasswordApi', () => ({ ...contoso.passwordCredentials, username: 'shared-inbox@contoso.onmicrosoft.com' }), '/me'],
] as const)('%s works for n8n\'s HTTP Request node: its authenticate adds a token Graph accepts', async (type, credentials, path) => {
	const { context } = executeContext({
		nodeType: new MicrosoftGraphMail(),
		parameters: { authentication: type.includes('Password') ? 'password' : 'clientCredentials', operation: 'send' },
		credentials: { [type]: credentials() },
	});
	const user = await context.helpers.httpRequestWithAuthentication.call(context, type, { url: `${contoso.emu.url}/v1.0${path}`, json: true });
	expect(user.userPrincipalName).toMatch(/@contoso\.onmicrosoft\.com$/);
});
