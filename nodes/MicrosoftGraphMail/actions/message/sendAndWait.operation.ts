/* eslint-disable @n8n/community-nodes/require-node-api-error -- FieldError becomes a NodeOperationError here; Graph errors come from the transport */
/**
 * Send and Wait for Response: sends one question mail (through Send Mail's code, so every grant,
 * shared mailboxes and attachments of any size work) whose buttons are n8n's signed resume links
 * for this execution and node, then puts the execution to wait (saved in n8n's database, so it
 * survives a restart). The answer arrives through the node's webhook (sendAndWait/webhook.ts).
 * Like n8n's built-in mail nodes it sends one mail per execution, from the first item.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import type { GraphClient } from '../../../shared/transport/graphClient';
import type { MailOperation } from '../operation';
import { asItemError, readDelivery, sendComposed, type SendInput } from './send.operation';
import { readMailInput } from './send/mailInput';
import { FieldError } from './send/messageBuilder';
import { hasTimedOutOutput, sendAndWaitFieldList, WAIT_OPERATION } from './sendAndWait/description';
import { questionMailHtml, type MailLink } from './sendAndWait/mailBody';
import { readQuestion } from './sendAndWait/question';
import { waitTill } from './sendAndWait/waitLimit';

/** n8n 1.x validates the signature only when asked to; 2.x always does for sendAndWait nodes. */
type SigningContext = IExecuteFunctions & { setSignatureValidationRequired?: () => void };

function signedLinks(ctx: SigningContext, choices: ReturnType<typeof readQuestion>['choices']): MailLink[] {
	if (typeof ctx.getSignedResumeUrl !== 'function') {
		throw new NodeOperationError(ctx.getNode(), 'This n8n cannot sign resume links', { description: 'Send and Wait for Response needs n8n 1.119 or newer.' });
	}
	ctx.setSignatureValidationRequired?.();
	return choices.map((c) => ({ label: c.label, style: c.style, url: ctx.getSignedResumeUrl({ approved: c.approved }) }));
}

interface Prepared {
	input: SendInput;
	until: Date;
	options: IDataObject;
}

/** Everything checked before anything is sent: a bad item sends nothing (a FieldError names the field). */
function prepare(ctx: IExecuteFunctions): Prepared {
	const question = readQuestion((name, fallback) => ctx.getNodeParameter(name, 0, fallback));
	if (question.message.trim() === '') throw new FieldError('Message', 'Enter the text the person reads above the buttons');
	if (question.responseType === 'customForm' && question.fields.length === 0) throw new FieldError('Form Fields', 'Add at least one field');
	for (const field of question.fields) {
		if (field.type === 'dropdown' && field.options.length === 0) throw new FieldError('Form Fields', `"${field.label}" is a dropdown without options`);
	}
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	let until: Date;
	try {
		until = waitTill((options.limitWaitTime as IDataObject | undefined)?.values as IDataObject | undefined);
	} catch (error) {
		throw new FieldError('Limit Wait Time', (error as Error).message);
	}
	const input: SendInput = { ...readDelivery({}), ...readMailInput(ctx, 0, options), saveToSentItems: options.saveToSentItems !== false, options };
	input.bodyContentType = 'html';
	input.bodyContent = questionMailHtml(question, signedLinks(ctx, question.choices));
	return { input, until, options };
}

async function run(this: IExecuteFunctions, client: GraphClient): Promise<INodeExecutionData[][]> {
	let prepared: Prepared;
	let sent: IDataObject;
	try {
		try {
			prepared = prepare(this);
		} catch (error) {
			asItemError(this, error, 0);
		}
		sent = await sendComposed(this, client, 0, prepared.input);
	} catch (error) {
		// Continue on fail: the error as the item, and no wait (nobody was asked).
		if (!this.continueOnFail()) throw error;
		return [[{ json: { error: (error as Error).message }, pairedItem: { item: 0 } }]];
	}
	const { until, options } = prepared;
	// When the limit runs out n8n resumes without running this node: it passes on the items waiting
	// at it (its first input, or with forwardAllOutputs each input to the same output). Make those the marker.
	const timedOutOutput = hasTimedOutOutput(options);
	if (options.onTimeout !== 'passThrough') {
		const marker: INodeExecutionData = { json: { timedOut: true, data: {}, waitedUntil: until.toISOString(), messageSubject: sent.subject }, pairedItem: { item: 0 } };
		const executeData = this.getExecuteData() as ReturnType<IExecuteFunctions['getExecuteData']> & { metadata?: IDataObject };
		if (executeData?.data) {
			executeData.data = { ...executeData.data, main: timedOutOutput ? [[], [marker]] : [[marker]] };
			if (timedOutOutput) executeData.metadata = { ...executeData.metadata, forwardAllOutputs: true };
		}
	}
	await this.putExecutionToWait(until);
	return timedOutOutput ? [this.getInputData(), []] : [this.getInputData()];
}

export const sendAndWait: MailOperation = {
	option: { name: 'Send and Wait for Response', value: WAIT_OPERATION, action: 'Send a mail and wait for a response', description: 'Ask for an approval, a text or a form by mail and wait for the answer' },
	fields: sendAndWaitFieldList,
	run,
};
