/**
 * The one way this package talks to Graph. It owns sign-in (MSAL tokens or n8n's OAuth2), the
 * base URL of the cloud, the mailbox path, per-mailbox concurrency, retries of throttled calls,
 * paging and error mapping. Operations only say what they want.
 */
import { randomUUID } from 'crypto';
import {
	NodeApiError,
	NodeOperationError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type IHookFunctions,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type INode,
	type IPollFunctions,
	type ITriggerFunctions,
	type IWebhookFunctions,
} from 'n8n-workflow';
import { CREDENTIAL_TYPES, isAuthenticationKind, type AuthenticationKind } from '../auth/credentialTypes';
import { CredentialConfigError, resolveEndpoints, type ResolvedEndpoints } from '../auth/clouds';
import { getGraphToken, SignInError, type SignInData } from '../auth/graphTokens';
import { SignInFailedError } from '../auth/signInFailure';
import { graphApiError, networkErrorCode, outcomeUnknownError, parseGraphError } from './graphErrors';
import { BATCH, RETRY } from './limits';
import { addressedMailbox, isObjectId, nameOfObjectId, personOfAccessToken, rememberName, type AddressedMailbox } from './mailboxNames';
import { mailboxSlots, type Slots } from './mailboxSlots';
import { lowerCaseHeaders, RequestBatcher, type BatchPart } from './requestBatcher';

/** Every context a node of this package calls Graph from: operations, pickers, both triggers' polls, hooks, webhooks and timers. */
export type GraphContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions | IHookFunctions | IWebhookFunctions | ITriggerFunctions;

export interface GraphCall {
	method?: IHttpRequestMethods;
	/** Path under the v1.0 base (`/users/x/messages`) or an absolute URL Graph gave us (nextLink). */
	url: string;
	qs?: IDataObject;
	body?: IDataObject | Buffer;
	headers?: Record<string, string>;
	/** Extra `Prefer` preferences; `IdType="ImmutableId"` is always sent. */
	prefer?: string[];
	/** Answer body as a Buffer (attachment bytes). */
	binary?: boolean;
	/**
	 * Safe to send again after the connection broke mid-request. Defaults to true for GET, PUT,
	 * PATCH and DELETE; a POST (sendMail, create) is never repeated unless the caller says so.
	 */
	idempotent?: boolean;
	/** Pre-authenticated URL (upload sessions): sent without Authorization, as Graph demands. */
	preAuthenticated?: boolean;
	/** Graph path of the mailbox the call belongs to, when its URL does not name it (upload URLs): it uses that mailbox's slots. */
	mailboxUrl?: string;
	/** The permission this call needs, named in a 403's message. */
	permission?: string;
	itemIndex?: number;
}

/** A call's URL under the version base with its query, as a `$batch` request names it. */
function batchUrl(base: string, url: string, qs: IDataObject | undefined): string {
	const path = url.slice(base.length);
	const query = Object.entries(qs ?? {})
		.filter(([, value]) => value !== undefined && value !== null)
		.map(([name, value]) => `${encodeURIComponent(name).replace(/^%24/, '$')}=${encodeURIComponent(String(value))}`)
		.join('&');
	return query ? `${path}${path.includes('?') ? '&' : '?'}${query}` : path;
}

export interface GraphResponse<T> {
	status: number;
	headers: Record<string, string>;
	body: T;
}

export interface GraphPage<T> {
	value: T[];
	nextLink?: string;
	deltaLink?: string;
}

/** Connection failures where the request cannot have reached Graph: always safe to retry. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Graph did not act on these; 504 only for idempotent calls (the backend may have acted). */
const RETRY_STATUSES = new Set([429, 503]);

function retryAfterMs(headers: Record<string, string>): number | undefined {
	const value = headers['retry-after'];
	if (value === undefined) return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function backoffMs(attempt: number): number {
	const ceiling = Math.min(RETRY.maxDelayMs, RETRY.baseDelayMs * 2 ** attempt);
	return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}


export class GraphClient {
	readonly node: INode;
	/** Coalesce requests to one mailbox into JSON `$batch` calls (requestBatcher.ts). */
	batching = true;
	/** Items of this run not started yet (the router says): batches shape their chains by it. */
	itemsNotStarted: () => number = () => 0;
	private readonly batchers = new Map<Slots, RequestBatcher>();

	constructor(
		private readonly ctx: GraphContext,
		readonly kind: AuthenticationKind,
		private readonly credentials: SignInData,
		readonly endpoints: ResolvedEndpoints,
	) {
		this.node = ctx.getNode();
	}

	/** The mailbox the credential names by default (client credentials), if any. */
	get defaultMailbox(): string {
		return String(this.credentials.defaultMailbox ?? '').trim();
	}

	/**
	 * `/me` or `/users/{id}`: empty or "me" means the signed-in user (delegated grants only).
	 * For app-only sign-in an empty mailbox falls back to the credential's default mailbox.
	 */
	mailboxPath(mailbox: string | undefined, itemIndex?: number): string {
		let target = String(mailbox ?? '').trim();
		if (this.kind === 'clientCredentials' && (!target || target.toLowerCase() === 'me')) {
			target = this.defaultMailbox;
			if (!target) {
				throw new NodeOperationError(this.node, 'Mailbox is required: client credentials sign in as an app, not a person', {
					description: 'Enter the mailbox (user principal name or object ID), or set a Default Mailbox on the credential.',
					itemIndex,
				});
			}
		}
		if (!target || target.toLowerCase() === 'me') return '/me';
		return `/users/${encodeURIComponent(target)}`;
	}

	async request<T = IDataObject>(call: GraphCall): Promise<T> {
		return (await this.requestFull<T>(call)).body;
	}

	/** Every page of a collection, following `@odata.nextLink`; one page in memory at a time. */
	async *pages<T = IDataObject>(call: GraphCall): AsyncGenerator<GraphPage<T>> {
		let next: GraphCall | undefined = call;
		while (next) {
			const body: IDataObject = await this.request<IDataObject>(next);
			const nextLink = body['@odata.nextLink'] as string | undefined;
			yield { value: (body.value as T[]) ?? [], nextLink, deltaLink: body['@odata.deltaLink'] as string | undefined };
			next = nextLink ? { ...call, url: nextLink, qs: undefined } : undefined;
		}
	}

	async requestFull<T = IDataObject>(call: GraphCall): Promise<GraphResponse<T>> {
		const url = this.absoluteUrl(call);
		return await this.requestIn<T>(await this.slotsFor(call, url), call, url);
	}

	private async requestIn<T>(slots: Slots, call: GraphCall, url: string): Promise<GraphResponse<T>> {
		const method = call.method ?? 'GET';
		const idempotent = call.idempotent ?? method !== 'POST';
		const clientRequestId = randomUUID();
		// The body's size as JSON, once: whether it may share a batch, and how much of one it takes.
		const bytes = call.body === undefined || Buffer.isBuffer(call.body) ? 0 : Buffer.byteLength(JSON.stringify(call.body));
		const batcher = this.batcherFor(slots, call, url, bytes);
		let waited = 0;
		let staleSince: number | undefined;
		for (let attempt = 0; ; attempt++) {
			const startedAt = Date.now();
			let response: GraphResponse<unknown>;
			try {
				response = batcher
					? await batcher.submit(this.batchPart(call, method, url, bytes, clientRequestId, staleSince))
					: await this.sendOnSlot(slots, call, method, url, clientRequestId, staleSince);
			} catch (error) {
				const code = this.failure(error, call);
				if (!NOT_SENT.has(code) && !idempotent) throw outcomeUnknownError(this.node, `${method} ${this.describe(url)}`, code, call.itemIndex);
				const delay = backoffMs(attempt);
				if (attempt + 1 >= RETRY.maxAttempts || waited + delay > RETRY.maxTotalWaitMs) {
					// The code goes into the description: n8n replaces messages naming ECONNRESET & co. with a generic text.
					throw new NodeOperationError(this.node, `Could not reach Graph after ${attempt + 1} attempts`, {
						description: `Network error ${code} on ${method} ${this.describe(url)}`,
						itemIndex: call.itemIndex,
					});
				}
				await sleep(delay);
				waited += delay;
				continue;
			}
			const { status } = response;
			// A token Graph refuses (revoked, expired early): one fresh token, one more try.
			if (status === 401 && staleSince === undefined && !call.preAuthenticated) {
				staleSince = startedAt;
				if (this.kind === 'oAuth2') await this.refreshOAuth2(startedAt);
				continue;
			}
			const retryable = RETRY_STATUSES.has(status) || (status === 504 && idempotent);
			if (retryable) {
				const retryAfter = retryAfterMs(response.headers);
				const delay = retryAfter ?? backoffMs(attempt);
				if (attempt + 1 < RETRY.maxAttempts && waited + delay <= RETRY.maxTotalWaitMs) {
					// Graph throttles the mailbox, not this request: none of its requests starts before then.
					if (retryAfter !== undefined && RETRY_STATUSES.has(status)) slots.pauseUntil(Date.now() + delay);
					else await sleep(delay);
					waited += delay;
					continue;
				}
			}
			if (status >= 400) {
				throw graphApiError(this.node, parseGraphError(status, response.headers, response.body), {
					permission: call.permission,
					itemIndex: call.itemIndex,
				});
			}
			if (!call.binary && typeof response.body === 'string' && response.body.trim() !== '') {
				// 2xx that is not JSON: a proxy page or a broken answer. Never hand it on as data.
				const info = parseGraphError(status, response.headers, response.body);
				throw new NodeOperationError(this.node, info.message, { itemIndex: call.itemIndex });
			}
			return response as GraphResponse<T>;
		}
	}

	/**
	 * n8n refreshes OAuth2 tokens only when a request throws, and ours never throw on a status:
	 * ask n8n to refresh (and store) the token once for all calls that failed with the old one.
	 */
	private async refreshOAuth2(failedRequestStartedAt: number): Promise<void> {
		if (this.oauthRefresh && this.oauthRefresh.startedAt >= failedRequestStartedAt) {
			await this.oauthRefresh.done;
			return;
		}
		const done = this.ctx.helpers.refreshOAuth2Token.call(this.ctx, CREDENTIAL_TYPES.oAuth2).then(
			() => undefined,
			(error: Error) => {
				throw new SignInFailedError(this.node, {
					message: `Could not refresh the OAuth2 sign-in: ${error.message}`,
					description: 'Reconnect the credential (Connect my account).',
				});
			},
		);
		this.oauthRefresh = { startedAt: Date.now(), done };
		await done;
	}

	private oauthRefresh?: { startedAt: number; done: Promise<void> };

	private absoluteUrl(call: GraphCall): string {
		if (!/^https?:\/\//i.test(call.url)) return `${this.endpoints.graphBaseUrl}${call.url.startsWith('/') ? '' : '/'}${call.url}`;
		// Only Graph's own origin ever receives the token (nextLinks come from Graph; upload URLs carry none).
		if (!call.preAuthenticated && new URL(call.url).origin !== new URL(this.endpoints.graphUrl).origin) {
			throw new NodeOperationError(this.node, `Refusing to send the Graph token to ${new URL(call.url).origin}: it is not the credential's Graph URL`);
		}
		return call.url;
	}

	/** Requests of this app to one real mailbox share its slots, whatever the URL calls it (mailboxNames.ts). */
	private async slotsFor(call: GraphCall, url: string): Promise<Slots> {
		const addressed = addressedMailbox(call.mailboxUrl ? this.absoluteUrl({ url: call.mailboxUrl }) : url);
		return mailboxSlots(this.slotKey(await this.mailboxName(addressed, call.itemIndex)));
	}

	/** Outlook counts per app and mailbox; the key names the app, never a secret. */
	private slotKey(mailboxName: string): string {
		return [this.endpoints.graphUrl, this.credentials.clientId ?? this.kind, mailboxName].join('|');
	}

	private async mailboxName(addressed: AddressedMailbox, itemIndex?: number): Promise<string> {
		if (addressed.kind === 'none') return 'tenant';
		if (addressed.kind === 'user') {
			const { id } = addressed;
			return isObjectId(id) ? await nameOfObjectId(this.endpoints.graphUrl, id, async () => await this.lookUpName(`/users/${id}`, id, itemIndex)) : id;
		}
		this.me ??= this.nameOfMe(itemIndex).catch((error: unknown) => {
			this.me = undefined;
			throw error;
		});
		return await this.me;
	}

	private me?: Promise<string>;

	/** The signed-in person's name without asking Graph where the credential or token says it. */
	private async nameOfMe(itemIndex?: number): Promise<string> {
		if (this.kind === 'password') return String(this.credentials.username ?? '').trim().toLowerCase() || 'me';
		if (this.kind === 'clientCredentials') return 'me'; // Graph refuses /me without a signed-in person
		const tokenData = (this.credentials as { oauthTokenData?: { access_token?: unknown } }).oauthTokenData;
		const person = personOfAccessToken(tokenData?.access_token);
		if (person.upn && person.oid) rememberName(this.endpoints.graphUrl, person.oid, person.upn);
		// An opaque token: ask once for this client; if even that is refused, this client's /me stands alone.
		return person.upn ?? (await this.lookUpName('/me', 'me', itemIndex)) ?? `me|${randomUUID()}`;
	}

	/** `userPrincipalName` of a user, through the slots named `slotName`; undefined when Graph refuses to say. */
	private async lookUpName(path: string, slotName: string, itemIndex?: number): Promise<string | undefined> {
		try {
			const call: GraphCall = { url: path, qs: { $select: 'userPrincipalName' }, itemIndex };
			const user = (await this.requestIn<IDataObject>(mailboxSlots(this.slotKey(slotName)), call, this.absoluteUrl(call))).body;
			return typeof user.userPrincipalName === 'string' ? user.userPrincipalName.toLowerCase() : undefined;
		} catch (error) {
			if (error instanceof NodeApiError) return undefined; // Graph answered (refused, unknown user): the call itself will say more
			// Sign-in or network: the call itself would fail the same way. requestIn throws only node errors.
			throw error instanceof NodeOperationError ? error : new NodeOperationError(this.node, error as Error, { itemIndex });
		}
	}

	private async sendOnSlot(slots: Slots, call: GraphCall, method: IHttpRequestMethods, url: string, clientRequestId: string, staleSince?: number): Promise<GraphResponse<unknown>> {
		const release = await slots.acquire();
		try {
			return await this.send(call, method, url, clientRequestId, staleSince);
		} finally {
			release();
		}
	}

	/** The batcher for this mailbox when the call can go inside a `$batch` (JSON to Graph, small body). */
	private batcherFor(slots: Slots, call: GraphCall, url: string, bytes: number): RequestBatcher | undefined {
		const base = `${this.endpoints.graphBaseUrl}/`;
		if (!this.batching || call.preAuthenticated || call.binary || Buffer.isBuffer(call.body) || !url.startsWith(base)) return undefined;
		if (bytes > BATCH.maxPartBytes) return undefined;
		let batcher = this.batchers.get(slots);
		if (!batcher) {
			const envelope: GraphCall = { method: 'POST', url: `${this.endpoints.graphBaseUrl}/$batch` };
			batcher = new RequestBatcher(slots, async (requests, staleSince) =>
				await this.send({ ...envelope, body: { requests } }, 'POST', envelope.url, randomUUID(), staleSince),
				() => this.itemsNotStarted(),
			);
			this.batchers.set(slots, batcher);
		}
		return batcher;
	}

	private batchPart(call: GraphCall, method: IHttpRequestMethods, url: string, bytes: number, clientRequestId: string, staleSince?: number): BatchPart {
		return {
			method,
			url: batchUrl(this.endpoints.graphBaseUrl, url, call.qs),
			headers: this.graphHeaders(call, clientRequestId),
			body: call.body as IDataObject | undefined,
			bytes,
			staleSince,
			alone: async () => await this.send(call, method, url, clientRequestId, staleSince),
		};
	}

	private graphHeaders(call: GraphCall, clientRequestId: string): Record<string, string> {
		const headers: Record<string, string> = { ...call.headers };
		if (!call.preAuthenticated) {
			headers.Prefer = ['IdType="ImmutableId"', ...(call.prefer ?? [])].join(', ');
			headers['client-request-id'] = clientRequestId;
		}
		return headers;
	}

	private describe(url: string): string {
		return new URL(url).pathname.replace(/^\/v1\.0/, '');
	}

	private async send(call: GraphCall, method: IHttpRequestMethods, url: string, clientRequestId: string, staleSince?: number): Promise<GraphResponse<unknown>> {
		const isBuffer = Buffer.isBuffer(call.body);
		const headers = this.graphHeaders(call, clientRequestId);
		const options: IHttpRequestOptions = {
			method,
			url,
			qs: call.qs,
			body: call.body as IHttpRequestOptions['body'],
			headers,
			json: !isBuffer,
			encoding: call.binary ? 'arraybuffer' : undefined,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		};
		let raw: { statusCode: number; headers: unknown; body: unknown };
		if (this.kind === 'oAuth2' && !call.preAuthenticated) {
			raw = await this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, CREDENTIAL_TYPES.oAuth2, options);
		} else {
			if (!call.preAuthenticated) headers.Authorization = `Bearer ${await getGraphToken(this.kind as 'clientCredentials' | 'password', this.credentials, staleSince)}`;
			raw = await this.ctx.helpers.httpRequest(options);
		}
		let body = raw.body;
		if (call.binary && body && !Buffer.isBuffer(body)) body = Buffer.from(body as ArrayBuffer);
		return { status: raw.statusCode, headers: lowerCaseHeaders(raw.headers), body };
	}

	/** Classify a thrown error; sign-in problems and unknown failures end here, never retried. */
	private failure(error: unknown, call: GraphCall): string {
		if (error instanceof SignInError || error instanceof CredentialConfigError) throw new SignInFailedError(this.node, error, call.itemIndex);
		const code = networkErrorCode(error);
		if (code) return code;
		// Rebuild from the message only: the original may hold request headers, token included.
		const message = (error as Error)?.message ?? String(error);
		throw new NodeOperationError(this.node, `Request to Graph failed: ${message}`, { itemIndex: call.itemIndex });
	}
}

/** The Graph client for the credential the node's Authentication parameter selects. */
export async function createGraphClient(ctx: GraphContext): Promise<GraphClient> {
	const selected = ctx.getNode().parameters.authentication ?? 'clientCredentials';
	if (!isAuthenticationKind(selected)) throw new NodeOperationError(ctx.getNode(), `Unknown authentication "${String(selected)}"`);
	const credentials = (await ctx.getCredentials(CREDENTIAL_TYPES[selected])) as SignInData;
	try {
		return new GraphClient(ctx, selected, credentials, resolveEndpoints(credentials));
	} catch (error) {
		if (error instanceof CredentialConfigError) {
			throw new NodeOperationError(ctx.getNode(), error.message, { description: `Credential field: ${error.field}` });
		}
		throw new NodeOperationError(ctx.getNode(), error as Error);
	}
}
