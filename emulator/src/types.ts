/** Public types of the emulator: what tests and the admin API hand in and get back. */

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Lifetime of issued access tokens. Default 3600. Keep it above 300 or MSAL never serves from its cache. */
  tokenLifetimeSeconds?: number;
  /** Extra delay applied to every Graph request and upload PUT. */
  latencyMs?: number;
  /** Concurrent requests allowed per (app or user) + mailbox. Default 4; false switches the limit off. */
  mailboxConcurrencyLimit?: number | false;
  /**
   * Delay between a send's 202 and the mail leaving: meanwhile the sender's message sits in Outbox
   * (still unsent, isDraft true); then the recipients get their copies and the sender's copy reaches
   * Sent Items. Default 0 (at once).
   */
  deliveryDelayMs?: number;
  /** Where the TLS certificate lives. Default <repo>/.cache/emulator-tls. */
  tlsDir?: string;
  /** CA (PEM) trusted when calling notification URLs. Default: the emulator's own certificate. */
  notificationCa?: string;
  /** Order of delta changes (Graph guarantees none). Default 'oldest-first'. */
  deltaOrder?: DeltaOrder;
  /** Delta links and next links older than this answer 410 SyncStateNotFound (Graph keeps sync states only for a while). Default: never. */
  deltaSyncStateMaxAgeSeconds?: number;
}

/**
 * 'oldest-first': pages walk the changes oldest first; 'newest-first': newest first; 'shuffled':
 * newest page first and each page in a scrambled order.
 */
export type DeltaOrder = 'oldest-first' | 'newest-first' | 'shuffled';

export interface TenantSpec {
  id: string;
  domain: string;
}

export interface SecretSpec {
  /** The secret's ID as the portal shows it. Sending it as the value fails with AADSTS7000215. */
  id: string;
  value: string;
  expired?: boolean;
}

export interface AppSpec {
  clientId: string;
  displayName?: string;
  secrets?: SecretSpec[];
  /** Public certificates (PEM). A client assertion must be signed by the matching key. */
  certificates?: { certPem: string }[];
  /** App roles granted with admin consent, e.g. Mail.Send, Mail.ReadWrite, User.Read.All. */
  applicationPermissions?: string[];
  /** Delegated scopes granted, e.g. User.Read, Mail.ReadWrite, Mail.Send.Shared. */
  delegatedScopes?: string[];
  /** Default true. False answers AADSTS65001 on every token request. */
  consented?: boolean;
  /** Public clients may redeem codes and use ROPC without a client credential. */
  publicClient?: boolean;
  /** When given, redirect_uri must be one of them. */
  redirectUris?: string[];
}

export interface UserSpec {
  upn: string;
  id?: string;
  displayName?: string;
  password?: string;
  mfaRequired?: boolean;
  conditionalAccessBlocked?: boolean;
  /** Default true. False: mail endpoints answer MailboxNotEnabledForRESTAPI. */
  hasMailbox?: boolean;
}

export interface User {
  id: string;
  tenantId: string;
  userPrincipalName: string;
  mail: string;
  displayName: string;
  password?: string;
  mfaRequired: boolean;
  conditionalAccessBlocked: boolean;
  hasMailbox: boolean;
}

export interface EmailAddress {
  name?: string;
  address: string;
}
export interface Recipient {
  emailAddress: EmailAddress;
}
export interface ItemBody {
  contentType: 'text' | 'html';
  content: string;
}
export interface InternetMessageHeader {
  name: string;
  value: string;
}

/** A message as Graph renders it (without $select). */
export interface GraphMessage {
  id: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  changeKey: string;
  categories: string[];
  receivedDateTime: string;
  sentDateTime: string | null;
  hasAttachments: boolean;
  internetMessageId: string;
  subject: string;
  bodyPreview: string;
  importance: 'low' | 'normal' | 'high';
  parentFolderId: string;
  conversationId: string;
  isDeliveryReceiptRequested: boolean;
  isReadReceiptRequested: boolean;
  isRead: boolean;
  isDraft: boolean;
  webLink: string;
  inferenceClassification: 'focused' | 'other';
  body: ItemBody;
  sender: Recipient | null;
  from: Recipient | null;
  toRecipients: Recipient[];
  ccRecipients: Recipient[];
  bccRecipients: Recipient[];
  replyTo: Recipient[];
  flag: FollowupFlag;
  internetMessageHeaders?: InternetMessageHeader[];
}

/** Graph's dateTimeTimeZone: a wall-clock time without offset, and the zone it is in. */
export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

/** Graph's followupFlag. */
export interface FollowupFlag {
  flagStatus: string;
  startDateTime?: DateTimeTimeZone;
  dueDateTime?: DateTimeTimeZone;
  completedDateTime?: DateTimeTimeZone;
}

export type AttachmentKind = 'file' | 'item' | 'reference';

export interface StoredAttachment {
  id: string;
  kind: AttachmentKind;
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  contentId: string | null;
  lastModifiedDateTime: number;
  /** fileAttachment bytes. */
  contentBytes?: Buffer;
  /** itemAttachment: the attached message (Graph JSON shape, partial). */
  item?: Partial<GraphMessage>;
  /** referenceAttachment. */
  sourceUrl?: string;
  providerType?: string;
}

/** What the emulator keeps per message. Times are epoch milliseconds (whole seconds, as Exchange). */
export interface StoredMessage {
  id: string;
  mailboxUserId: string;
  folderId: string;
  createdDateTime: number;
  lastModifiedDateTime: number;
  receivedDateTime: number;
  sentDateTime: number | null;
  subject: string;
  body: ItemBody;
  importance: 'low' | 'normal' | 'high';
  isRead: boolean;
  isDraft: boolean;
  from: Recipient | null;
  sender: Recipient | null;
  toRecipients: Recipient[];
  ccRecipients: Recipient[];
  bccRecipients: Recipient[];
  replyTo: Recipient[];
  categories: string[];
  internetMessageHeaders: InternetMessageHeader[];
  internetMessageId: string;
  conversationId: string;
  isReadReceiptRequested: boolean;
  isDeliveryReceiptRequested: boolean;
  /** PR_DELETE_AFTER_SUBMIT (singleValueExtendedProperty 'Boolean 0x0E01'): sending a draft keeps no copy in Sent Items. */
  deleteAfterSubmit?: boolean;
  inferenceClassification: 'focused' | 'other';
  flag: FollowupFlag;
  /** Replies: the internetMessageId of the message answered (In-Reply-To in the MIME). */
  inReplyTo?: string;
  attachments: StoredAttachment[];
  /** Change sequence (per mailbox) when the message entered its folder / last changed: drives delta. */
  folderSeq: number;
  changedSeq: number;
}

export interface SeedAttachment {
  '@odata.type'?: string;
  kind?: AttachmentKind;
  name: string;
  contentType?: string;
  /** Buffer in process; base64 string through the admin API. */
  contentBytes?: Buffer | string;
  isInline?: boolean;
  contentId?: string;
  item?: Partial<GraphMessage>;
  sourceUrl?: string;
  providerType?: string;
}

export type SeedMessage = Partial<Omit<GraphMessage, 'receivedDateTime' | 'sentDateTime'>> & {
  receivedDateTime?: string | Date;
  sentDateTime?: string | Date | null;
  attachments?: SeedAttachment[];
};

/** A copy of a message addressed outside the sender's tenant. */
export interface OutboundMessage {
  fromTenantId: string;
  sender: string;
  recipients: string[];
  message: StoredMessage;
}

export interface FaultMatch {
  method?: string;
  /** Matched against the decoded path without query: a string matches when the path equals it or ends with it. */
  path?: string | RegExp;
}

interface FaultBase {
  match?: FaultMatch;
  /** How many matching requests it hits. Default 1; Infinity for all. */
  times?: number;
}

export type Fault = FaultBase &
  (
    | {
        kind: 'status';
        status: number;
        retryAfterSeconds?: number;
        body?: unknown;
        /** Carry the request out first, then answer the status: a gateway that gave up while the backend acted. */
        afterActing?: boolean;
      }
    | { kind: 'drop-before' }
    | { kind: 'drop-after' }
    | { kind: 'html' }
    | { kind: 'garbage' }
    | { kind: 'latency'; ms: number }
  );

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  ms: number;
}

export interface EmulatorStats {
  tokenRequests: number;
  tokenRequestsByClient: Record<string, number>;
  /** HTTP requests under /v1.0 (a $batch counts once; its inner requests count in batchedRequests). */
  graphRequests: number;
  batchedRequests: number;
  uploadRequests: number;
  /** 429 answers, from faults, the concurrency limit or inside batches. */
  throttled: number;
  faultsFired: number;
  log: RequestLogEntry[];
}

export interface SetupSpec {
  tenants?: TenantSpec[];
  apps?: (AppSpec & { tenantId: string })[];
  users?: (UserSpec & { tenantId: string })[];
}

export interface Emulator {
  url: string;
  port: number;
  certPem: string;
  certPath: string;
  addTenant(t: TenantSpec): void;
  addApp(tenantId: string, app: AppSpec): void;
  addUser(tenantId: string, u: UserSpec): User;
  setup(spec: SetupSpec): void;
  createFolder(upn: string, parent: string, displayName: string, options?: { hidden?: boolean }): { id: string };
  /** A folder by well-known name, id or display-name path ('Inbox/Projects'); undefined when there is none. */
  folder(upn: string, ref: string): { id: string; displayName: string; parentFolderId: string; isHidden: boolean } | undefined;
  seedMessage(upn: string, folder: string, msg: SeedMessage): GraphMessage;
  messages(upn: string, folder?: string): StoredMessage[];
  outbound(): OutboundMessage[];
  stats(): EmulatorStats;
  resetStats(): void;
  setLatency(ms: number): void;
  setDeliveryDelay(ms: number): void;
  inject(fault: Fault): void;
  clearFaults(): void;
  /** From now on, for `seconds`, every request to this mailbox (any form of its name, uploads too) answers 429. */
  throttleMailbox(upnOrId: string, seconds: number): void;
  expireTokens(): void;
  revokeRefreshTokens(): void;
  invalidateDeltaTokens(): void;
  setDeltaOrder(order: DeltaOrder): void;
  /** undefined: sync states never expire. */
  setDeltaSyncStateMaxAge(seconds: number | undefined): void;
  /** Change notifications: subscriptions, deliveries, their faults and lifecycle events. */
  readonly notifications: import('./subscriptions').SubscriptionService;
  stop(): Promise<void>;
}
