/**
 * The waiting webhooks n8n looks up when a signed resume link is called: path = the node's id (the
 * link's last segment), restartWebhook so they exist only while an execution waits here.
 */
import type { IWebhookDescription } from 'n8n-workflow';

const resumeWebhook = (httpMethod: 'GET' | 'POST'): IWebhookDescription => ({
	name: 'default',
	httpMethod,
	responseMode: 'onReceived',
	responseData: '',
	path: '={{ $nodeId }}',
	restartWebhook: true,
	isFullPath: true,
});

export const sendAndWaitWebhooks: IWebhookDescription[] = [resumeWebhook('GET'), resumeWebhook('POST')];
