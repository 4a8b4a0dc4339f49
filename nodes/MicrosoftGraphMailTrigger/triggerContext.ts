/**
 * What wakes a New Mail round: n8n's poll (the polling trigger), or for the instant trigger a Graph
 * change notification reaching its webhook, or its own keep-alive timer. The round, cursor and
 * output code take any of them.
 */
import type { IPollFunctions, ITriggerFunctions, IWebhookFunctions } from 'n8n-workflow';

export type MailTriggerContext = IPollFunctions | IWebhookFunctions | ITriggerFunctions;

