/* eslint-disable @n8n/community-nodes/require-node-api-error -- runs without a node (credential authenticate); the transport turns these into NodeOperationError */
/**
 * The certificate sign-in's inputs, checked before MSAL sees them: an RSA private key, and the
 * certificate's id for the assertion header. Entra's portal shows the SHA-1 thumbprint (header
 * `x5t`); the SHA-256 one (`x5t#S256`) is preferred and is what the certificate itself gives.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'crypto';
import { CredentialConfigError } from './clouds';

/** What MSAL's `clientCertificate` takes: exactly one of the two thumbprints. */
export interface CertificateAssertion {
	privateKey: string;
	thumbprint?: string;
	thumbprintSha256?: string;
	x5c?: string;
}

export interface CertificateCredentialData {
	privateKey?: string;
	certificate?: string;
	/** The thumbprint field; named so for stored credentials, it takes SHA-1 or SHA-256. */
	thumbprintSha256?: string;
}

const THUMBPRINT_FIELD = 'thumbprintSha256';
const THUMBPRINT_LABEL = 'Certificate Thumbprint';

function parsePrivateKey(pem: string): KeyObject {
	if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
		throw new CredentialConfigError('privateKey', 'Private Key must be a PEM private key (-----BEGIN PRIVATE KEY-----)');
	}
	if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(pem)) {
		throw new CredentialConfigError('privateKey', 'Private Key is encrypted: paste it unencrypted (openssl pkey -in key.pem -out plain-key.pem)');
	}
	let key: KeyObject;
	try {
		key = createPrivateKey(pem);
	} catch {
		throw new CredentialConfigError('privateKey', 'Private Key is not a readable PEM private key (check that it was pasted whole, BEGIN and END lines included)');
	}
	if (key.asymmetricKeyType !== 'rsa') {
		throw new CredentialConfigError('privateKey', `Private Key must be an RSA key (this one is ${key.asymmetricKeyType ?? 'not asymmetric'}): Microsoft's sign-in takes RSA certificates`);
	}
	return key;
}

function parseCertificate(pem: string): X509Certificate {
	try {
		return new X509Certificate(pem);
	} catch {
		throw new CredentialConfigError('certificate', 'Certificate is not a valid PEM certificate (-----BEGIN CERTIFICATE-----)');
	}
}

/** The thumbprint as typed, without colons or spaces: 40 hex (SHA-1) or 64 hex (SHA-256), or '' if empty. */
export function normalizeThumbprint(value: string | undefined): { hex: string; kind?: 'sha1' | 'sha256' } {
	const hex = String(value ?? '').replace(/[\s:]/g, '').toUpperCase();
	if (!hex) return { hex };
	if (!/^[0-9A-F]+$/.test(hex)) {
		throw new CredentialConfigError(THUMBPRINT_FIELD, `${THUMBPRINT_LABEL} must be hexadecimal (0-9, A-F); it contains other characters`);
	}
	if (hex.length === 40) return { hex, kind: 'sha1' };
	if (hex.length === 64) return { hex, kind: 'sha256' };
	throw new CredentialConfigError(
		THUMBPRINT_FIELD,
		`${THUMBPRINT_LABEL} must be 40 hex characters (SHA-1, as Entra ID shows it under Certificates & secrets) or 64 (SHA-256); this one has ${hex.length}`,
	);
}

/** MSAL's `clientCertificate`, or a CredentialConfigError naming the field to fix. */
export function certificateAssertion(data: CertificateCredentialData): CertificateAssertion {
	const privateKeyPem = String(data.privateKey ?? '').trim();
	if (!privateKeyPem) throw new CredentialConfigError('privateKey', 'Private Key is required');
	const key = parsePrivateKey(privateKeyPem);
	const pasted = normalizeThumbprint(data.thumbprintSha256);
	const certificatePem = String(data.certificate ?? '').trim();

	if (!certificatePem) {
		if (!pasted.kind) {
			throw new CredentialConfigError(THUMBPRINT_FIELD, `The Certificate (PEM) or its ${THUMBPRINT_LABEL} is required`);
		}
		return pasted.kind === 'sha1' ? { privateKey: privateKeyPem, thumbprint: pasted.hex } : { privateKey: privateKeyPem, thumbprintSha256: pasted.hex };
	}

	const certificate = parseCertificate(certificatePem);
	if (!certificate.checkPrivateKey(key)) {
		throw new CredentialConfigError('privateKey', 'Private Key does not belong to the Certificate: paste the key the certificate was made with');
	}
	const sha256 = certificate.fingerprint256.replace(/:/g, '');
	const sha1 = certificate.fingerprint.replace(/:/g, '');
	if (pasted.kind && pasted.hex !== (pasted.kind === 'sha1' ? sha1 : sha256)) {
		throw new CredentialConfigError(
			THUMBPRINT_FIELD,
			`${THUMBPRINT_LABEL} ${pasted.hex} is not the certificate's (SHA-1 ${sha1}, SHA-256 ${sha256}): clear it (it is computed from the certificate) or paste the certificate it belongs to`,
		);
	}
	return { privateKey: privateKeyPem, thumbprintSha256: sha256, x5c: certificatePem };
}
