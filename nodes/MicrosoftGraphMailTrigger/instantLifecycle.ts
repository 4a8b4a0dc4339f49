/**
 * What wakes the instant trigger, and what it then does. A notification is only a signal: whatever
 * it says, the trigger keeps its subscription alive (renew past half of the lifetime or when Graph
 * asks for reauthorization, create a new one when Graph removed it or it lapsed), then runs the
 * polling trigger's delta round from the cursor in static data. So each mail starts the workflow
 * once, however many notifications came for it, in whatever order, or none.
 *
 * n8n gives webhook nodes no timer and, on a restart, runs no checkExists (the webhook is still
 * registered). So the node's trigger() starts a keep-alive timer: at every start it asks Graph whether
 * the subscription survived, and every KEEP_ALIVE_MINUTES it renews when due and runs the delta round
 * for mail whose notification never came. A lapse (the subscription ran out or vanished unnoticed)
 * becomes a failed execution: from the timer through saveFailedExecution, from a webhook call by
 * throwing (n8n answers 500, Graph retries, and the retry emits the gap's mail).
 */
import { NodeOperationError, type IDataObject, type INode, type INodeExecutionData, type IWebhookFunctions } from 'n8n-workflow';
import type { GraphClient } from '../shared/transport/graphClient';
import { createSubscription, isGone, renewalDue, renewSubscription, subscriptionExists, type SubscriptionRecord } from './graphSubscription';
import { readState, writeState, type InstantState, type LaneControl } from './instantState';
import { pollNewMail } from './newMailPoll';
import type { MailTriggerContext } from './triggerContext';
import type { NewMailSettings } from './triggerSettings';

export interface Notification {
	subscriptionId?: string;
	clientState?: unknown;
	/** Lifecycle notifications: reauthorizationRequired, subscriptionRemoved, missed. */
	lifecycleEvent?: string;
}

export function readNotifications(body: IDataObject): Notification[] {
	const value = Array.isArray(body?.value) ? (body.value as unknown[]) : [];
	return value
		.filter((n): n is IDataObject => !!n && typeof n === 'object')
		.map((n) => ({
			subscriptionId: typeof n.subscriptionId === 'string' ? n.subscriptionId : undefined,
			clientState: n.clientState,
			lifecycleEvent: typeof n.lifecycleEvent === 'string' ? n.lifecycleEvent : undefined,
		}));
}

export function lapseOf(sub: SubscriptionRecord | undefined, reason: string): NonNullable<InstantState['lapse']> {
	return { expiredAt: sub?.expiresAt, noticedAt: Date.now(), reason };
}

function lapseError(node: INode, lapse: NonNullable<InstantState['lapse']>): NodeOperationError {
	const since = lapse.expiredAt ? ` (it ran until ${new Date(Math.min(lapse.expiredAt, lapse.noticedAt)).toISOString()})` : '';
	return new NodeOperationError(node, `The Microsoft Graph subscription lapsed${since}: it was ${lapse.reason}`, {
		description:
			'Graph sent no notifications meanwhile. The trigger has created a new subscription and emits the mail that arrived in the gap with its next round. See the README for what keeps a subscription alive.',
	});
}

export interface KeepAliveAsk {
	reauthorize?: boolean;
	removed?: boolean;
	/** Ask Graph whether the subscription still exists (after n8n was down: it may have lapsed meanwhile). */
	verify?: boolean;
}

/** Renews when due or asked; creates a new subscription when there is none, Graph removed it, or it lapsed. */
export async function keepAlive(client: GraphClient, settings: NewMailSettings, state: InstantState, url: string, ask: KeepAliveAsk = {}): Promise<{ state: InstantState }> {
	const next: InstantState = { ...state };
	const sub = state.subscription;
	const create = async () => {
		const { record } = await createSubscription(client, settings, url, next.clientState!);
		next.subscription = record;
	};
	if (!sub || ask.removed) {
		await create();
		return { state: next };
	}
	// Our record may be older than Graph's (a renewal not yet stored): Graph has the last word.
	if (ask.verify || sub.expiresAt <= Date.now()) {
		if (!(await subscriptionExists(client, sub))) {
			next.lapse = lapseOf(sub, sub.expiresAt <= Date.now() ? 'past its expiry before anything renewed it' : 'gone from Graph while n8n was not listening');
			await create();
			return { state: next };
		}
	}
	if (ask.reauthorize || renewalDue(sub)) {
		try {
			next.subscription = await renewSubscription(client, sub);
		} catch (error) {
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
			if (!isGone(error)) throw error;
			next.lapse = lapseOf(sub, 'removed by Graph without a lifecycle notification');
			await create();
		}
	}
	return { state: next };
}

/** How often the keep-alive timer ticks: a delta round (for notifications Graph never sent) and renewal when due. */
export const KEEP_ALIVE_MINUTES = 15;

/**
 * One tick of the keep-alive timer (and the first one when n8n starts the trigger, after which Graph
 * is asked whether the subscription survived): keep the subscription alive, then run the delta round
 * as a safety net. A lapse comes back to be reported as a failed execution; its gap's mail is in the
 * round's items.
 */
export async function keepAliveTick(
	ctx: MailTriggerContext,
	client: GraphClient,
	settings: NewMailSettings,
	staticData: IDataObject,
	lane: LaneControl,
	first: boolean,
): Promise<{ items: INodeExecutionData[]; lapse?: NodeOperationError }> {
	let state = readState(staticData);
	const url = state.notificationUrl ?? state.subscription?.notificationUrl;
	if (!url) return { items: [] };
	state = (await keepAlive(client, settings, state, url, { verify: first })).state;
	let lapse: NodeOperationError | undefined;
	if (state.lapse) {
		if (lane.firstReport(state.lapse.noticedAt)) lapse = lapseError(ctx.getNode(), state.lapse);
		delete state.lapse;
	}
	writeState(staticData, state);
	const startedAt = Date.now();
	const { items, more } = await pollNewMail(ctx, client, settings, { watchedFrom: state.watchedFrom });
	if (!more) lane.caughtUp(startedAt);
	writeState(staticData, readState(staticData));
	return { items, lapse };
}

export async function handleNotifications(
	ctx: IWebhookFunctions,
	client: GraphClient,
	settings: NewMailSettings,
	staticData: IDataObject,
	notifications: Notification[],
	arrivedAt: number,
	lane: LaneControl,
): Promise<INodeExecutionData[]> {
	let state = readState(staticData);
	const events = new Set(notifications.map((n) => n.lifecycleEvent).filter(Boolean));
	const current = state.subscription?.id;
	const ask: KeepAliveAsk = {
		reauthorize: events.has('reauthorizationRequired'),
		// A removal notice for an older subscription (already replaced) changes nothing.
		removed: notifications.some((n) => n.lifecycleEvent === 'subscriptionRemoved' && n.subscriptionId === current),
	};
	let keepAliveError: unknown;
	try {
		state = (await keepAlive(client, settings, state, ctx.getNodeWebhookUrl('default')!, ask)).state;
	} catch (error) {
		keepAliveError = error;
	}
	if (state.lapse) {
		if (lane.firstReport(state.lapse.noticedAt)) {
			writeState(staticData, state);
			throw lapseError(ctx.getNode(), state.lapse);
		}
		delete state.lapse;
	}
	writeState(staticData, state);

	let items: INodeExecutionData[] = [];
	// Notifications that arrived together are answered by one round (unless it stopped at the cap per round).
	if (!lane.roundSince(arrivedAt)) {
		const startedAt = Date.now();
		const round = await pollNewMail(ctx, client, settings, { watchedFrom: state.watchedFrom });
		if (!round.more) lane.caughtUp(startedAt);
		items = round.items;
		writeState(staticData, readState(staticData));
	}
	if (keepAliveError) {
		// Mail first: the subscription is still alive (it had not expired), and the next call tries again.
		if (items.length === 0) throw keepAliveError;
		ctx.logger.warn(`Microsoft Graph Mail Instant Trigger: could not renew the subscription (${(keepAliveError as Error).message}); the next notification tries again`);
	}
	return items;
}
