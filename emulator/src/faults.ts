/**
 * Per-test fault injection (deterministic: a fault hits the next `times` matching requests, in the
 * order injected) and Exchange's per-mailbox concurrency limit.
 */
import type { Fault } from './types';

type ArmedFault = Fault & { remaining: number };

export class Faults {
  private armed: ArmedFault[] = [];
  fired = 0;

  inject(fault: Fault): void {
    const times = fault.times ?? 1;
    this.armed.push({ ...fault, remaining: times < 0 ? Infinity : times });
  }

  clear(): void {
    this.armed = [];
  }

  /** The first live fault matching this request (used up by one), or undefined. */
  take(method: string, path: string, allowed?: Fault['kind'][]): Fault | undefined {
    const fault = this.armed.find((f) => f.remaining > 0 && (!allowed || allowed.includes(f.kind)) && matches(f, method, path));
    if (!fault) return undefined;
    fault.remaining--;
    this.fired++;
    if (fault.remaining <= 0) this.armed = this.armed.filter((f) => f !== fault);
    return fault;
  }
}

function matches(f: Fault, method: string, path: string): boolean {
  const m = f.match;
  if (!m) return true;
  if (m.method && m.method.toUpperCase() !== method.toUpperCase()) return false;
  if (m.path instanceof RegExp) return m.path.test(path);
  if (typeof m.path === 'string') return path === m.path || path.endsWith(m.path);
  return true;
}

/** Fault from JSON (admin API): a path regex comes as { "pathRegex": "…" } or "/…/flags". */
export function faultFromJson(json: any): Fault {
  const match = { ...(json.match ?? {}) };
  if (typeof match.pathRegex === 'string') {
    match.path = new RegExp(match.pathRegex, match.pathRegexFlags ?? '');
    delete match.pathRegex;
  }
  return { ...json, match, times: json.times === null || json.times === 'always' ? Infinity : json.times };
}

/** Counts requests in flight per key (app or user + mailbox); over the limit the caller answers 429. */
export class ConcurrencyLimiter {
  private inFlight = new Map<string, number>();

  constructor(public limit: number | false) {}

  tryAcquire(key: string): (() => void) | undefined {
    const n = this.inFlight.get(key) ?? 0;
    if (this.limit !== false && n >= this.limit) return undefined;
    this.inFlight.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(key);
      else this.inFlight.set(key, left);
    };
  }
}
