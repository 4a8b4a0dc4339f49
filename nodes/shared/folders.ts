/**
 * Folder references → folder ids, through the Graph client. A reference is a well-known name
 * (`inbox`, "Sent Items"), a folder id, or a path of display names from the top of the mailbox
 * (`Inbox/Invoices`; a "/" inside a name is written `\/`, a backslash `\\`). Shared by the Message
 * and Folder operations, the folder list and the New Mail trigger.
 */
import { NodeApiError, NodeOperationError, type IDataObject, type INodeParameterResourceLocator } from 'n8n-workflow';
import type { GraphClient } from './transport/graphClient';
import { WELL_KNOWN_FOLDERS } from './descriptions/folder';

export interface FolderRef {
	mode: 'list' | 'id' | 'path';
	value: string;
	/** The field's display name, which errors start with ("Folder" unless told). */
	field?: string;
}

export interface ResolvedFolder {
	id: string;
	displayName: string;
}

export interface ListedFolder extends ResolvedFolder {
	/** Display names from the top, joined by "/". */
	path: string;
	/** Set for a well-known folder at the top level (found by its English display name). */
	wellKnownName?: string;
	/** Graph's folder as listed (with the properties asked for in `select`). */
	graph: IDataObject;
}

/** A display name as one step of a path: "/" and "\" escaped with a backslash. */
export function escapeFolderName(name: string): string {
	return name.replace(/[\\/]/g, (c) => `\\${c}`);
}

/** The display names of a path, `\/` and `\\` unescaped; empty steps dropped. */
export function splitFolderPath(path: string): string[] {
	const parts: string[] = [];
	let current = '';
	for (let i = 0; i < path.length; i++) {
		const c = path[i];
		if (c === '\\' && (path[i + 1] === '/' || path[i + 1] === '\\')) current += path[++i];
		else if (c === '/') {
			parts.push(current);
			current = '';
		} else current += c;
	}
	parts.push(current);
	return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** Lower-cased spellings users type → Graph's well-known name. */
const WELL_KNOWN_ALIASES: Record<string, string> = Object.fromEntries([
	...WELL_KNOWN_FOLDERS.flatMap((f) => [
		[f.value, f.value],
		[f.name.toLowerCase(), f.value],
	]),
	['sent', 'sentitems'],
	['deleted', 'deleteditems'],
	['trash', 'deleteditems'],
	['junk', 'junkemail'],
	['spam', 'junkemail'],
	['msgfolderroot', 'msgfolderroot'],
]);

/** Graph's well-known name for what the user typed, if it is one. */
export function wellKnownName(name: string): string | undefined {
	return WELL_KNOWN_ALIASES[name.trim().toLowerCase()];
}

const GRAPH_WELL_KNOWN = new Set(Object.values(WELL_KNOWN_ALIASES));

/** Accepts the resource locator's value, or a plain string (taken as an id or well-known name). */
export function folderRef(parameter: unknown, field?: string): FolderRef {
	const named = field ? { field } : {};
	if (parameter && typeof parameter === 'object') {
		const rl = parameter as INodeParameterResourceLocator;
		const mode = rl.mode === 'path' || rl.mode === 'id' ? rl.mode : 'list';
		return { mode, value: String(rl.value ?? '').trim(), ...named };
	}
	return { mode: 'id', value: String(parameter ?? '').trim(), ...named };
}

/** Graph's error code and status of a failed call, when it was Graph answering. */
function graphFailure(error: unknown): { status: number; code: string } | undefined {
	if (!(error instanceof NodeApiError)) return undefined;
	return { status: Number(error.httpCode), code: String(error.errorResponse?.code ?? '') };
}

/** Answers that mean "no such folder" (not "no such mailbox"). */
const FOLDER_NOT_FOUND = new Set(['ErrorItemNotFound', 'ErrorInvalidIdMalformed', 'ErrorInvalidId', 'ErrorFolderNotFound', 'ErrorInvalidFolderId']);

const SELECT = 'id,displayName,childFolderCount';

interface ChildQuery {
	itemIndex?: number;
	/** Also hidden folders (Graph leaves them out unless includeHiddenFolders=true). */
	includeHidden?: boolean;
	/** Properties beyond id, displayName and childFolderCount. */
	select?: string[];
	/** Stop after this many (pages are followed until then). */
	max?: number;
}

/** The folders directly under `parentUrl` (`…/mailFolders` for the top, `…/mailFolders/{id}/childFolders`). */
async function childFolders(client: GraphClient, url: string, query: ChildQuery | number = {}): Promise<IDataObject[]> {
	const { itemIndex, includeHidden, select = [], max = Infinity } = typeof query === 'number' ? { itemIndex: query } : query;
	const qs: IDataObject = { $top: 250, $select: [SELECT, ...select].join(',') };
	if (includeHidden) qs.includeHiddenFolders = 'true';
	const folders: IDataObject[] = [];
	for await (const page of client.pages<IDataObject>({ url, qs, permission: 'Mail.Read', itemIndex })) {
		folders.push(...page.value);
		if (folders.length >= max) break;
	}
	return folders;
}

function byName(folders: IDataObject[], name: string): IDataObject | undefined {
	return folders.find((f) => f.displayName === name) ?? folders.find((f) => String(f.displayName).toLowerCase() === name.toLowerCase());
}

/** The mailbox as the user wrote it, for messages. */
export function mailboxLabel(mailboxPath: string): string {
	return mailboxPath === '/me' ? 'of the signed-in user' : decodeURIComponent(mailboxPath.replace(/^\/users\//, ''));
}

function notFound(client: GraphClient, ref: FolderRef, mailboxPath: string, detail: string, itemIndex?: number): NodeOperationError {
	const how = ref.mode === 'path' ? 'path' : 'ID or name';
	return new NodeOperationError(client.node, `${ref.field ?? 'Folder'}: no folder with ${how} "${ref.value}" in mailbox ${mailboxLabel(mailboxPath)}`, {
		description: `${detail} Pick the folder from the list, or give a well-known name (${WELL_KNOWN_FOLDERS.map((f) => f.value).join(', ')}), an ID, or a path such as Inbox/Invoices (write a "/" inside a name as \\/).`,
		itemIndex,
	});
}

async function getFolder(client: GraphClient, mailboxPath: string, idOrName: string, ref: FolderRef, itemIndex?: number): Promise<ResolvedFolder> {
	try {
		const folder = await client.request<IDataObject>({
			url: `${mailboxPath}/mailFolders/${encodeURIComponent(idOrName)}`,
			qs: { $select: 'id,displayName' },
			permission: 'Mail.Read',
			itemIndex,
		});
		return { id: String(folder.id), displayName: String(folder.displayName ?? '') };
	} catch (error) {
		throw folderLookupError(client, error as Error, ref, mailboxPath, itemIndex);
	}
}

/** What the user sees when a folder lookup fails: "no such folder" for Graph's not-found answers. */
function folderLookupError(client: GraphClient, error: Error, ref: FolderRef, mailboxPath: string, itemIndex?: number): Error {
	const failure = graphFailure(error);
	if (failure && (FOLDER_NOT_FOUND.has(failure.code) || (failure.status === 400 && ref.mode !== 'path'))) {
		return notFound(client, ref, mailboxPath, `Graph answered ${failure.code}.`, itemIndex);
	}
	return error;
}

/**
 * A top-level folder the user named: Graph's own well-known names (`sentitems`) directly; any other
 * name is first looked for among the mailbox's real top-level folders, so a user's own folder called
 * "Sent" or "Trash" is found as itself, and only then taken as an alias (any mailbox language).
 */
async function topLevelFolder(client: GraphClient, mailboxPath: string, name: string, itemIndex?: number): Promise<{ wellKnown: string } | ResolvedFolder | undefined> {
	const wellKnown = wellKnownName(name);
	if (wellKnown && GRAPH_WELL_KNOWN.has(name.trim().toLowerCase())) return { wellKnown };
	const own = byName(await childFolders(client, `${mailboxPath}/mailFolders`, itemIndex), name);
	if (own) return { id: String(own.id), displayName: String(own.displayName) };
	return wellKnown ? { wellKnown } : undefined;
}

async function resolvePath(client: GraphClient, mailboxPath: string, ref: FolderRef, itemIndex?: number): Promise<ResolvedFolder> {
	const parts = splitFolderPath(ref.value);
	if (parts.length === 0) throw notFound(client, ref, mailboxPath, 'The path is empty.', itemIndex);
	let current: ResolvedFolder | undefined;
	let parentUrl: string;
	const top = await topLevelFolder(client, mailboxPath, parts[0], itemIndex);
	if (!top) throw notFound(client, ref, mailboxPath, `There is no top-level folder "${parts[0]}".`, itemIndex);
	if ('wellKnown' in top) {
		parentUrl = `${mailboxPath}/mailFolders/${top.wellKnown}`;
		if (parts.length === 1) return await getFolder(client, mailboxPath, top.wellKnown, ref, itemIndex);
	} else {
		current = top;
		parentUrl = `${mailboxPath}/mailFolders/${encodeURIComponent(current.id)}`;
	}
	for (let i = 1; i < parts.length; i++) {
		const children = await childFolders(client, `${parentUrl}/childFolders`, itemIndex);
		const child = byName(children, parts[i]);
		if (!child) {
			const names = children.slice(0, 10).map((c) => `"${c.displayName}"`).join(', ');
			throw notFound(client, ref, mailboxPath, `"${parts.slice(0, i).join('/')}" has no subfolder "${parts[i]}"${names ? ` (it has ${names}${children.length > 10 ? ', …' : ''})` : ' (it has none)'}.`, itemIndex);
		}
		current = { id: String(child.id), displayName: String(child.displayName) };
		parentUrl = `${mailboxPath}/mailFolders/${encodeURIComponent(current.id)}`;
	}
	return current!;
}

/** An id, or a name: a name that is an alias goes through `topLevelFolder` (a real folder first). */
async function resolveIdOrName(client: GraphClient, mailboxPath: string, ref: FolderRef, itemIndex?: number): Promise<ResolvedFolder> {
	if (!wellKnownName(ref.value)) return await getFolder(client, mailboxPath, ref.value, ref, itemIndex);
	const top = (await topLevelFolder(client, mailboxPath, ref.value, itemIndex))!;
	return 'wellKnown' in top ? await getFolder(client, mailboxPath, top.wellKnown, ref, itemIndex) : top;
}

/** Lookups already made with this client (one node execution): items naming the same folder share them. */
const resolved = new WeakMap<GraphClient, Map<string, Promise<ResolvedFolder>>>();

/**
 * The id (and name) of the folder `ref` names in the mailbox at `mailboxPath` (`/me`,
 * `/users/x`). Unknown folders throw a NodeOperationError naming the Folder field and the item.
 */
export async function resolveFolder(client: GraphClient, mailboxPath: string, ref: FolderRef, itemIndex?: number): Promise<ResolvedFolder> {
	if (!ref.value) {
		throw new NodeOperationError(client.node, `${ref.field ?? 'Folder'}: choose a folder`, { description: 'Pick one from the list, or give an ID or a path such as Inbox/Invoices.', itemIndex });
	}
	let cache = resolved.get(client);
	if (!cache) resolved.set(client, (cache = new Map()));
	const key = `${mailboxPath}|${ref.field ?? ''}|${ref.mode === 'path' ? 'path' : 'id'}|${ref.value}`;
	let lookup = cache.get(key);
	if (!lookup) {
		lookup = ref.mode === 'path' ? resolvePath(client, mailboxPath, ref, itemIndex) : resolveIdOrName(client, mailboxPath, ref, itemIndex);
		cache.set(key, lookup);
		// A failed lookup is not kept: the next item gets its own error (with its own item index).
		lookup.catch(() => cache!.delete(key));
	}
	return await lookup;
}

export interface ListFoldersOptions extends Omit<ChildQuery, 'max'> {
	/** At most this many folders (1000 unless told). */
	max?: number;
	/** Start below this folder instead of the top of the mailbox; paths then start at its children. */
	under?: ResolvedFolder;
	/** Only the first level (default: the whole tree). */
	oneLevel?: boolean;
}

/**
 * Every folder of the mailbox (or below `under`), top-down, with its path (names escaped with
 * `escapeFolderName`, so a path can be given back as a folder path); at most `max` folders.
 * Top-level folders carrying an English well-known display name are marked with their well-known name.
 */
export async function listFolders(client: GraphClient, mailboxPath: string, options: number | ListFoldersOptions = {}): Promise<ListedFolder[]> {
	const { max = 1000, under, oneLevel = false, ...query } = typeof options === 'number' ? { max: options } : options;
	const result: ListedFolder[] = [];
	const top = under ? `${mailboxPath}/mailFolders/${encodeURIComponent(under.id)}/childFolders` : `${mailboxPath}/mailFolders`;
	let level: { url: string; path: string }[] = [{ url: top, path: '' }];
	while (level.length && result.length < max) {
		// One level at a time; the client caps concurrent calls per mailbox.
		const listings = await Promise.all(level.map(async (parent) => ({ parent, children: await childFolders(client, parent.url, { ...query, max: max - result.length }) })));
		const next: typeof level = [];
		for (const { parent, children } of listings) {
			for (const child of children) {
				if (result.length >= max) break;
				const name = String(child.displayName ?? '');
				const path = parent.path ? `${parent.path}/${escapeFolderName(name)}` : escapeFolderName(name);
				const known = parent.path || under ? undefined : WELL_KNOWN_FOLDERS.find((f) => f.name.toLowerCase() === name.toLowerCase())?.value;
				result.push({ id: String(child.id), displayName: name, path, ...(known ? { wellKnownName: known } : {}), graph: child });
				// childFolderCount saves a call per leaf; when Graph leaves it out, look anyway.
				if (!oneLevel && (child.childFolderCount === undefined || Number(child.childFolderCount) > 0)) {
					next.push({ url: `${mailboxPath}/mailFolders/${encodeURIComponent(String(child.id))}/childFolders`, path });
				}
			}
		}
		level = next;
	}
	return result;
}
