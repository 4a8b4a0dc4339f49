/**
 * /_emulator/*: the in-process Emulator methods over HTTP (no auth, JSON) for a separate process
 * such as a real n8n or the demo. Buffers travel as base64.
 */
import { faultFromJson } from './faults';
import type { GraphResponse } from './http';
import type { DeltaOrder, Emulator } from './types';

function ok(json: unknown, status = 200): GraphResponse {
  return { status, json };
}

function fail(status: number, message: string): GraphResponse {
  return { status, json: { error: { code: 'EmulatorAdminError', message } } };
}

/** JSON with Buffers as base64 (JSON.stringify would spell them as arrays of numbers). */
function jsonSafe(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v) => (v && v.type === 'Buffer' && Array.isArray(v.data) ? Buffer.from(v.data).toString('base64') : v)));
}

export function createAdminApi(emu: Emulator) {
  return async (method: string, segments: string[], query: URLSearchParams, body: Buffer): Promise<GraphResponse> => {
    let json: any = {};
    try {
      json = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      return fail(400, 'The body is not JSON.');
    }
    const named = segments[0] === 'mailboxes' || segments[0] === 'subscriptions';
    const route = `${method} ${segments.map((s, i) => (named && i === 1 ? (segments[0] === 'mailboxes' ? ':upn' : ':id') : s)).join('/')}`;
    const upn = segments[1];
    const subs = emu.notifications;
    try {
      switch (route) {
        case 'GET health':
          return ok({ ok: true, url: emu.url });
        case 'POST setup':
          emu.setup(json);
          return ok({ ok: true });
        case 'POST mailboxes/:upn/messages': {
          const { folder, ...msg } = json;
          return ok(emu.seedMessage(upn, folder ?? 'inbox', msg), 201);
        }
        case 'POST mailboxes/:upn/burst': {
          // Many mails at once, each one a `created` notification (Graph's burst).
          const count = Number(json.count ?? 1000);
          for (let i = 0; i < count; i++) emu.seedMessage(upn, json.folder ?? 'inbox', { subject: `${json.subjectPrefix ?? 'Burst'} ${i + 1}` });
          return ok({ ok: true, count }, 201);
        }
        case 'GET subscriptions':
          return ok({ value: subs.list() });
        case 'POST subscriptions/:id/lifecycle':
          subs.lifecycle(upn, json.event);
          return ok({ ok: true });
        case 'POST subscriptions/:id/lifetime':
          subs.shortenLifetime(upn, Number(json.seconds));
          return ok({ ok: true });
        case 'POST subscriptions/:id/forget':
          subs.forget(upn);
          return ok({ ok: true });
        case 'POST notification-faults':
          for (const f of Array.isArray(json) ? json : [json]) subs.injectFault(f);
          return ok({ ok: true });
        case 'DELETE notification-faults':
          subs.clearFaults();
          return ok({ ok: true });
        case 'GET notifications':
          return ok(subs.stats);
        case 'POST reset-notifications':
          subs.resetStats();
          return ok({ ok: true });
        case 'GET mailboxes/:upn/messages':
          return ok(jsonSafe(emu.messages(upn, query.get('folder') ?? undefined)));
        case 'POST mailboxes/:upn/throttle':
          emu.throttleMailbox(upn, Number(json.seconds ?? 1));
          return ok({ ok: true });
        case 'POST mailboxes/:upn/folders':
          return ok(emu.createFolder(upn, json.parent ?? 'msgfolderroot', json.displayName), 201);
        case 'GET outbound':
          return ok(jsonSafe(emu.outbound()));
        case 'POST faults':
          for (const f of Array.isArray(json) ? json : [json]) emu.inject(faultFromJson(f));
          return ok({ ok: true });
        case 'DELETE faults':
          emu.clearFaults();
          return ok({ ok: true });
        case 'GET stats':
          return ok(emu.stats());
        case 'POST reset-stats':
          emu.resetStats();
          return ok({ ok: true });
        case 'POST latency':
          emu.setLatency(Number(json.ms ?? 0));
          return ok({ ok: true });
        case 'POST delivery-delay':
          emu.setDeliveryDelay(Number(json.ms ?? 0));
          return ok({ ok: true });
        case 'POST expire-tokens':
          emu.expireTokens();
          return ok({ ok: true });
        case 'POST revoke-refresh-tokens':
          emu.revokeRefreshTokens();
          return ok({ ok: true });
        case 'POST invalidate-delta-tokens':
          emu.invalidateDeltaTokens();
          return ok({ ok: true });
        case 'POST delta':
          if (json.order !== undefined) emu.setDeltaOrder(json.order as DeltaOrder);
          if ('syncStateMaxAgeSeconds' in json) emu.setDeltaSyncStateMaxAge(json.syncStateMaxAgeSeconds === null ? undefined : Number(json.syncStateMaxAgeSeconds));
          return ok({ ok: true });
        default:
          return fail(404, `No admin endpoint ${method} /_emulator/${segments.join('/')}`);
      }
    } catch (e) {
      return fail(400, (e as Error).message);
    }
  };
}
