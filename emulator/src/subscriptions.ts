/**
 * Graph change notifications for mail (/v1.0/subscriptions), as Graph documents them: creation
 * validates notificationUrl and lifecycleNotificationUrl by POSTing ?validationToken= (200 text/plain
 * with the token, within 10 s); https only; at most 10,080 minutes for messages (a longer request is
 * refused, not shortened); PATCH renews, DELETE removes, an expired subscription is gone. New mail in
 * a watched folder POSTs `created` notifications; an answer slower than 3 s counts as slow and the
 * delivery is retried, as is any answer that is not 2xx. At most 4 deliveries per URL are under way;
 * notifications that pile up meanwhile go out together in one POST (up to 100). Faults on notifications (delay, drop,
 * duplicate, reorder), lifecycle notifications and lifetimes of a few seconds come from the admin API.
 * The emulator calls https only and trusts its own CA (or the CA it was given).
 */
import * as crypto from 'node:crypto';
import * as https from 'node:https';
import type { Tenant } from './directory';
import { errors, GraphError, newGuid, type GraphRequest, type GraphResponse } from './http';
import type { StoredMessage, User } from './types';
import type { AccessClaims } from './tokens';
import type { EmulatorState } from './state';

/** Graph's maximum lifetime of a subscription to Outlook messages (newer documentation). */
export const MAX_MESSAGE_LIFETIME_MINUTES = 10_080;
const VALIDATION_TIMEOUT_MS = 10_000;
/** An answer slower than this counts as slow (Graph: 3 s), and the delivery is retried. */
export const ANSWER_WITHIN_MS = 3_000;
const MAX_CLIENT_STATE = 128;

export interface Subscription {
  id: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl?: string;
  clientState?: string;
  expirationDateTime: number;
  applicationId: string;
  creatorId: string;
  tenantId: string;
  /** The watched mailbox's owner, and the folder (undefined: every folder of the mailbox). */
  userId: string;
  folderId?: string;
  /** Admin knob: Graph grants at most this many seconds (creation and renewals). */
  maxLifetimeSeconds?: number;
  timer?: NodeJS.Timeout;
}

export type NotificationFault =
  | { kind: 'drop'; times?: number }
  | { kind: 'duplicate'; times?: number; copies?: number }
  | { kind: 'delay'; ms: number; times?: number }
  /** The next `count` notifications are held and then delivered newest first. */
  | { kind: 'reorder'; count: number }
  /** Every delivery attempt waits `ms` before it is sent (on top of any delay). */
  | { kind: 'slow-network'; ms: number; times?: number };

export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';

export interface DeliveryRecord {
  subscriptionId: string;
  kind: 'change' | 'lifecycle' | 'validation';
  event?: string;
  resourceId?: string;
  status: number;
  ms: number;
  at: number;
  attempt: number;
}

export interface NotificationStats {
  created: number;
  renewed: number;
  deleted: number;
  validations: number;
  /** POSTs made (one may carry several notifications); slow counts POSTs, the others notifications. */
  sent: number;
  delivered: number;
  failed: number;
  slow: number;
  dropped: number;
  retries: number;
  deliveries: DeliveryRecord[];
}

const MAX_RECORDS = 5000;

function emptyNotificationStats(): NotificationStats {
  return { created: 0, renewed: 0, deleted: 0, validations: 0, sent: 0, delivered: 0, failed: 0, slow: 0, dropped: 0, retries: 0, deliveries: [] };
}

interface Payload {
  subscription: Subscription;
  body: unknown;
  url: string;
  kind: 'change' | 'lifecycle';
  event?: string;
  resourceId?: string;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '0000Z');
}

function view(s: Subscription) {
  return {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity',
    id: s.id,
    resource: s.resource,
    applicationId: s.applicationId,
    changeType: s.changeType,
    clientState: s.clientState ?? null,
    notificationUrl: s.notificationUrl,
    lifecycleNotificationUrl: s.lifecycleNotificationUrl ?? null,
    expirationDateTime: isoDate(s.expirationDateTime),
    creatorId: s.creatorId,
    includeResourceData: false,
    latestSupportedTlsVersion: 'v1_2',
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
  };
}

export class SubscriptionService {
  readonly subscriptions = new Map<string, Subscription>();
  stats = emptyNotificationStats();
  private faults: Array<NotificationFault & { remaining: number }> = [];
  private held: Payload[] = [];
  private heldWanted = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Retries of failed or slow deliveries, and their waits (Graph backs off much longer). */
  retryDelaysMs = [1000, 2000, 4000];
  /** Deliveries under way per notification URL; more notifications wait and then go out together, at most maxBatch per POST. */
  maxInFlightPerUrl = 4;
  maxBatch = 100;
  /** Graph's documented maximum for messages; older pages say 4,230 (set it to play that Graph). */
  maxLifetimeMinutes = MAX_MESSAGE_LIFETIME_MINUTES;
  stopped = false;

  constructor(private readonly state: EmulatorState, private readonly ca: string) {}

  // --- Graph API -------------------------------------------------------------------------------

  async handle(req: GraphRequest, claims: AccessClaims, tenant: Tenant, segments: string[]): Promise<GraphResponse> {
    const [, id, action] = segments;
    if (id === undefined) {
      if (req.method === 'POST') return await this.create(req, claims, tenant);
      if (req.method === 'GET') return { status: 200, json: { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#subscriptions', value: this.ownedBy(claims).map(view) } };
      throw new GraphError(405, 'ErrorInvalidRequest', `The OData request is not supported: method '${req.method}' is not allowed here.`);
    }
    const sub = this.live(id);
    if (!sub || sub.applicationId !== claims.appid) throw new GraphError(404, 'ResourceNotFound', `The object was not found.`);
    if (action === 'reauthorize' && req.method === 'POST') return { status: 200 };
    if (action !== undefined) throw errors.badRequest(`Resource not found for the segment '${action}'.`);
    if (req.method === 'GET') return { status: 200, json: view(sub) };
    if (req.method === 'DELETE') {
      this.remove(sub);
      this.stats.deleted++;
      return { status: 204 };
    }
    if (req.method === 'PATCH') {
      const body = parseJson(req.body);
      if (body.expirationDateTime === undefined) throw errors.badRequest('expirationDateTime is required to renew a subscription.', 'InvalidRequest');
      this.setExpiry(sub, this.grantedExpiry(body.expirationDateTime, sub.maxLifetimeSeconds));
      if (typeof body.notificationUrl === 'string') sub.notificationUrl = body.notificationUrl;
      this.stats.renewed++;
      return { status: 200, json: view(sub) };
    }
    throw new GraphError(405, 'ErrorInvalidRequest', `The OData request is not supported: method '${req.method}' is not allowed here.`);
  }

  private ownedBy(claims: AccessClaims): Subscription[] {
    return [...this.subscriptions.values()].filter((s) => s.applicationId === claims.appid && this.live(s.id));
  }

  /** The subscription, unless it expired (an expired subscription is deleted, as in Graph). */
  live(id: string): Subscription | undefined {
    const sub = this.subscriptions.get(id);
    if (sub && sub.expirationDateTime <= Date.now()) {
      this.remove(sub);
      return undefined;
    }
    return sub;
  }

  private remove(sub: Subscription): void {
    if (sub.timer) clearTimeout(sub.timer);
    this.subscriptions.delete(sub.id);
  }

  private setExpiry(sub: Subscription, at: number): void {
    sub.expirationDateTime = at;
    if (sub.timer) clearTimeout(sub.timer);
    sub.timer = setTimeout(() => this.live(sub.id), Math.max(0, at - Date.now()) + 5);
    sub.timer.unref();
  }

  private grantedExpiry(value: unknown, maxSeconds?: number): number {
    const at = Date.parse(String(value));
    if (Number.isNaN(at)) throw errors.badRequest(`Invalid expirationDateTime '${String(value)}'.`, 'InvalidRequest');
    const now = Date.now();
    if (at <= now) throw errors.badRequest('Subscription expiration must be in the future.', 'ExtensionError');
    if (at > now + this.maxLifetimeMinutes * 60_000 + 60_000)
      throw errors.badRequest(`Subscription expiration can only be ${this.maxLifetimeMinutes} minutes in the future.`, 'ExtensionError');
    return maxSeconds === undefined ? at : Math.min(at, now + maxSeconds * 1000);
  }

  private async create(req: GraphRequest, claims: AccessClaims, tenant: Tenant): Promise<GraphResponse> {
    const body = parseJson(req.body);
    for (const field of ['changeType', 'notificationUrl', 'resource', 'expirationDateTime'])
      if (typeof body[field] !== 'string' || !body[field]) throw errors.badRequest(`The property '${field}' is required.`, 'InvalidRequest');
    const changeTypes = String(body.changeType).split(',').map((c) => c.trim());
    if (changeTypes.some((c) => !['created', 'updated', 'deleted'].includes(c))) throw errors.badRequest(`Invalid changeType '${body.changeType}'.`, 'InvalidRequest');
    for (const field of ['notificationUrl', 'lifecycleNotificationUrl']) {
      if (body[field] === undefined || body[field] === null) continue;
      if (!/^https:\/\//i.test(String(body[field]))) throw errors.badRequest(`The Notification Url must be HTTPS ('${field}').`, 'InvalidRequest');
    }
    if (body.clientState !== undefined && body.clientState !== null && String(body.clientState).length > MAX_CLIENT_STATE)
      throw errors.badRequest(`clientState can be at most ${MAX_CLIENT_STATE} characters.`, 'InvalidRequest');
    const { user, folderId } = this.watched(String(body.resource), claims, tenant);
    const expiry = this.grantedExpiry(body.expirationDateTime);
    // Graph proves both endpoints before it creates anything.
    for (const url of new Set([body.notificationUrl, body.lifecycleNotificationUrl].filter((u): u is string => typeof u === 'string'))) {
      const ok = await this.validate(url);
      if (!ok)
        throw errors.badRequest(
          'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.',
          'InvalidRequest',
        );
    }
    const sub: Subscription = {
      id: newGuid(),
      resource: String(body.resource),
      changeType: changeTypes.join(','),
      notificationUrl: String(body.notificationUrl),
      lifecycleNotificationUrl: typeof body.lifecycleNotificationUrl === 'string' ? body.lifecycleNotificationUrl : undefined,
      clientState: typeof body.clientState === 'string' ? body.clientState : undefined,
      expirationDateTime: expiry,
      applicationId: String(claims.appid ?? ''),
      creatorId: claims.oid,
      tenantId: tenant.id,
      userId: user.id,
      folderId,
    };
    this.subscriptions.set(sub.id, sub);
    this.setExpiry(sub, expiry);
    this.stats.created++;
    return { status: 201, json: view(sub) };
  }

  /** users/{id}/mailFolders('inbox')/messages, users/{id}/mailFolders/{id}/messages, users/{id}/messages, me/… */
  private watched(resource: string, claims: AccessClaims, tenant: Tenant): { user: User; folderId?: string } {
    const parts = resource
      .replace(/^\/+/, '')
      .split('/')
      .flatMap((s) => {
        const m = /^([A-Za-z]+)\('(.*)'\)$/.exec(s);
        return m ? [m[1], m[2]] : [s];
      });
    const invalid = () => errors.badRequest(`Resource '${resource}' is not supported for change notifications.`, 'ExtensionError');
    let user: User | undefined;
    let rest: string[];
    if (parts[0]?.toLowerCase() === 'me') {
      if (claims.idtyp === 'app') throw errors.badRequest('/me request is only valid with delegated authentication flow.');
      user = this.state.directory.findUser(tenant, claims.oid);
      rest = parts.slice(1);
    } else if (parts[0]?.toLowerCase() === 'users' && parts[1]) {
      user = this.state.directory.findUser(tenant, decodeURIComponent(parts[1]));
      rest = parts.slice(2);
    } else throw invalid();
    if (!user) throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${parts[1] ?? ''}' is invalid.`);
    const granted = claims.idtyp === 'app' ? (claims.roles ?? []) : (claims.scp ?? '').split(' ');
    const needed = claims.idtyp === 'app' || claims.oid === user.id ? ['Mail.Read', 'Mail.ReadWrite'] : ['Mail.Read.Shared', 'Mail.ReadWrite.Shared'];
    if (!granted.some((g) => needed.some((n) => n.toLowerCase() === g.toLowerCase()))) throw errors.accessDenied();
    const lower = rest.map((s) => s.toLowerCase());
    if (lower.length === 1 && lower[0] === 'messages') return { user };
    if (lower.length === 3 && lower[0] === 'mailfolders' && lower[2] === 'messages') {
      const folder = this.state.store.of(user).findFolderByIdOrWellKnown(rest[1]);
      if (!folder) throw errors.notFound();
      return { user, folderId: folder.id };
    }
    throw invalid();
  }

  // --- Outbound calls --------------------------------------------------------------------------

  /** POST ?validationToken=…: the endpoint must echo the token as text/plain with 200 within 10 s. */
  private async validate(url: string): Promise<boolean> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${newGuid()}`;
    const target = new URL(url);
    target.searchParams.set('validationToken', token);
    this.stats.validations++;
    const started = Date.now();
    const answer = await this.post(target.toString(), undefined, VALIDATION_TIMEOUT_MS);
    this.record({ subscriptionId: '', kind: 'validation', status: answer.status, ms: Date.now() - started, at: started, attempt: 1 });
    return answer.status === 200 && /^text\/plain/i.test(answer.contentType) && answer.text === token;
  }

  private post(url: string, body: unknown, timeoutMs: number): Promise<{ status: number; contentType: string; text: string; timedOut: boolean }> {
    return new Promise((resolve) => {
      const target = new URL(url);
      if (target.protocol !== 'https:' || !['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) {
        resolve({ status: 0, contentType: '', text: 'refused: the emulator calls https on 127.0.0.1 only', timedOut: false });
        return;
      }
      const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
      const req = https.request(
        target,
        {
          method: 'POST',
          ca: this.ca,
          agent: false,
          headers: { 'Content-Type': body === undefined ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', 'Content-Length': String(payload.length) },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8'), timedOut: false }));
          res.on('error', () => resolve({ status: 0, contentType: '', text: '', timedOut: false }));
        },
      );
      req.on('timeout', () => {
        req.destroy();
        resolve({ status: 0, contentType: '', text: '', timedOut: true });
      });
      req.on('error', () => resolve({ status: 0, contentType: '', text: '', timedOut: false }));
      req.end(payload);
    });
  }

  private record(entry: DeliveryRecord): void {
    this.stats.deliveries.push(entry);
    if (this.stats.deliveries.length > MAX_RECORDS) this.stats.deliveries.splice(0, this.stats.deliveries.length - MAX_RECORDS);
  }

  /** Called by the mail store for each message created in (or moved into) a folder. */
  messageCreated(msg: StoredMessage): void {
    for (const sub of [...this.subscriptions.values()]) {
      if (!this.live(sub.id) || sub.userId !== msg.mailboxUserId || (sub.folderId && sub.folderId !== msg.folderId)) continue;
      if (!sub.changeType.split(',').includes('created')) continue;
      const resource = `Users/${sub.userId}/Messages/${msg.id}`;
      const body = {
        value: [
          {
            subscriptionId: sub.id,
            subscriptionExpirationDateTime: isoDate(sub.expirationDateTime),
            changeType: 'created',
            resource,
            resourceData: { '@odata.type': '#Microsoft.Graph.Message', '@odata.id': resource, '@odata.etag': `W/"${crypto.randomBytes(8).toString('hex')}"`, id: msg.id },
            clientState: sub.clientState ?? null,
            tenantId: sub.tenantId,
          },
        ],
      };
      this.enqueue({ subscription: sub, body, url: sub.notificationUrl, kind: 'change', resourceId: msg.id });
    }
  }

  /** A lifecycle notification, on demand. subscriptionRemoved also removes the subscription. */
  lifecycle(id: string, event: LifecycleEvent): void {
    const sub = this.subscriptions.get(id);
    if (!sub) throw new Error(`No subscription ${id}`);
    if (!sub.lifecycleNotificationUrl) throw new Error(`Subscription ${id} has no lifecycleNotificationUrl`);
    const body = {
      value: [
        {
          subscriptionId: sub.id,
          subscriptionExpirationDateTime: isoDate(sub.expirationDateTime),
          tenantId: sub.tenantId,
          clientState: sub.clientState ?? null,
          lifecycleEvent: event,
        },
      ],
    };
    if (event === 'subscriptionRemoved') this.remove(sub);
    this.deliver({ subscription: sub, body, url: sub.lifecycleNotificationUrl, kind: 'lifecycle', event });
  }

  /** Admin knob: from now on Graph grants this subscription at most `seconds` (now included). */
  shortenLifetime(id: string, seconds: number): void {
    const sub = this.live(id);
    if (!sub) throw new Error(`No subscription ${id}`);
    sub.maxLifetimeSeconds = seconds;
    this.setExpiry(sub, Math.min(sub.expirationDateTime, Date.now() + seconds * 1000));
  }

  /** Admin: the subscription disappears without any notification (as after an outage). */
  forget(id: string): void {
    const sub = this.subscriptions.get(id);
    if (!sub) throw new Error(`No subscription ${id}`);
    this.remove(sub);
  }

  injectFault(fault: NotificationFault): void {
    if (fault.kind === 'reorder') {
      this.heldWanted += Math.max(2, fault.count);
      return;
    }
    const times = fault.times ?? 1;
    this.faults.push({ ...fault, remaining: times < 0 ? Infinity : times });
  }

  clearFaults(): void {
    this.faults = [];
    this.flushHeld();
    this.heldWanted = 0;
  }

  private takeFault(kind: NotificationFault['kind']): (NotificationFault & { remaining: number }) | undefined {
    const fault = this.faults.find((f) => f.kind === kind && f.remaining > 0);
    if (!fault) return undefined;
    fault.remaining--;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }

  private enqueue(payload: Payload): void {
    if (this.heldWanted > 0) {
      this.held.push(payload);
      this.heldWanted--;
      if (this.heldWanted === 0) this.flushHeld();
      return;
    }
    this.send(payload);
  }

  private flushHeld(): void {
    const held = this.held.reverse();
    this.held = [];
    for (const payload of held) this.send(payload);
  }

  private send(payload: Payload): void {
    if (this.takeFault('drop')) {
      this.stats.dropped++;
      return;
    }
    const duplicate = this.takeFault('duplicate');
    const copies = 1 + (duplicate ? ((duplicate as { copies?: number }).copies ?? 1) : 0);
    const delay = this.takeFault('delay') as { ms: number } | undefined;
    for (let i = 0; i < copies; i++) this.later(delay?.ms ?? 0, () => this.deliver(payload));
  }

  private later(ms: number, fn: () => void): void {
    if (ms <= 0) return fn();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  /** Change notifications for one URL wait here while MAX_IN_FLIGHT_PER_URL deliveries are under way, and then go out together. */
  private readonly outboxes = new Map<string, { inFlight: number; queue: Array<{ payload: Payload; attempt: number }> }>();

  private deliver(payload: Payload, attempt = 1): void {
    if (this.stopped) return;
    if (payload.kind === 'lifecycle') {
      void this.post1(payload.url, [{ payload, attempt }]);
      return;
    }
    let box = this.outboxes.get(payload.url);
    if (!box) this.outboxes.set(payload.url, (box = { inFlight: 0, queue: [] }));
    box.queue.push({ payload, attempt });
    this.pump(payload.url);
  }

  private pump(url: string): void {
    const box = this.outboxes.get(url);
    while (box && !this.stopped && box.inFlight < this.maxInFlightPerUrl && box.queue.length) {
      const batch = box.queue.splice(0, this.maxBatch);
      box.inFlight++;
      void this.post1(url, batch).finally(() => {
        box.inFlight--;
        this.pump(url);
      });
    }
  }

  /** One POST carrying `batch` (Graph puts several notifications in one `value` array when they pile up). */
  private async post1(url: string, batch: Array<{ payload: Payload; attempt: number }>): Promise<void> {
    const slowNetwork = this.takeFault('slow-network') as { ms: number } | undefined;
    if (slowNetwork) await new Promise((r) => this.later(slowNetwork.ms, () => r(undefined)));
    const started = Date.now();
    this.stats.sent++;
    const body = { value: batch.flatMap(({ payload }) => (payload.body as { value: unknown[] }).value) };
    // Graph waits a little past 3 s for the answer; anything after 3 s counts as slow.
    const answer = await this.post(url, body, ANSWER_WITHIN_MS + 2_000);
    const ms = Date.now() - started;
    const ok = answer.status >= 200 && answer.status < 300 && ms <= ANSWER_WITHIN_MS;
    if (ms > ANSWER_WITHIN_MS) this.stats.slow++;
    for (const { payload, attempt } of batch) {
      this.record({ subscriptionId: payload.subscription.id, kind: payload.kind, event: payload.event, resourceId: payload.resourceId, status: answer.status, ms, at: started, attempt });
      if (ok) {
        this.stats.delivered++;
        continue;
      }
      this.stats.failed++;
      const wait = this.retryDelaysMs[attempt - 1];
      if (wait === undefined || this.stopped) continue;
      this.stats.retries++;
      this.later(wait, () => this.deliver(payload, attempt + 1));
    }
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const sub of this.subscriptions.values()) if (sub.timer) clearTimeout(sub.timer);
  }

  resetStats(): void {
    this.stats = emptyNotificationStats();
  }

  list(): ReturnType<typeof view>[] {
    return [...this.subscriptions.keys()].map((id) => this.live(id)).filter((s): s is Subscription => !!s).map(view);
  }
}

function parseJson(body: Buffer): Record<string, unknown> {
  try {
    const json = JSON.parse(body.toString('utf8') || '{}');
    if (json && typeof json === 'object' && !Array.isArray(json)) return json as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw errors.badRequest('The request body is not a JSON object.', 'BadRequest');
}
