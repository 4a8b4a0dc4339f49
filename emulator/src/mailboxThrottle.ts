/**
 * What Exchange throttles by: the real mailbox (a user id, whatever form the URL named it in) and
 * the caller. Graph requests and upload-session PUTs both come through here.
 */
import { errors } from './http';
import type { EmulatorState } from './state';
import type { AccessClaims } from './tokens';
import type { User } from './types';

/** Exchange counts concurrent requests per app (or user) and real mailbox, whatever the URL calls it. */
export function limiterKey(claims: AccessClaims, user: User): string {
  return `${claims.idtyp === 'app' ? claims.appid : `${claims.appid}/${claims.oid}`}|${user.id}`;
}

/** A slot of the mailbox's concurrency budget, or the 429 Graph answers (throttled mailbox, limit reached). */
export function acquireMailbox(state: EmulatorState, key: string, mailboxUserId: string): () => void {
  const throttledMs = (state.throttledUntil.get(mailboxUserId) ?? 0) - Date.now();
  if (throttledMs > 0) throw errors.throttled('ApplicationThrottled', 'Application is over its resource limit for this mailbox.', Math.ceil(throttledMs / 1000));
  const release = state.limiter.tryAcquire(key);
  if (!release) throw errors.throttled('ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', 1);
  return release;
}
