/** Everything one running emulator holds, shared by its HTTP parts. */
import { Directory } from './directory';
import { ConcurrencyLimiter, Faults } from './faults';
import { MailStore } from './mailStore';
import { SubscriptionService } from './subscriptions';
import { TokenService } from './tokens';
import type { UploadSession } from './uploadSessions';
import type { DeltaOrder, EmulatorStats, RequestLogEntry } from './types';

/** Keep the request log bounded: long demos must not grow memory without end. */
const MAX_LOG = 5000;

export class EmulatorState {
  readonly directory = new Directory();
  readonly store = new MailStore();
  readonly faults = new Faults();
  readonly limiter: ConcurrencyLimiter;
  readonly tokens: TokenService;
  readonly uploadSessions = new Map<string, UploadSession>();
  /** throttleMailbox(): every request to the mailbox (by user id) answers 429 until this time. */
  readonly throttledUntil = new Map<string, number>();
  url = '';
  latencyMs: number;
  deliveryDelayMs = 0;
  /** Deliveries waiting for deliveryDelayMs; cleared on stop. */
  readonly pendingDeliveries = new Set<NodeJS.Timeout>();
  /** Bumped by invalidateDeltaTokens(): delta tokens of an older epoch answer 410. */
  deltaEpoch = 1;
  deltaOrder: DeltaOrder = 'oldest-first';
  /** Age (s) after which a delta token answers 410; undefined = never. */
  deltaSyncStateMaxAgeSeconds?: number;
  counters = emptyStats();
  readonly subscriptions: SubscriptionService;

  constructor(opts: { keyPem: string; certPem: string; tokenLifetimeSeconds: number; latencyMs: number; mailboxConcurrencyLimit: number | false; notificationCa?: string }) {
    this.tokens = new TokenService(opts.keyPem, opts.certPem, opts.tokenLifetimeSeconds);
    this.subscriptions = new SubscriptionService(this, opts.notificationCa ?? opts.certPem);
    this.store.onCreated = (msg) => this.subscriptions.messageCreated(msg);
    this.limiter = new ConcurrencyLimiter(opts.mailboxConcurrencyLimit);
    this.latencyMs = opts.latencyMs;
  }

  log(entry: RequestLogEntry): void {
    this.counters.log.push(entry);
    if (this.counters.log.length > MAX_LOG) this.counters.log.splice(0, this.counters.log.length - MAX_LOG);
    if (entry.status === 429) this.counters.throttled++;
  }

  stats(): EmulatorStats {
    return { ...this.counters, faultsFired: this.faults.fired, tokenRequestsByClient: { ...this.counters.tokenRequestsByClient }, log: [...this.counters.log] };
  }

  resetStats(): void {
    this.counters = emptyStats();
    this.faults.fired = 0;
  }
}

function emptyStats(): EmulatorStats {
  return { tokenRequests: 0, tokenRequestsByClient: {}, graphRequests: 0, batchedRequests: 0, uploadRequests: 0, throttled: 0, faultsFired: 0, log: [] };
}

export const sleep = (ms: number) => new Promise<void>((r) => (ms > 0 ? setTimeout(r, ms) : r()));
