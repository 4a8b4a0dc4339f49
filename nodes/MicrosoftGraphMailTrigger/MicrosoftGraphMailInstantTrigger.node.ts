/* eslint-disable n8n-nodes-base/node-dirname-against-convention -- the instant trigger shares its folder (round, cursor, fields) with the polling trigger on purpose */
import {
	NodeConnectionTypes,
	NodeOperationError,
	sleep,
	type IDataObject,
	type IHookFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';
import { testGraphMailCredential } from '../shared/auth/credentialTest';
import { authenticationField, CREDENTIAL_TEST_METHOD } from '../shared/descriptions/authentication';
import { createGraphClient } from '../shared/transport/graphClient';
import { getWatchableFolders } from './folderOptions';
import { assertHttpsWebhook, createSubscription, deleteSubscription, newClientState, subscriptionExists } from './graphSubscription';
import { handleNotifications, KEEP_ALIVE_MINUTES, keepAlive, keepAliveTick, lapseOf, readNotifications } from './instantLifecycle';
import { inLane, laneKey, readState, sameClientState, writeState } from './instantState';
import { newestMatchingMail } from './testEvent';
import { triggerProperties } from './triggerDescription';
import { readSettings } from './triggerSettings';

/** Graph wants an answer within 3 s: work still running after this is answered 202 first. */
const ANSWER_BY_MS = 2_000;

function keyOf(ctx: IHookFunctions | IWebhookFunctions | ITriggerFunctions): string {
	return laneKey(ctx.getWorkflow().id, ctx.getNode().id);
}

/** A failed execution the user sees (n8n 2.x); older n8n has no such call, so the log has to do. */
function reportFailure(ctx: ITriggerFunctions, error: Error): void {
	const save = (ctx as ITriggerFunctions & { saveFailedExecution?: (e: Error) => void }).saveFailedExecution;
	if (typeof save === 'function') save.call(ctx, error instanceof NodeOperationError ? error : new NodeOperationError(ctx.getNode(), error));
	else ctx.logger.error(`Microsoft Graph Mail Instant Trigger: ${error.message}`);
}

export class MicrosoftGraphMailInstantTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft Graph Mail Instant Trigger',
		name: 'microsoftGraphMailInstantTrigger',
		icon: { light: 'file:graphMail.svg', dark: 'file:graphMail.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["event"] === "newMail" ? "New Mail (instant)" : $parameter["event"] }}',
		description:
			'Starts a workflow within seconds of mail arriving in a Microsoft 365 / Exchange Online mailbox (Graph change notifications as the signal, delta query as the truth)',
		defaults: { name: 'Microsoft Graph Mail Instant Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'microsoftGraphMailClientCredentialsApi', required: true, displayOptions: { show: { authentication: ['clientCredentials'] } }, testedBy: 'testGraphMailCredential' },
			{ name: 'microsoftGraphMailOAuth2Api', required: true, displayOptions: { show: { authentication: ['oAuth2'] } } },
			{ name: 'microsoftGraphMailPasswordApi', required: true, displayOptions: { show: { authentication: ['password'] } }, testedBy: 'testGraphMailCredential' },
		],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'graph-mail' }],
		properties: [
			{
				displayName:
					'Microsoft Graph calls this workflow\'s production webhook URL, which must be public https (n8n\'s WEBHOOK_URL). Notifications and a 15-minute keep-alive round renew the subscription while n8n runs; see the package README.',
				name: 'instantNotice',
				type: 'notice',
				default: '',
			},
			authenticationField,
			...triggerProperties,
		],
	};

	methods = {
		credentialTest: { [CREDENTIAL_TEST_METHOD]: testGraphMailCredential },
		loadOptions: { getWatchableFolders },
	};

	webhookMethods = {
		default: {
			/** On activation (and every n8n start): is our subscription still there, for this URL? Renews it when half its lifetime has passed. */
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const url = this.getNodeWebhookUrl('default');
				const staticData = this.getWorkflowStaticData('node');
				return await inLane(keyOf(this), staticData, async () => {
					const state = readState(staticData);
					const sub = state.subscription;
					if (!sub) return false;
					const client = await createGraphClient(this);
					if (sub.notificationUrl !== url) {
						await deleteSubscription(client, sub);
						delete state.subscription;
						writeState(staticData, state);
						return false;
					}
					const lapse = sub.expiresAt <= Date.now() || !(await subscriptionExists(client, sub)) ? lapseOf(sub, 'expired or removed while n8n was not listening') : undefined;
					if (lapse) {
						delete state.subscription;
						writeState(staticData, { ...state, lapse });
						return false;
					}
					const kept = await keepAlive(client, readSettings(this), state, url!);
					writeState(staticData, kept.state);
					return kept.state.subscription !== undefined;
				});
			},

			async create(this: IHookFunctions): Promise<boolean> {
				const url = assertHttpsWebhook(this.getNode(), this.getNodeWebhookUrl('default'));
				const staticData = this.getWorkflowStaticData('node');
				return await inLane(keyOf(this), staticData, async () => {
					const settings = readSettings(this);
					const client = await createGraphClient(this);
					const state = readState(staticData);
					state.clientState ??= newClientState();
					const { record, graphNow } = await createSubscription(client, settings, url, state.clientState);
					state.subscription = record;
					state.notificationUrl = url;
					// Only mail from activation on (unless a cursor says where the trigger stands).
					if (staticData.newMail === undefined && state.watchedFrom === undefined) state.watchedFrom = graphNow ?? Math.floor(Date.now() / 1000);
					writeState(staticData, state);
					return true;
				});
			},

			async delete(this: IHookFunctions): Promise<boolean> {
				const staticData = this.getWorkflowStaticData('node');
				return await inLane(keyOf(this), staticData, async () => {
					const state = readState(staticData);
					if (state.subscription) {
						const client = await createGraphClient(this);
						await deleteSubscription(client, state.subscription);
					}
					delete state.subscription;
					delete state.lapse;
					writeState(staticData, state);
					return true;
				});
			},
		},
	};

	/**
	 * n8n gives webhooks no timer, and on a restart it does not run checkExists again (the webhook is
	 * still registered). So the trigger also starts a timer of its own: at every start it asks Graph
	 * whether the subscription survived, and every KEEP_ALIVE_MINUTES it renews when due and runs the
	 * delta round for mail whose notification never came. A lapse becomes a failed execution.
	 */
	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		// Editor test runs (n8n runs a trigger() in manual mode, also after a test webhook call): the newest matching mail, cursor untouched.
		if (this.getMode() === 'manual') {
			return {
				manualTriggerFunction: async () => {
					const client = await createGraphClient(this);
					this.emit(await newestMatchingMail(this, client, readSettings(this)));
				},
			};
		}
		const staticData = this.getWorkflowStaticData('node');
		const key = keyOf(this);
		let first = true;
		const tick = async () => {
			const verify = first;
			first = false;
			try {
				await inLane(key, staticData, async (lane) => {
					const client = await createGraphClient(this);
					const { items, lapse } = await keepAliveTick(this, client, readSettings(this), staticData, lane, verify);
					if (lapse) reportFailure(this, lapse);
					if (items.length) this.emit([items]);
				});
			} catch (error) {
				reportFailure(this, error as Error);
			}
		};
		this.helpers.registerCron({ expression: `0 */${KEEP_ALIVE_MINUTES} * * * *` }, () => void tick());
		void tick();
		return {};
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const res = this.getResponseObject();
		const query = this.getQueryData() as IDataObject;
		// Graph proves the URL before creating the subscription: echo the token, as plain text, at once.
		if (typeof query.validationToken === 'string') {
			res.status(200).type('text/plain').send(query.validationToken);
			return { noWebhookResponse: true };
		}
		const arrivedAt = Date.now();
		const staticData = this.getWorkflowStaticData('node');
		const notifications = readNotifications(this.getBodyData());
		// Only Graph knows our clientState: anything else is refused and changes nothing.
		const expected = readState(staticData).clientState;
		const genuine = notifications.filter((n) => sameClientState(n.clientState, expected));
		if (genuine.length === 0) {
			res.status(403).end();
			return { noWebhookResponse: true };
		}

		const work = inLane(keyOf(this), staticData, async (lane): Promise<INodeExecutionData[]> => {
			const settings = readSettings(this);
			const client = await createGraphClient(this);
			if (this.getMode() === 'manual') return (await newestMatchingMail(this, client, settings))[0];
			return await handleNotifications(this, client, settings, staticData, genuine, arrivedAt, lane);
		});
		// Answer Graph within its 3 s even when the round takes longer; a quick failure is answered 500, so Graph retries.
		const late = await Promise.race([work.then(() => false, () => false), sleep(ANSWER_BY_MS).then(() => true)]);
		if (late) res.status(202).end();
		// A failure after that early 202 still becomes a failed execution (n8n's 500 then only logs
		// that the headers were sent); the cursor did not move, so the mail comes with the next round.
		const items = await work;
		if (!res.headersSent) res.status(202).end();
		return items.length ? { noWebhookResponse: true, workflowData: [items] } : { noWebhookResponse: true };
	}
}
