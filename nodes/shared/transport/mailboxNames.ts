/**
 * One name per real mailbox, whatever form a URL addresses it in, so `/me`, `/users/{upn}` and
 * `/users/{object id}` of one person share one set of slots (Outlook counts concurrent requests per
 * app and mailbox). The name is the lowercase user principal name: it costs nothing for
 * `/users/{upn}`, for ROPC's `/me` (its username) and OAuth2's `/me` (the access token's claims,
 * read here and nowhere else); an object id costs one `GET /users/{id}?$select=userPrincipalName`
 * per process, and keeps the id as its name when Graph refuses that (Mail.Send-only apps).
 */

export type AddressedMailbox = { kind: 'me' } | { kind: 'user'; id: string } | { kind: 'none' };

const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The mailbox segment of a Graph URL: `/v1.0/me/…`, `/v1.0/users/{x}/…` or `/v1.0/users('{x}')/…`. */
export function addressedMailbox(url: string): AddressedMailbox {
	const match = /^\/[^/]+\/(?:(me)|users\/([^/]+)|users\('([^']+)'\))(?:\/|$)/i.exec(new URL(url).pathname);
	if (!match) return { kind: 'none' };
	if (match[1]) return { kind: 'me' };
	const raw = match[2] ?? match[3];
	let id = raw;
	try {
		id = decodeURIComponent(raw);
	} catch {
		// keep the text as it came
	}
	return { kind: 'user', id: id.toLowerCase() };
}

export function isObjectId(id: string): boolean {
	return OBJECT_ID.test(id);
}

/** Object id → name, per Graph cloud, for the life of the process. */
const namesById = new Map<string, Promise<string>>();

/**
 * The name of the mailbox with this object id. `lookup` asks Graph once (concurrent callers share
 * it) and answers undefined when Graph refused: then the id stays the name, also for later calls.
 * A lookup that threw (sign-in, network) is forgotten, so the next call asks again.
 */
export function nameOfObjectId(graphUrl: string, id: string, lookup: () => Promise<string | undefined>): Promise<string> {
	const key = `${graphUrl}|${id}`;
	let name = namesById.get(key);
	if (!name) {
		name = lookup().then((upn) => upn?.toLowerCase() || id);
		namesById.set(key, name);
		name.catch(() => namesById.delete(key));
	}
	return name;
}

/** What a signed-in person's access token says about them; read locally, never logged. */
export function personOfAccessToken(token: unknown): { upn?: string; oid?: string } {
	const payload = typeof token === 'string' ? token.split('.')[1] : undefined;
	if (!payload) return {};
	try {
		const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
		const upn = [claims.upn, claims.unique_name, claims.preferred_username].find((c): c is string => typeof c === 'string' && c.includes('@'));
		const oid = typeof claims.oid === 'string' && isObjectId(claims.oid) ? claims.oid.toLowerCase() : undefined;
		return { upn: upn?.toLowerCase(), oid };
	} catch {
		return {}; // an opaque token: Graph's tokens are not promised to be JWTs
	}
}

/** Learned for free (from a token): later calls by object id need no lookup. */
export function rememberName(graphUrl: string, id: string, upn: string): void {
	const key = `${graphUrl}|${id}`;
	if (!namesById.has(key)) namesById.set(key, Promise.resolve(upn));
}
