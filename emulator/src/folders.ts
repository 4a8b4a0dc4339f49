/** Mail folders: top-level list, one folder, child folders, creating, renaming and deleting folders. */
import { GraphError, errors, parseJsonBody, type GraphResponse } from './http';
import { listCollection } from './listQuery';
import type { Folder } from './mailStore';
import type { EntityDef } from './odataFilter';
import { parseSelect } from './messageView';
import { contextUrl, findFolder } from './messages';
import type { MailContext } from './graphRouter';

const FOLDER_PROPS = ['id', 'displayName', 'parentFolderId', 'childFolderCount', 'unreadItemCount', 'totalItemCount', 'sizeInBytes', 'isHidden'];

function renderFolder(ctx: MailContext, f: Folder, select?: string[]): Record<string, unknown> {
  const msgs = ctx.mailbox.messagesIn(f.id);
  const full: Record<string, unknown> = {
    id: f.id,
    displayName: f.displayName,
    parentFolderId: f.parentFolderId,
    childFolderCount: ctx.mailbox.childFolders(f.id).length,
    unreadItemCount: msgs.filter((m) => !m.isRead).length,
    totalItemCount: msgs.length,
    sizeInBytes: msgs.reduce((n, m) => n + m.body.content.length + m.attachments.reduce((s, a) => s + a.size, 0), 0),
    isHidden: f.isHidden,
  };
  if (!select) return full;
  return Object.fromEntries(['id', ...select].map((p) => [p, full[p]]));
}

function folderEntity(ctx: MailContext): EntityDef<Folder> {
  return {
    typeName: 'microsoft.graph.mailFolder',
    props: {
      id: { type: 'string', get: (f) => f.id },
      displayname: { type: 'string', get: (f) => f.displayName },
      ishidden: { type: 'bool', get: (f) => f.isHidden },
      totalitemcount: { type: 'number', get: (f) => ctx.mailbox.messagesIn(f.id).length },
      unreaditemcount: { type: 'number', get: (f) => ctx.mailbox.messagesIn(f.id).filter((m) => !m.isRead).length },
    },
  };
}

function listFolders(ctx: MailContext, parent: Folder, context: string): GraphResponse {
  const select = parseSelect(ctx.req.query.get('$select'), FOLDER_PROPS, 'microsoft.graph.mailFolder');
  const includeHidden = ctx.req.query.get('includeHiddenFolders') === 'true';
  return listCollection({
    req: ctx.req,
    origin: ctx.state.url,
    items: ctx.mailbox.childFolders(parent.id).filter((f) => includeHidden || !f.isHidden),
    entity: folderEntity(ctx),
    defaultOrder: [{ prop: 'displayname', desc: false }],
    render: (f) => renderFolder(ctx, f, select),
    context,
  });
}

export function listTopFolders(ctx: MailContext): GraphResponse {
  return listFolders(ctx, ctx.mailbox.root(), contextUrl(ctx, 'mailFolders'));
}

export function listChildFolders(ctx: MailContext): GraphResponse {
  return listFolders(ctx, findFolder(ctx, ctx.params.fid), contextUrl(ctx, `mailFolders('${ctx.params.fid}')/childFolders`));
}

export function getFolder(ctx: MailContext): GraphResponse {
  const f = findFolder(ctx, ctx.params.fid);
  const select = parseSelect(ctx.req.query.get('$select'), FOLDER_PROPS, 'microsoft.graph.mailFolder');
  return { status: 200, json: { '@odata.context': contextUrl(ctx, 'mailFolders/$entity'), ...renderFolder(ctx, f, select) } };
}

/** A folder name Graph accepts under `parentId`: not empty, and no sibling (other than `self`) of that name in any case. */
function checkedName(ctx: MailContext, raw: unknown, parentId: string, self?: Folder): string {
  const name = typeof raw === 'string' ? raw.trim() : '';
  if (!name) throw errors.badRequest("The 'displayName' of the folder is required.", 'ErrorInvalidParameter');
  if (ctx.mailbox.childFolders(parentId).some((f) => f !== self && f.displayName.toLowerCase() === name.toLowerCase()))
    throw new GraphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
  return name;
}

function create(ctx: MailContext, parent: Folder): GraphResponse {
  const json = parseJsonBody(ctx.req.body);
  const name = checkedName(ctx, json.displayName, parent.id);
  const folder = ctx.mailbox.addFolder(parent.id, name);
  if (json.isHidden === true) folder.isHidden = true;
  return { status: 201, json: { '@odata.context': contextUrl(ctx, 'mailFolders/$entity'), ...renderFolder(ctx, folder) } };
}

export function createTopFolder(ctx: MailContext): GraphResponse {
  return create(ctx, ctx.mailbox.root());
}

export function createChildFolder(ctx: MailContext): GraphResponse {
  return create(ctx, findFolder(ctx, ctx.params.fid));
}

/** Distinguished (well-known) folders cannot be renamed or deleted; Graph answers 403 ErrorDeleteDistinguishedFolder / ErrorAccessDenied. */
function ownFolder(ctx: MailContext, verb: 'rename' | 'delete'): Folder {
  const f = findFolder(ctx, ctx.params.fid);
  if (f.wellKnownName) {
    throw verb === 'delete'
      ? new GraphError(403, 'ErrorDeleteDistinguishedFolder', 'Distinguished folders cannot be deleted.')
      : new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
  }
  return f;
}

/** PATCH: displayName (a rename) — the only writable property of a mailFolder besides isHidden. */
export function updateFolder(ctx: MailContext): GraphResponse {
  const json = parseJsonBody(ctx.req.body);
  const f = ownFolder(ctx, 'rename');
  if ('displayName' in json) f.displayName = checkedName(ctx, json.displayName, f.parentFolderId, f);
  if (typeof json.isHidden === 'boolean') f.isHidden = json.isHidden;
  return { status: 200, json: { '@odata.context': contextUrl(ctx, 'mailFolders/$entity'), ...renderFolder(ctx, f) } };
}

/** DELETE: as in Exchange, the folder (with its subfolders and mail) moves into Deleted Items; deleting it there removes it. */
export function deleteFolder(ctx: MailContext): GraphResponse {
  const f = ownFolder(ctx, 'delete');
  const deletedItems = ctx.mailbox.wellKnownId('deleteditems');
  if (f.parentFolderId === deletedItems) ctx.mailbox.removeFolder(f.id);
  else {
    // A name taken in Deleted Items gets a suffix, as Outlook does ("Invoices 1").
    let name = f.displayName;
    for (let n = 1; ctx.mailbox.childFolders(deletedItems).some((d) => d.displayName.toLowerCase() === name.toLowerCase()); n++) name = `${f.displayName} ${n}`;
    f.displayName = name;
    f.parentFolderId = deletedItems;
  }
  return { status: 204 };
}
