/**
 * Username & password (ROPC) with and without a client secret, with real MSAL against the
 * emulator: no secret means a public client, which Entra accepts only when the app registration
 * allows public client flows.
 */
import { ConfidentialClientApplication } from '@azure/msal-node';
import type { IDataObject } from 'n8n-workflow';
import { MicrosoftGraphMail } from '../../nodes/MicrosoftGraphMail/MicrosoftGraphMail.node';
import { CredentialConfigError } from '../../nodes/shared/auth/clouds';
import { msalConfigError } from '../../nodes/shared/auth/msalApp';
import { startContoso, TENANT, type Contoso } from '../fixtures/contoso';
import { leakedSecrets, visibleText } from '../fixtures/secretScan';
import { recordVisible } from '../harness/leakWatch';
import { runNode } from '../harness/n8nContext';

let contoso: Contoso;
const seen: unknown[] = [];
const ALICE = 'alice@contoso.onmicrosoft.com';
const DELEGATED = ['openid', 'profile', 'offline_access', 'User.Read', 'Mail.ReadWrite', 'Mail.Send'];

beforeAll(async () => {
	contoso = await startContoso();
	contoso.emu.addApp(TENANT, { clientId: 'app-public-flows', publicClient: true, delegatedScopes: DELEGATED });
});
afterAll(async () => {
	expect(leakedSecrets(visibleText(...seen), contoso.secrets)).toEqual([]);
	await contoso.emu.stop();
});

async function runAs(credentials: IDataObject, parameters: IDataObject) {
	const result = await runNode({
		nodeType: new MicrosoftGraphMail(),
		parameters: { authentication: 'password', ...parameters },
		credentials: { microsoftGraphMailPasswordApi: credentials },
		continueOnFail: true,
	});
	const items = result.output[0];
	seen.push(items);
	recordVisible(items);
	return items;
}

const noSecret = (clientId: string) => ({ ...contoso.passwordCredentials, clientId, clientSecret: '', username: ALICE });

test('no secret, public client flows allowed: signs in as the user, sends and reads mail', async () => {
	const subject = 'ROPC public client';
	const [sent] = await runAs(noSecret('app-public-flows'), { operation: 'send', mailbox: '', toRecipients: ALICE, subject, bodyContent: 'hello' });
	expect(sent.json.error).toBeUndefined();
	const read = await runAs(noSecret('app-public-flows'), { operation: 'getMany', mailbox: 'me', searchMode: 'filters', filters: { subjectContains: subject, unreadOnly: false } });
	expect(read.map((item) => item.json.subject)).toContain(subject);
	expect(contoso.emu.stats().tokenRequestsByClient['app-public-flows']).toBe(1);
});

test('no secret, public client flows off: AADSTS7000218 with what to change in Entra or in the credential', async () => {
	const [item] = await runAs(noSecret('app-ropc'), { operation: 'send', mailbox: '', toRecipients: ALICE, subject: 'ROPC refused', bodyContent: 'x' });
	expect(String(item.json.error)).toMatch(/^Sign-in failed \(AADSTS7000218\): The app registration does not allow public client flows[\s\S]*Allow public client flows[\s\S]*client secret/);
	expect(contoso.emu.messages(ALICE, 'inbox').some((m) => m.subject === 'ROPC refused')).toBe(false);
});

test('a secret sent to a public client: AADSTS700025, leave the secret empty', async () => {
	const [item] = await runAs({ ...noSecret('app-public-flows'), clientSecret: 'some-secret-VALUE-x' }, { operation: 'send', mailbox: '', toRecipients: ALICE, subject: 'x', bodyContent: 'x' });
	expect(String(item.json.error)).toMatch(/AADSTS700025[\s\S]*Leave Client Secret empty/);
});

test("MSAL's own configuration errors become a credential error naming the field, not MSAL's text", () => {
	let raw: unknown;
	try {
		new ConfidentialClientApplication({ auth: { clientId: 'x', authority: `${contoso.emu.url}/${TENANT}` } });
	} catch (error) {
		raw = error;
	}
	expect((raw as { errorCode?: string }).errorCode).toBe('invalid_client_credential');
	const secretError = msalConfigError('clientCredentials', { authMethod: 'secret' }, raw);
	expect(secretError).toBeInstanceOf(CredentialConfigError);
	expect(secretError).toMatchObject({ field: 'clientSecret', message: 'Client Secret is required' });
	expect(msalConfigError('clientCredentials', { authMethod: 'certificate' }, raw)).toMatchObject({ field: 'privateKey' });
	expect(secretError?.message).not.toMatch(/aka\.ms|invalid_client_credential/);
});

test('the credential Test button signs in without a secret too', async () => {
	const { testGraphMailCredential } = await import('../../nodes/shared/auth/credentialTest');
	const { CredentialTestContext } = await import('n8n-core');
	const result = await testGraphMailCredential.call(new CredentialTestContext(), { id: '1', name: 't', type: 'microsoftGraphMailPasswordApi', data: noSecret('app-public-flows') });
	expect(result).toEqual({ status: 'OK', message: 'Signed in and reached the mailbox' });
});
