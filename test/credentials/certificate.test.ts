/**
 * Certificate sign-in with real MSAL against the emulator: the thumbprint as Entra's portal shows
 * it (SHA-1) or SHA-256, with or without the certificate, and every mistake named by its field
 * before any token request.
 */
import { generateKeyPairSync, X509Certificate } from 'crypto';
import type { IDataObject } from 'n8n-workflow';
import selfsigned from 'selfsigned';
import { MicrosoftGraphMail } from '../../nodes/MicrosoftGraphMail/MicrosoftGraphMail.node';
import { createGraphClient } from '../../nodes/shared/transport/graphClient';
import { startContoso, type Contoso } from '../fixtures/contoso';
import { leakedSecrets, visibleText } from '../fixtures/secretScan';
import { recordVisible, watchSecret } from '../harness/leakWatch';
import { executeContext } from '../harness/n8nContext';

let contoso: Contoso;
let sha1: string;
let sha256: string;
const seen: unknown[] = [];
const ALICE = '/users/alice@contoso.onmicrosoft.com';

beforeAll(async () => {
	contoso = await startContoso();
	const x509 = new X509Certificate(contoso.certificate.certPem);
	sha1 = x509.fingerprint.replace(/:/g, '');
	sha256 = x509.fingerprint256.replace(/:/g, '');
});
beforeEach(() => contoso.emu.resetStats());
afterAll(async () => {
	expect(leakedSecrets(visibleText(...seen), contoso.secrets)).toEqual([]);
	await contoso.emu.stop();
});

/** The certificate credential with these fields changed, as a user would fill it in. */
const withCertificate = (fields: IDataObject) => ({ ...contoso.certificateCredentials, ...fields });

async function readAlice(credentials: IDataObject) {
	const { context } = executeContext({
		nodeType: new MicrosoftGraphMail(),
		parameters: { authentication: 'clientCredentials', operation: 'send' },
		credentials: { microsoftGraphMailClientCredentialsApi: credentials },
	});
	const graph = await createGraphClient(context);
	return await graph.request({ url: ALICE });
}

async function failure(credentials: IDataObject): Promise<Error & { description?: string }> {
	try {
		await readAlice(credentials);
	} catch (error) {
		seen.push(error);
		recordVisible(error);
		return error as Error & { description?: string };
	}
	throw new Error('expected the sign-in to fail');
}

describe('the thumbprint, without the certificate', () => {
	test.each([
		['SHA-1 as the Entra portal shows it (x5t)', () => sha1],
		['SHA-1 lower case with colons', () => sha1.toLowerCase().replace(/(..)(?!$)/g, '$1:')],
		['SHA-1 with spaces', () => sha1.replace(/(....)/g, '$1 ').trim()],
		['SHA-256 (x5t#S256)', () => sha256],
	])('%s signs in', async (_name, thumbprint) => {
		const user = await readAlice(withCertificate({ certificate: '', thumbprintSha256: thumbprint() }));
		expect(user.userPrincipalName).toBe('alice@contoso.onmicrosoft.com');
		expect(contoso.emu.stats().tokenRequests).toBe(1);
	});

	test.each([
		['too short', () => sha1.slice(0, 38), /Certificate Thumbprint must be 40 hex characters \(SHA-1, as Entra ID shows it under Certificates & secrets\) or 64 \(SHA-256\); this one has 38/],
		['between the two lengths', () => sha256.slice(0, 50), /this one has 50/],
		['not hex', () => 'Z'.repeat(40), /Certificate Thumbprint must be hexadecimal/],
		['empty (and no certificate)', () => '', /Certificate \(PEM\) or its Certificate Thumbprint is required/],
	])('%s: refused naming the field, no token request', async (_name, thumbprint, expected) => {
		const error = await failure(withCertificate({ certificate: '', thumbprintSha256: thumbprint() }));
		expect(error.message).toMatch(expected);
		expect(error.description).toBe('Credential field: thumbprintSha256');
		expect(contoso.emu.stats().tokenRequests).toBe(0);
	});
});

describe('with the certificate', () => {
	test('the thumbprint is derived (SHA-256) and a matching pasted one (SHA-1 or SHA-256) is fine', async () => {
		for (const thumbprintSha256 of ['', sha1, sha256.toLowerCase()]) {
			expect((await readAlice(withCertificate({ thumbprintSha256 }))).userPrincipalName).toBe('alice@contoso.onmicrosoft.com');
		}
	});

	test("a pasted thumbprint that is not the certificate's is named, with the certificate's own", async () => {
		const error = await failure(withCertificate({ thumbprintSha256: 'AB'.repeat(20) }));
		expect(error.message).toContain(`is not the certificate's (SHA-1 ${sha1}, SHA-256 ${sha256})`);
		expect(error.description).toBe('Credential field: thumbprintSha256');
	});

	test('a private key of another certificate is named before any token request', async () => {
		const other = await selfsigned.generate([{ name: 'commonName', value: 'other' }], { keySize: 2048 } as never);
		watchSecret(other.private.split('\n')[1]);
		const error = await failure(withCertificate({ privateKey: other.private }));
		expect(error.message).toMatch(/Private Key does not belong to the Certificate/);
		expect(error.description).toBe('Credential field: privateKey');
		expect(contoso.emu.stats().tokenRequests).toBe(0);
	});
});

describe('the private key', () => {
	test.each([
		['an encrypted key', () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString(), /Private Key is encrypted/],
		['an EC key', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), /Private Key must be an RSA key \(this one is ec\)/],
		['a truncated PEM', () => contoso.certificate.privateKey.slice(0, 200) + '\n-----END PRIVATE KEY-----', /Private Key is not a readable PEM private key/],
	])('%s is named, not MSAL\'s words', async (_name, privateKey, expected) => {
		const key = privateKey();
		watchSecret(key.split('\n')[1]);
		const error = await failure(withCertificate({ certificate: '', thumbprintSha256: sha1, privateKey: key }));
		expect(error.message).toMatch(expected);
		expect(error.description).toBe('Credential field: privateKey');
		expect(contoso.emu.stats().tokenRequests).toBe(0);
	});
});
