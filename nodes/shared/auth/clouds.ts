/* eslint-disable @n8n/community-nodes/require-node-api-error -- runs without a node (credential authenticate); the transport turns these into NodeOperationError */
/**
 * Microsoft's national clouds: where to sign in and where Graph lives.
 * Tokens do not carry over between clouds, so the cloud is part of every credential.
 */
export type CloudName = 'global' | 'usGov' | 'usGovDod' | 'china' | 'custom';

interface CloudEndpoints {
	/** Login authority host, without tenant. */
	authorityHost: string;
	/** Graph root, without version. */
	graphUrl: string;
}

export const CLOUDS: Record<Exclude<CloudName, 'custom'>, CloudEndpoints> = {
	global: {
		authorityHost: 'https://login.microsoftonline.com',
		graphUrl: 'https://graph.microsoft.com',
	},
	usGov: {
		authorityHost: 'https://login.microsoftonline.us',
		graphUrl: 'https://graph.microsoft.us',
	},
	usGovDod: {
		authorityHost: 'https://login.microsoftonline.us',
		graphUrl: 'https://dod-graph.microsoft.us',
	},
	china: {
		authorityHost: 'https://login.chinacloudapi.cn',
		graphUrl: 'https://microsoftgraph.chinacloudapi.cn',
	},
};

/** The credential fields every grant shares. */
export interface CloudCredentialData {
	cloud?: CloudName;
	authorityUrl?: string;
	graphUrl?: string;
	tenantId?: string;
}

export interface ResolvedEndpoints {
	/** `https://login…/{tenant}` as MSAL wants it. */
	authority: string;
	authorityHost: string;
	/** Graph root without version, no trailing slash. */
	graphUrl: string;
	/** Graph v1.0 base for requests. */
	graphBaseUrl: string;
	/** App-only scope: `<graph>/.default`. */
	appScope: string;
	tenantId: string;
	cloud: CloudName;
}

export class CredentialConfigError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
		this.name = 'CredentialConfigError';
	}
}

function httpsRoot(field: string, label: string, value: string | undefined): string {
	const raw = (value ?? '').trim();
	if (!raw) throw new CredentialConfigError(field, `${label} is required for the Custom cloud`);
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw new CredentialConfigError(field, `${label} "${raw}" is not a URL (expected e.g. https://login.example.com)`);
	}
	// MSAL refuses insecure authorities, and tokens must never travel in clear text.
	if (url.protocol !== 'https:') {
		throw new CredentialConfigError(field, `${label} must start with https:// (got ${url.protocol}//${url.host})`);
	}
	return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

export function resolveEndpoints(data: CloudCredentialData): ResolvedEndpoints {
	const cloud: CloudName = data.cloud ?? 'global';
	const tenantId = (data.tenantId ?? '').trim();
	if (!tenantId) throw new CredentialConfigError('tenantId', 'Tenant ID is required (Entra ID > Overview > Directory (tenant) ID)');
	if (!/^[A-Za-z0-9.-]+$/.test(tenantId)) {
		throw new CredentialConfigError('tenantId', 'Tenant ID must be a GUID or a domain such as contoso.onmicrosoft.com');
	}
	let endpoints: CloudEndpoints;
	if (cloud === 'custom') {
		endpoints = {
			authorityHost: httpsRoot('authorityUrl', 'Login Authority URL', data.authorityUrl),
			graphUrl: httpsRoot('graphUrl', 'Graph URL', data.graphUrl),
		};
	} else {
		endpoints = CLOUDS[cloud];
		if (!endpoints) throw new CredentialConfigError('cloud', `Unknown cloud "${String(cloud)}"`);
	}
	return {
		...endpoints,
		authority: `${endpoints.authorityHost}/${tenantId}`,
		graphBaseUrl: `${endpoints.graphUrl}/v1.0`,
		appScope: `${endpoints.graphUrl}/.default`,
		tenantId,
		cloud,
	};
}
