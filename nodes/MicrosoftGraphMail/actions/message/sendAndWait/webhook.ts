/**
 * The node's webhook while an execution waits: n8n has already checked the link's signature (a
 * guessed or altered link gets n8n's refusal page and never reaches this code) and that this
 * execution is still waiting at this node. GET shows a page; POST records the answer and resumes.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { formValues, readAnswers } from './answers';
import { confirmChoicePage, formPage, recordedPage } from './pages';
import { readQuestion, type Question } from './question';

function question(ctx: IWebhookFunctions): Question {
	return readQuestion((name, fallback) => {
		try {
			return ctx.getNodeParameter(name, fallback);
		} catch {
			// An expression on the input item cannot be resolved here; the page then shows the default.
			return fallback;
		}
	});
}

function sendPage(ctx: IWebhookFunctions, status: number, html: string): IWebhookResponseData {
	const res = ctx.getResponseObject();
	res.status(status).setHeader('Content-Type', 'text/html; charset=utf-8');
	res.setHeader('Cache-Control', 'no-store');
	res.end(html);
	return { noWebhookResponse: true };
}

/** The submitted fields: n8n puts a multipart form's under `data` (2.x requires multipart for Custom Form), a url-encoded one's at the top. */
function formBody(raw: IDataObject | undefined): IDataObject {
	const data = raw?.data;
	return data && typeof data === 'object' && !Array.isArray(data) ? (data as IDataObject) : (raw ?? {});
}

export async function sendAndWaitWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject();
	const q = question(this);
	const approved = req.query.approved === 'false' ? 'false' : 'true';

	if (q.responseType === 'approval') {
		const choice = q.choices.find((c) => c.approved === approved) ?? q.choices[0];
		if (req.method !== 'POST') return sendPage(this, 200, confirmChoicePage(q, choice));
		return resume(this, q, { approved: approved === 'true' }, choice.label);
	}

	if (req.method !== 'POST') return sendPage(this, 200, formPage(q));
	const body = formBody(this.getBodyData());
	const answer = readAnswers(q.fields, body);
	if (!answer.ok) return sendPage(this, 400, formPage(q, answer.problem, formValues(body)));
	if (q.responseType === 'freeText') {
		const text = String(answer.values[q.fields[0].label] ?? '');
		return resume(this, q, { text }, text);
	}
	const summary = Object.entries(answer.values)
		.map(([k, v]) => `${k}: ${String(v)}`)
		.join(' · ');
	return resume(this, q, answer.values, summary);
}

/** The webhook's items become the node's output (n8n resumes the execution with them). */
function resume(ctx: IWebhookFunctions, q: Question, data: IDataObject, summary: string): IWebhookResponseData {
	return {
		webhookResponse: recordedPage(q, summary),
		workflowData: [[{ json: { data }, pairedItem: { item: 0 } }]],
	};
}
