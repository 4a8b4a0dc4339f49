/**
 * The node's webhook while an execution waits at it. n8n 2.x has already checked the link's
 * signature (a guessed or altered link gets n8n's "Invalid Form Link" page) and that this execution
 * is still waiting here; this code checks the signature once more with n8n's own signing helper
 * (n8n 1.x checks only when asked to) and refuses with its own page. GET shows a page; POST
 * records the answer and resumes the execution.
 */
import { timingSafeEqual } from 'crypto';
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { formValues, readAnswers } from './answers';
import { confirmChoicePage, formPage, recordedPage, refusedPage } from './pages';
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

/**
 * Whether the request carries the signature n8n gives this execution's link for this answer. When
 * this n8n cannot sign here, n8n's own check (2.x: always, before this code) is what protects.
 */
function signedForThisExecution(ctx: IWebhookFunctions, approved: unknown): boolean {
	const given = ctx.getRequestObject().query.signature;
	if (typeof given !== 'string' || (approved !== 'true' && approved !== 'false')) return false;
	let expected: string | null;
	try {
		expected = new URL(ctx.getSignedResumeUrl({ approved })).searchParams.get('signature');
	} catch {
		return true;
	}
	return expected !== null && expected.length === given.length && timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}

export async function sendAndWaitWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject();
	if (!signedForThisExecution(this, req.query.approved)) return sendPage(this, 401, refusedPage());
	const q = question(this);
	const approved = req.query.approved === 'false' ? 'false' : 'true';

	if (q.responseType === 'approval') {
		const choice = q.choices.find((c) => c.approved === approved) ?? q.choices[0];
		if (req.method !== 'POST') return sendPage(this, 200, confirmChoicePage(q, choice));
		return resume(q, { approved: approved === 'true' }, choice.label);
	}

	if (req.method !== 'POST') return sendPage(this, 200, formPage(q));
	const body = formBody(this.getBodyData());
	const answer = readAnswers(q.fields, body);
	if (!answer.ok) return sendPage(this, 400, formPage(q, answer.problem, formValues(body)));
	if (q.responseType === 'freeText') {
		const text = String(answer.values[q.fields[0].label] ?? '');
		return resume(q, { text }, text);
	}
	const summary = Object.entries(answer.values)
		.map(([k, v]) => `${k}: ${String(v)}`)
		.join(' · ');
	return resume(q, answer.values, summary);
}

/** The webhook's items become the node's output (n8n resumes the execution with them). */
function resume(q: Question, data: IDataObject, summary: string): IWebhookResponseData {
	const answer = [{ json: { data }, pairedItem: { item: 0 } }];
	return {
		webhookResponse: recordedPage(q, summary),
		// The answer always leaves on the first output (Response); a Timed Out output stays empty.
		workflowData: q.timedOutOutput ? [answer, []] : [answer],
	};
}
