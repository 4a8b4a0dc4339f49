/**
 * What wakes a New Mail round: n8n's poll (the polling trigger), or for the instant trigger a Graph
 * change notification reaching its webhook, or its own keep-alive timer. The round, cursor and
 * output code take any of them.
 */
import type { IHookFunctions, IPollFunctions, ITriggerFunctions, IWebhookFunctions } from 'n8n-workflow';
import type { GraphContext } from '../shared/transport/graphClient';

export type MailTriggerContext = IPollFunctions | IWebhookFunctions | ITriggerFunctions;

/**
 * The transport's GraphContext names the contexts it was written for; webhook and hook contexts
 * have every member it uses (getNode, getCredentials, helpers.httpRequest,
 * httpRequestWithAuthentication, refreshOAuth2Token), so they are passed as one.
 */
export function asGraphContext(ctx: MailTriggerContext | IHookFunctions): GraphContext {
	return ctx as unknown as GraphContext;
}
