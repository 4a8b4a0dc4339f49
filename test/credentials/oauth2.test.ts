/**
 * The authorization-code credential: a token obtained through the emulator's sign-in page, as n8n's
 * OAuth2 callback stores it, drives Graph through n8n-core's own OAuth2 helper, which refreshes it.
 */
import { MicrosoftGraphMail } from '../../nodes/MicrosoftGraphMail/MicrosoftGraphMail.node';
import { createGraphClient } from '../../nodes/shared/transport/graphClient';
import { PASSWORD, startContoso, TENANT, type Contoso } from '../fixtures/contoso';
import { leakedSecrets, visibleText } from '../fixtures/secretScan';
import { executeContext } from '../harness/n8nContext';

const REDIRECT = 'http://127.0.0.1:5678/rest/oauth2-credential/callback';
const OAUTH_SECRET = 'Oa2~fake-oauth-secret-VALUE';
const SCOPE = 'openid offline_access User.Read Mail.ReadWrite Mail.Send Mail.ReadWrite.Shared Mail.Send.Shared';
let contoso: Contoso;

beforeAll(async () => {
	contoso = await startContoso();
	contoso.emu.addApp(TENANT, {
		clientId: 'app-oauth',
		secrets: [{ id: 'oauth-secret-id', value: OAUTH_SECRET }],
		redirectUris: [REDIRECT],
		delegatedScopes: SCOPE.split(' '),
	});
});
afterAll(async () => await contoso.emu.stop());

/** Signs alice in on the emulator's page and redeems the code, as n8n's callback does. */
async function signIn(): Promise<Record<string, unknown>> {
	const authorize = `${contoso.emu.url}/${TENANT}/oauth2/v2.0/authorize`;
	const form = new URLSearchParams({ client_id: 'app-oauth', redirect_uri: REDIRECT, response_type: 'code', scope: SCOPE, state: 'xyz', username: 'alice@contoso.onmicrosoft.com', password: PASSWORD });
	const page = await fetch(authorize, { method: 'POST', body: form, redirect: 'manual' });
	const location = new URL(page.headers.get('location')!);
	expect(location.searchParams.get('state')).toBe('xyz');
	const token = await fetch(`${contoso.emu.url}/${TENANT}/oauth2/v2.0/token`, {
		method: 'POST',
		body: new URLSearchParams({ grant_type: 'authorization_code', code: location.searchParams.get('code')!, redirect_uri: REDIRECT, client_id: 'app-oauth', client_secret: OAUTH_SECRET }),
	});
	expect(token.status).toBe(200);
	return (await token.json()) as Record<string, unknown>;
}

test('a person signed in through OAuth2 reads their own mailbox, and an expired token is refreshed by n8n', async () => {
	const oauthTokenData = await signIn();
	const credentials = {
		cloud: 'custom',
		authorityUrl: contoso.emu.url,
		graphUrl: contoso.emu.url,
		tenantId: TENANT,
		clientId: 'app-oauth',
		clientSecret: OAUTH_SECRET,
		grantType: 'authorizationCode',
		authUrl: `${contoso.emu.url}/${TENANT}/oauth2/v2.0/authorize`,
		accessTokenUrl: `${contoso.emu.url}/${TENANT}/oauth2/v2.0/token`,
		scope: SCOPE,
		authentication: 'body',
		oauthTokenData,
	};
	const { context, store } = executeContext({
		nodeType: new MicrosoftGraphMail(),
		parameters: { authentication: 'oAuth2', operation: 'send' },
		credentials: { microsoftGraphMailOAuth2Api: credentials },
	});
	const graph = await createGraphClient(context);
	expect(graph.mailboxPath('')).toBe('/me');
	const me = await graph.request({ url: '/me' });
	expect(me.userPrincipalName).toBe('alice@contoso.onmicrosoft.com');

	contoso.emu.expireTokens();
	const again = await graph.request({ url: '/me' });
	expect(again.userPrincipalName).toBe('alice@contoso.onmicrosoft.com');
	expect(store.oauthUpdates).toHaveLength(1); // n8n persisted the refreshed token
	expect(leakedSecrets(visibleText(me, again), [OAUTH_SECRET, String(oauthTokenData.access_token), String(oauthTokenData.refresh_token)])).toEqual([]);
});
