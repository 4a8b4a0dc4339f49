/**
 * What wakes a New Mail round: n8n's poll (the polling trigger), or a Graph change notification
 * reaching the instant trigger's webhook. The round, cursor and output code take either.
 */
import type { IHookFunctions, IPollFunctions, IWebhookFunctions } from 'n8n-workflow';
import type { GraphContext } from '../shared/transport/graphClient';

export type MailTriggerContext = IPollFunctions | IWebhookFunctions;

/**
 * The transport's GraphContext names the contexts it was written for; webhook and hook contexts
 * have every member it uses (getNode, getCredentials, helpers.httpRequest,
 * httpRequestWithAuthentication, refreshOAuth2Token), so they are passed as one.
 */
export function asGraphContext(ctx: MailTriggerContext | IHookFunctions): GraphContext {
	return ctx as unknown as GraphContext;
}
