/**
 * Tenant, credentials and workflows shared by the end-to-end suite and the demo (scripts/demo.ts).
 * Node parameter names live here only: when the node's parameters change, change them here.
 */
import * as crypto from 'crypto';

export const TENANT = { id: '7f3c1d2e-4b5a-4c6d-8e9f-0a1b2c3d4e5f', domain: 'contoso.example' };

/** App-only (client credentials) app: sends as / reads service mailboxes. */
export const DAEMON_APP = {
  clientId: '11111111-aaaa-4bbb-8ccc-000000000001',
  displayName: 'n8n mail daemon',
  secret: { id: 'd1a2b3c4-0000-4000-8000-00000000aaaa', value: 'daemon-secret-value~1234567890' },
};
/** Delegated app: ROPC and authorization code (n8n's OAuth2 sign-in). */
export const DELEGATED_APP = {
  clientId: '22222222-aaaa-4bbb-8ccc-000000000002',
  displayName: 'n8n mail (delegated)',
  secret: { id: 'e1a2b3c4-0000-4000-8000-00000000bbbb', value: 'delegated-secret-value~0987654321' },
};

export const USERS = {
  service: { upn: 'service@contoso.example', displayName: 'Service Mailbox', password: 'Service-Passw0rd!' },
  alice: { upn: 'alice@contoso.example', displayName: 'Alice Adams', password: 'Alice-Passw0rd!' },
  bob: { upn: 'bob@contoso.example', displayName: 'Bob Brown', password: 'Bob-Passw0rd!' },
  archive: { upn: 'archive@contoso.example', displayName: 'Archive', password: 'Archive-Passw0rd!' },
};

/** Sets the tenant up on an emulator (in process). */
export function setupTenant(emu: any, opts: { redirectUri?: string } = {}) {
  emu.setup({
    tenants: [TENANT],
    apps: [
      {
        tenantId: TENANT.id,
        clientId: DAEMON_APP.clientId,
        displayName: DAEMON_APP.displayName,
        secrets: [DAEMON_APP.secret],
        applicationPermissions: ['Mail.Send', 'Mail.ReadWrite', 'User.Read.All'],
      },
      {
        tenantId: TENANT.id,
        clientId: DELEGATED_APP.clientId,
        displayName: DELEGATED_APP.displayName,
        secrets: [DELEGATED_APP.secret],
        delegatedScopes: ['User.Read', 'Mail.ReadWrite', 'Mail.Send', 'Mail.ReadWrite.Shared', 'Mail.Send.Shared'],
        ...(opts.redirectUri ? { redirectUris: [opts.redirectUri] } : {}),
      },
    ],
    users: Object.values(USERS).map((u) => ({ tenantId: TENANT.id, ...u })),
  });
}

// ---------------- credentials (as `n8n import:credentials` takes them) ----------------

export const CRED_IDS = {
  clientCredentials: 'graphMailCC00001',
  password: 'graphMailPW00001',
  oAuth2: 'graphMailOA00001',
  badSecret: 'graphMailCCbad01',
};

export function credentials(emuUrl: string) {
  const cloud = { cloud: 'custom', authorityUrl: emuUrl, graphUrl: emuUrl, tenantId: TENANT.id };
  return [
    {
      id: CRED_IDS.clientCredentials,
      name: 'Graph Mail – client credentials (service mailbox)',
      type: 'microsoftGraphMailClientCredentialsApi',
      data: {
        ...cloud,
        clientId: DAEMON_APP.clientId,
        authMethod: 'secret',
        clientSecret: DAEMON_APP.secret.value,
        defaultMailbox: USERS.service.upn,
      },
    },
    {
      id: CRED_IDS.password,
      name: 'Graph Mail – username & password (Alice)',
      type: 'microsoftGraphMailPasswordApi',
      data: {
        ...cloud,
        clientId: DELEGATED_APP.clientId,
        clientSecret: DELEGATED_APP.secret.value,
        username: USERS.alice.upn,
        password: USERS.alice.password,
      },
    },
    {
      id: CRED_IDS.oAuth2,
      name: 'Graph Mail – OAuth2 (Bob)',
      type: 'microsoftGraphMailOAuth2Api',
      data: { ...cloud, clientId: DELEGATED_APP.clientId, clientSecret: DELEGATED_APP.secret.value },
    },
    {
      id: CRED_IDS.badSecret,
      name: 'Graph Mail – secret ID pasted instead of the value',
      type: 'microsoftGraphMailClientCredentialsApi',
      data: {
        ...cloud,
        clientId: DAEMON_APP.clientId,
        authMethod: 'secret',
        clientSecret: DAEMON_APP.secret.id,
        defaultMailbox: USERS.service.upn,
      },
    },
  ];
}

export type Auth = 'clientCredentials' | 'password' | 'oAuth2';
const CRED_TYPE: Record<Auth, string> = {
  clientCredentials: 'microsoftGraphMailClientCredentialsApi',
  password: 'microsoftGraphMailPasswordApi',
  oAuth2: 'microsoftGraphMailOAuth2Api',
};
export function credentialRef(auth: Auth) {
  return { [CRED_TYPE[auth]]: { id: CRED_IDS[auth], name: credentials('x').find((c) => c.id === CRED_IDS[auth])!.name } };
}

// ---------------- workflows ----------------

/**
 * Node types are `<package>.<name>`: `n8n-nodes-graph-mail.` when installed as a community package
 * (the default here), `CUSTOM.` when loaded through N8N_CUSTOM_EXTENSIONS.
 */
export const PACKAGE_NAME = 'n8n-nodes-graph-mail';
let nodePackage = PACKAGE_NAME;
export function setNodePackage(prefix: string) {
  nodePackage = prefix;
}
const nodeType = () => `${nodePackage}.microsoftGraphMail`;
const triggerType = () => `${nodePackage}.microsoftGraphMailTrigger`;

/** Deterministic node ids (so links like /workflow/<id>/<nodeId> open a node's panel). */
export function nodeId(workflowId: string, nodeName: string): string {
  const h = crypto.createHash('md5').update(`${workflowId}/${nodeName}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
const manualTrigger = (wf: string) => ({
  id: nodeId(wf, 'Start'),
  name: 'Start',
  type: 'n8n-nodes-base.manualTrigger',
  typeVersion: 1,
  position: [0, 0],
  parameters: {},
});
function chain(names: string[]) {
  const connections: Record<string, any> = {};
  for (let i = 0; i < names.length - 1; i++) connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
  return connections;
}

/** Node parameters: Send Mail. */
export function sendParams(o: {
  auth: Auth;
  mailbox?: string;
  to: string;
  subject: string;
  body: string;
  attachmentProperty?: string;
}) {
  return {
    authentication: o.auth,
    operation: 'send',
    mailbox: o.mailbox ?? '',
    toRecipients: o.to,
    subject: o.subject,
    bodyContentType: 'text',
    bodyContent: o.body,
    options: o.attachmentProperty ? { attachments: o.attachmentProperty } : {},
  };
}

export const folderRl = (folder = 'inbox') => ({ __rl: true, mode: 'id', value: folder });

export interface MessageFilters {
  from?: string;
  subjectContains?: string;
  rawFilter?: string;
}

/** Node parameters: Get Messages (operation getMany) with filters, all pages, simplified output. */
export function getManyParams(o: { auth: Auth; mailbox?: string; folder?: string; filters: MessageFilters }) {
  return {
    authentication: o.auth,
    operation: 'getMany',
    mailbox: o.mailbox ?? '',
    folderScope: 'folder',
    folder: folderRl(o.folder),
    returnAll: true,
    searchMode: 'filters',
    filters: o.filters,
    output: 'simplified',
    options: {},
  };
}

/** Node parameters: the New Mail trigger. pollSeconds: every N seconds (12 cron times a minute for 5). */
export function triggerParams(o: { auth: Auth; mailbox?: string; pollSeconds?: number }) {
  const every = o.pollSeconds ?? 5;
  const item = [];
  for (let s = 0; s < 60; s += every) item.push({ mode: 'custom', cronExpression: `${s} * * * * *` });
  return {
    pollTimes: { item },
    authentication: o.auth,
    event: 'newMail',
    mailbox: o.mailbox ?? '',
    folders: ['inbox'],
  };
}

/** Manual Trigger → Read file (the attachment) → Send Mail. */
export function sendMailWorkflow(id: string, auth: Auth, o: { to: string; subject: string; body: string; attachmentPath?: string; mailbox?: string }) {
  const nodes: any[] = [manualTrigger(id)];
  const names = ['Start'];
  if (o.attachmentPath) {
    nodes.push({
      id: nodeId(id, 'Read Attachment'),
      name: 'Read Attachment',
      type: 'n8n-nodes-base.readWriteFile',
      typeVersion: 1,
      position: [220, 0],
      parameters: { fileSelector: o.attachmentPath, options: { dataPropertyName: 'data' } },
    });
    names.push('Read Attachment');
  }
  nodes.push({
    id: nodeId(id, 'Send Mail'),
    name: 'Send Mail',
    type: nodeType(),
    typeVersion: 1,
    position: [440, 0],
    parameters: sendParams({ auth, to: o.to, subject: o.subject, body: o.body, mailbox: o.mailbox, attachmentProperty: o.attachmentPath ? 'data' : undefined }),
    credentials: credentialRef(auth),
  });
  names.push('Send Mail');
  return { id, name: `Send Mail (${auth})`, active: false, settings: {}, nodes, connections: chain(names) };
}

export function getMessagesWorkflow(id: string, auth: Auth, o: { filters: MessageFilters; mailbox?: string; folder?: string }) {
  return {
    id,
    name: `Get Messages with a filter (${auth})`,
    active: false,
    settings: {},
    nodes: [
      manualTrigger(id),
      {
        id: nodeId(id, 'Get Messages'),
        name: 'Get Messages',
        type: nodeType(),
        typeVersion: 1,
        position: [220, 0],
        parameters: getManyParams({ auth, ...o }),
        credentials: credentialRef(auth),
      },
    ],
    connections: chain(['Start', 'Get Messages']),
  };
}

/** New Mail trigger (watching `watch`) → Send Mail forwarding each mail to `forwardTo`. */
export function forwardWorkflow(id: string, o: { watch: string; forwardTo: string; pollSeconds?: number; instantWebhookId?: string }) {
  const polling = triggerParams({ auth: 'clientCredentials', mailbox: o.watch, pollSeconds: o.pollSeconds });
  // The Instant trigger takes the polling one's fields without the poll times, and a webhook id.
  const { pollTimes: _pollTimes, ...instantParameters } = polling;
  const trigger = o.instantWebhookId
    ? { name: 'Instant New Mail → forward', type: `${nodePackage}.microsoftGraphMailInstantTrigger`, parameters: instantParameters }
    : { name: 'New Mail → forward', type: triggerType(), parameters: polling };
  return {
    id,
    name: trigger.name,
    active: false,
    settings: {},
    nodes: [
      {
        id: nodeId(id, 'New Mail'),
        name: 'New Mail',
        type: trigger.type,
        typeVersion: 1,
        position: [0, 0],
        ...(o.instantWebhookId ? { webhookId: o.instantWebhookId } : {}),
        parameters: trigger.parameters,
        credentials: credentialRef('clientCredentials'),
      },
      {
        id: nodeId(id, 'Forward'),
        name: 'Forward',
        type: nodeType(),
        typeVersion: 1,
        position: [220, 0],
        parameters: sendParams({
          auth: 'clientCredentials',
          mailbox: o.watch,
          to: o.forwardTo,
          subject: '=FW: {{ $json.subject }}',
          body: '=Forwarded by n8n. Original from {{ $json.fromAddress ?? $json.from?.emailAddress?.address ?? "" }}:\n\n{{ $json.bodyPreview ?? $json.body?.content ?? "" }}',
        }),
        credentials: credentialRef('clientCredentials'),
      },
    ],
    connections: chain(['New Mail', 'Forward']),
  };
}

/**
 * New Mail trigger (watching `watch`) → Reply → Move to `folderPath` → Update (mark read). Move and
 * Update name the mail by the trigger's id: a moved mail keeps it (immutable ids).
 */
export function replyMoveReadWorkflow(id: string, o: { watch: string; folderPath: string; pollSeconds?: number }) {
  const auth: Auth = 'clientCredentials';
  const message = { __rl: true, mode: 'id', value: "={{ $('New Mail').item.json.id }}" };
  const action = (name: string, x: number, parameters: Record<string, unknown>) => ({
    id: nodeId(id, name),
    name,
    type: nodeType(),
    typeVersion: 1,
    position: [x, 0],
    parameters: { authentication: auth, resource: 'message', mailbox: o.watch, message, ...parameters },
    credentials: credentialRef(auth),
  });
  return {
    id,
    name: 'New Mail → Reply → Move → Mark read',
    active: false,
    settings: {},
    nodes: [
      {
        id: nodeId(id, 'New Mail'),
        name: 'New Mail',
        type: triggerType(),
        typeVersion: 1,
        position: [0, 0],
        parameters: triggerParams({ auth, mailbox: o.watch, pollSeconds: o.pollSeconds }),
        credentials: credentialRef(auth),
      },
      action('Reply', 220, { operation: 'reply', commentContentType: 'text', comment: '=Thanks, we got your mail "{{ $json.subject }}".' }),
      action('Move', 440, { operation: 'move', folder: { __rl: true, mode: 'path', value: o.folderPath } }),
      action('Mark Read', 660, { operation: 'update', updateFields: { readStatus: 'read' } }),
    ],
    connections: chain(['New Mail', 'Reply', 'Move', 'Mark Read']),
  };
}

/**
 * Manual Trigger → Get Messages (filters, Download Attachments) → Folder Create (`folderName` under
 * `parent`, Return Existing Folder If Already There) → Move (each mail to that folder) → Attachment
 * Download (every attachment of the moved mail). Every node names the mailbox; Move pairs each folder
 * item back to its mail.
 */
export function folderAttachmentsWorkflow(id: string, o: { mailbox: string; filters: MessageFilters; parent: string; folderName: string }) {
  const auth: Auth = 'clientCredentials';
  const node = (name: string, x: number, resource: string, parameters: Record<string, unknown>) => ({
    id: nodeId(id, name),
    name,
    type: nodeType(),
    typeVersion: 1,
    position: [x, 0],
    parameters: { authentication: auth, resource, mailbox: o.mailbox, ...parameters },
    credentials: credentialRef(auth),
  });
  const rlId = (value: string) => ({ __rl: true, mode: 'id', value });
  return {
    id,
    name: 'Get Messages → Folder Create (if missing) → Move → Attachment Download',
    active: false,
    settings: {},
    nodes: [
      manualTrigger(id),
      node('Get Messages', 220, 'message', {
        ...getManyParams({ auth, mailbox: o.mailbox, filters: o.filters }),
        options: { downloadAttachments: true },
      }),
      node('Folder Create', 440, 'folder', {
        operation: 'create',
        folderName: o.folderName,
        parentFolder: rlId(o.parent),
        options: { returnExisting: true },
      }),
      node('Move', 660, 'message', {
        operation: 'move',
        message: rlId("={{ $('Get Messages').item.json.id }}"),
        folder: rlId("={{ $('Folder Create').item.json.id }}"),
      }),
      node('Attachment Download', 880, 'attachment', {
        operation: 'download',
        message: rlId('={{ $json.id }}'),
        attachmentId: '',
        binaryPropertyName: 'data',
      }),
    ],
    connections: chain(['Start', 'Get Messages', 'Folder Create', 'Move', 'Attachment Download']),
  };
}

/** Set + Split Out: `count` items `{ n: 0 … count-1 }` (no Code node: that needs n8n's task runner). */
export function countedItemsNodes(workflowId: string, count: number, x = 200) {
  return [
    {
      id: nodeId(workflowId, 'Items'),
      name: 'Items',
      type: 'n8n-nodes-base.set',
      typeVersion: 3.4,
      position: [x, 0],
      parameters: { assignments: { assignments: [{ id: 'n', name: 'n', value: `={{ Array.from({ length: ${count} }, (_, i) => i) }}`, type: 'array' }] }, options: {} },
    },
    { id: nodeId(workflowId, 'Split'), name: 'Split', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [x + 200, 0], parameters: { fieldToSplitOut: 'n', options: {} } },
  ];
}
