/** The credential Test button, through n8n-core's own credential-test context. */
import { CredentialTestContext } from 'n8n-core';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { testGraphMailCredential } from '../../nodes/shared/auth/credentialTest';
import { startContoso, type Contoso } from '../fixtures/contoso';
import { leakedSecrets } from '../fixtures/secretScan';

let contoso: Contoso;
const messages: string[] = [];
beforeAll(async () => {
	contoso = await startContoso();
});
afterAll(async () => {
	expect(leakedSecrets(messages.join('\n'), contoso.secrets)).toEqual([]);
	await contoso.emu.stop();
});

async function testButton(type: string, data: Record<string, unknown>) {
	const result = await testGraphMailCredential.call(new CredentialTestContext(), { id: '1', name: 'test', type, data: data as ICredentialDataDecryptedObject });
	messages.push(result.message);
	return result;
}

test('client credentials: signs in and reads the default mailbox', async () => {
	const result = await testButton('microsoftGraphMailClientCredentialsApi', contoso.clientCredentials);
	expect(result).toEqual({ status: 'OK', message: 'Signed in and reached the mailbox' });
});

test('client credentials: a wrong secret fails with the advice', async () => {
	const result = await testButton('microsoftGraphMailClientCredentialsApi', { ...contoso.clientCredentials, clientSecret: 'wrong' });
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(/AADSTS7000215.*|secret VALUE/);
});

test('client credentials: an unknown default mailbox fails', async () => {
	const result = await testButton('microsoftGraphMailClientCredentialsApi', { ...contoso.clientCredentials, defaultMailbox: 'ghost@contoso.onmicrosoft.com' });
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(/ErrorInvalidUser/);
});

test('the test really signs in again instead of trusting a cached token', async () => {
	await testButton('microsoftGraphMailClientCredentialsApi', contoso.clientCredentials);
	const before = contoso.emu.stats().tokenRequests;
	await testButton('microsoftGraphMailClientCredentialsApi', contoso.clientCredentials);
	expect(contoso.emu.stats().tokenRequests).toBe(before + 1);
});

test('password: signs in as the user', async () => {
	expect((await testButton('microsoftGraphMailPasswordApi', contoso.passwordCredentials)).status).toBe('OK');
});

test('password: MFA accounts are told to use another grant', async () => {
	const result = await testButton('microsoftGraphMailPasswordApi', { ...contoso.passwordCredentials, username: 'mfa-user@contoso.onmicrosoft.com' });
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(/multi-factor/);
});
