/**
 * A Microsoft 365 emulator for tests and demos: Entra ID token endpoint (MSAL works against it) and
 * the Graph mail API, over HTTPS on 127.0.0.1. See ../README.md.
 */
import type * as https from 'node:https';
import { createAdminApi } from './adminApi';
import { Identity } from './identity';
import { attachmentFromSeed, cloneMessage, conversationIdFor, newMessage, recipient } from './mailStore';
import { toGraphMessage } from './messageView';
import { createHandler, listen } from './server';
import { EmulatorState } from './state';
import type { SubscriptionService } from './subscriptions';
import { DEFAULT_TLS_DIR, ensureCertificate } from './tls';
import type { AppSpec, DeltaOrder, Emulator, EmulatorOptions, Fault, GraphMessage, SeedMessage, SetupSpec, StoredMessage, TenantSpec, User, UserSpec } from './types';

export * from './types';
export { ensureCertificate, DEFAULT_TLS_DIR } from './tls';
export type { SubscriptionService, NotificationFault, LifecycleEvent, NotificationStats, DeliveryRecord } from './subscriptions';

function toMs(value: string | Date): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`Invalid date ${String(value)}`);
  return Math.floor(ms / 1000) * 1000;
}

class RunningEmulator implements Emulator {
  url = '';
  port = 0;
  server?: https.Server;

  constructor(
    readonly state: EmulatorState,
    readonly certPem: string,
    readonly certPath: string,
  ) {}

  addTenant(t: TenantSpec): void {
    this.state.directory.addTenant(t);
  }

  addApp(tenantId: string, app: AppSpec): void {
    this.state.directory.addApp(tenantId, app);
  }

  addUser(tenantId: string, u: UserSpec): User {
    const user = this.state.directory.addUser(tenantId, u);
    this.state.store.create(user);
    return user;
  }

  setup(spec: SetupSpec): void {
    for (const t of spec.tenants ?? []) this.addTenant(t);
    for (const { tenantId, ...app } of spec.apps ?? []) this.addApp(tenantId, app);
    for (const { tenantId, ...user } of spec.users ?? []) this.addUser(tenantId, user);
  }

  private userOf(upn: string): User {
    const user = this.state.directory.findUserAnywhere(upn);
    if (!user) throw new Error(`Unknown user ${upn}`);
    return user;
  }

  private folderOf(upn: string, folder: string) {
    const mailbox = this.state.store.of(this.userOf(upn));
    const f = mailbox.findFolder(folder);
    if (!f) throw new Error(`Unknown folder '${folder}' in the mailbox of ${upn}`);
    return { mailbox, folder: f };
  }

  createFolder(upn: string, parent: string, displayName: string, options: { hidden?: boolean } = {}): { id: string } {
    const { mailbox, folder } = this.folderOf(upn, parent);
    const created = mailbox.addFolder(folder.id, displayName);
    if (options.hidden) created.isHidden = true;
    return { id: created.id };
  }

  folder(upn: string, ref: string): { id: string; displayName: string; parentFolderId: string; isHidden: boolean } | undefined {
    const f = this.state.store.of(this.userOf(upn)).findFolder(ref);
    return f && { id: f.id, displayName: f.displayName, parentFolderId: f.parentFolderId, isHidden: f.isHidden };
  }

  seedMessage(upn: string, folderRef: string, msg: SeedMessage): GraphMessage {
    const { mailbox, folder } = this.folderOf(upn, folderRef);
    const owner = mailbox.user;
    const received = msg.receivedDateTime ? toMs(msg.receivedDateTime) : mailbox.nextReceivedTime();
    const from = msg.from ?? recipient('sender@fabrikam.example', 'Fabrikam Sender');
    const subject = msg.subject ?? '';
    const m = newMessage(owner, folder.id, received, {
      subject,
      body: msg.body ? { contentType: String(msg.body.contentType ?? 'text').toLowerCase() as 'text' | 'html', content: msg.body.content ?? '' } : { contentType: 'text', content: '' },
      from,
      sender: msg.sender ?? from,
      toRecipients: msg.toRecipients ?? [recipient(owner.mail, owner.displayName)],
      ccRecipients: msg.ccRecipients ?? [],
      bccRecipients: msg.bccRecipients ?? [],
      replyTo: msg.replyTo ?? [],
      importance: msg.importance ?? 'normal',
      isRead: msg.isRead ?? false,
      isDraft: msg.isDraft ?? false,
      categories: msg.categories ?? [],
      internetMessageHeaders: msg.internetMessageHeaders ?? [],
      conversationId: msg.conversationId ?? conversationIdFor(owner.id, subject),
      sentDateTime: msg.sentDateTime === null ? null : msg.sentDateTime ? toMs(msg.sentDateTime) : received,
      isReadReceiptRequested: msg.isReadReceiptRequested ?? false,
      isDeliveryReceiptRequested: msg.isDeliveryReceiptRequested ?? false,
      inferenceClassification: msg.inferenceClassification ?? 'focused',
      flag: msg.flag ?? { flagStatus: 'notFlagged' },
      attachments: (msg.attachments ?? []).map(attachmentFromSeed),
      ...(msg.internetMessageId ? { internetMessageId: msg.internetMessageId } : {}),
      ...(msg.id ? { id: msg.id } : {}),
    });
    return toGraphMessage(mailbox.insert(m));
  }

  messages(upn: string, folder?: string): StoredMessage[] {
    const mailbox = this.state.store.of(this.userOf(upn));
    const folderId = folder === undefined ? undefined : this.folderOf(upn, folder).folder.id;
    return mailbox.messagesIn(folderId).map(cloneMessage);
  }

  outbound() {
    return [...this.state.store.outbound];
  }

  stats() {
    return this.state.stats();
  }

  resetStats(): void {
    this.state.resetStats();
  }

  setLatency(ms: number): void {
    this.state.latencyMs = ms;
  }

  setDeliveryDelay(ms: number): void {
    this.state.deliveryDelayMs = ms;
  }

  inject(fault: Fault): void {
    this.state.faults.inject(fault);
  }

  clearFaults(): void {
    this.state.faults.clear();
    this.state.throttledUntil.clear();
  }

  throttleMailbox(upn: string, seconds: number): void {
    this.state.throttledUntil.set(this.userOf(upn).id, Date.now() + seconds * 1000);
  }

  expireTokens(): void {
    this.state.tokens.expireAll();
  }

  revokeRefreshTokens(): void {
    this.state.tokens.revokeRefreshTokens();
  }

  invalidateDeltaTokens(): void {
    this.state.deltaEpoch++;
  }

  setDeltaOrder(order: DeltaOrder): void {
    this.state.deltaOrder = order;
  }

  setDeltaSyncStateMaxAge(seconds: number | undefined): void {
    this.state.deltaSyncStateMaxAgeSeconds = seconds;
  }

  get notifications(): SubscriptionService {
    return this.state.subscriptions;
  }

  stop(): Promise<void> {
    this.state.subscriptions.stop();
    for (const timer of this.state.pendingDeliveries) clearTimeout(timer);
    this.state.pendingDeliveries.clear();
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
  const cert = await ensureCertificate(options.tlsDir ?? DEFAULT_TLS_DIR);
  const state = new EmulatorState({
    keyPem: cert.keyPem,
    certPem: cert.certPem,
    tokenLifetimeSeconds,
    latencyMs: options.latencyMs ?? 0,
    mailboxConcurrencyLimit: options.mailboxConcurrencyLimit ?? 4,
    notificationCa: options.notificationCa,
  });
  state.deliveryDelayMs = options.deliveryDelayMs ?? 0;
  state.deltaOrder = options.deltaOrder ?? 'oldest-first';
  state.deltaSyncStateMaxAgeSeconds = options.deltaSyncStateMaxAgeSeconds;
  const emu = new RunningEmulator(state, cert.certPem, cert.certPath);
  const identity = new Identity(state.directory, state.tokens, () => state.url);
  const server = await listen(createHandler(state, identity, createAdminApi(emu)), cert, options.port ?? 0);
  const address = server.address();
  emu.port = typeof address === 'object' && address ? address.port : 0;
  emu.url = state.url = `https://127.0.0.1:${emu.port}`;
  emu.server = server;
  return emu;
}
