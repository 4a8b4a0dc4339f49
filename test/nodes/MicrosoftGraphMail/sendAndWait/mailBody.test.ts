/** The question mail and the pages: user text stays text, every link is there, plain-text readers get the links too. */
import { readAnswers } from '../../../../nodes/MicrosoftGraphMail/actions/message/sendAndWait/answers';
import { htmlToText, questionMailHtml } from '../../../../nodes/MicrosoftGraphMail/actions/message/sendAndWait/mailBody';
import { confirmChoicePage, formPage, recordedPage } from '../../../../nodes/MicrosoftGraphMail/actions/message/sendAndWait/pages';
import { readQuestion, type FormField } from '../../../../nodes/MicrosoftGraphMail/actions/message/sendAndWait/question';

const approve = 'https://n8n.example/webhook-waiting/42/node-1?approved=true&signature=abc123';
const decline = 'https://n8n.example/webhook-waiting/42/node-1?approved=false&signature=def456';
const hostile = 'Pay <b>now</b> & <script>alert(1)</script> "quoted" \'single\'\nSecond line';

/** Reads parameters as n8n's getNodeParameter does, dotted paths included. */
const question = (params: Record<string, unknown>) =>
	readQuestion((name, fallback) => {
		const value = name.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), params);
		return value === undefined ? fallback : value;
	});

describe('the question mail', () => {
	const html = questionMailHtml({ subject: 'Invoice 7', message: hostile }, [
		{ label: 'Yes <i>please</i>', style: 'primary', url: approve },
		{ label: 'No', style: 'secondary', url: decline },
	]);

	test('user text is escaped: no markup from the message or the labels gets into the mail', () => {
		expect(html).not.toContain('<script>');
		expect(html).not.toContain('<b>now</b>');
		expect(html).not.toContain('<i>please</i>');
		expect(html).toContain('Pay &lt;b&gt;now&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &#39;single&#39;<br>Second line');
		expect(html).toContain('Yes &lt;i&gt;please&lt;/i&gt;');
	});

	test('each choice is a button linking to its signed URL (query escaped as HTML requires)', () => {
		const hrefs = [...html.matchAll(/<a href="([^"]+)"[^>]*style="([^"]*)"/g)].map((m) => [m[1].replace(/&amp;/g, '&'), m[2].includes('background:#0f6cbd') ? 'primary' : 'secondary']);
		expect(hrefs).toEqual([
			[approve, 'primary'],
			[decline, 'secondary'],
		]);
		expect(html).toContain('approved=true&amp;signature=abc123');
	});

	test('a plain-text client shows the message and every link written out', () => {
		const text = htmlToText(html);
		expect(text).toContain('Pay <b>now</b> & <script>alert(1)</script> "quoted" \'single\'\nSecond line');
		expect(text).toContain(`Yes <i>please</i>: ${approve}`);
		expect(text).toContain(`No: ${decline}`);
	});
});

describe('reading the question from the parameters', () => {
	test('approval: Approve only by default; Approve and Disapprove with labels and styles', () => {
		expect(question({}).choices).toEqual([{ label: 'Approve', style: 'primary', approved: 'true' }]);
		const two = question({ approvalOptions: { values: { approvalType: 'double', approveLabel: 'OK', buttonApprovalStyle: 'secondary', disapproveLabel: 'Nope', buttonDisapprovalStyle: 'primary' } } });
		expect(two.choices).toEqual([
			{ label: 'OK', style: 'secondary', approved: 'true' },
			{ label: 'Nope', style: 'primary', approved: 'false' },
		]);
	});

	test('free text and custom form: one Respond button; the form has the defined fields', () => {
		expect(question({ responseType: 'freeText', options: { messageButtonLabel: 'Answer' } }).choices).toEqual([{ label: 'Answer', style: 'primary', approved: 'true' }]);
		const form = question({
			responseType: 'customForm',
			subject: 'S',
			formFields: { values: [{ fieldLabel: 'Amount', fieldType: 'number', requiredField: true }, { fieldLabel: 'Cost centre', fieldType: 'dropdown', fieldOptions: { values: [{ option: 'A' }, { option: 'B' }] } }] },
		});
		expect(form.fields.map((f) => [f.label, f.type, f.required, f.options])).toEqual([
			['Amount', 'number', true, []],
			['Cost centre', 'dropdown', false, ['A', 'B']],
		]);
		expect(form.formTitle).toBe('S');
	});
});

describe('the pages', () => {
	const q = question({ subject: 'Budget <b>2027</b>', message: hostile, responseType: 'customForm', formFields: { values: [{ fieldLabel: 'Why <u>?</u>', fieldType: 'text', placeholder: '"x"' }] } });

	test('escaped everywhere: confirmation, form (labels, placeholders, refused values) and the recorded page', () => {
		const pages = [confirmChoicePage(q, { label: 'Go <now>', style: 'primary', approved: 'true' }), formPage(q, 'Bad <value>', { 'field-0': '"><script>x</script>' }), recordedPage(q, 'Why: <img src=x>')];
		for (const page of pages) {
			expect(page).not.toMatch(/<(script|b|u|img|now|value)[\s>]/);
		}
		expect(pages[1]).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
	});

	test('the approval page asks once more and records only on POST (link scanners only GET)', () => {
		expect(confirmChoicePage(q, { label: 'Approve', style: 'primary', approved: 'true' })).toMatch(/<form method="post"><button type="submit"/);
	});
});

describe('reading a submitted form', () => {
	const fields: FormField[] = [
		{ label: 'Amount', type: 'number', placeholder: '', options: [], required: true },
		{ label: 'Centre', type: 'dropdown', placeholder: '', options: ['A', 'B'], required: false },
		{ label: 'Agree', type: 'checkbox', placeholder: '', options: [], required: false },
		{ label: 'Mail', type: 'email', placeholder: '', options: [], required: false },
	];

	test('values keyed by label, typed', () => {
		expect(readAnswers(fields, { 'field-0': '12.5', 'field-1': 'B', 'field-2': 'on', 'field-3': 'a@b.example' })).toEqual({ ok: true, values: { Amount: 12.5, Centre: 'B', Agree: true, Mail: 'a@b.example' } });
		expect(readAnswers(fields, { 'field-0': '3' })).toEqual({ ok: true, values: { Amount: 3, Centre: '', Agree: false, Mail: '' } });
	});

	test('refused: a missing required field, not a number, an option not offered, not an address', () => {
		expect(readAnswers(fields, {})).toEqual({ ok: false, problem: '"Amount" is required.' });
		expect(readAnswers(fields, { 'field-0': 'ten' })).toEqual({ ok: false, problem: '"Amount" must be a number.' });
		expect(readAnswers(fields, { 'field-0': '1', 'field-1': 'C' })).toEqual({ ok: false, problem: '"Centre": choose one of the listed options.' });
		expect(readAnswers(fields, { 'field-0': '1', 'field-3': 'nope' })).toEqual({ ok: false, problem: '"Mail" must be an email address.' });
	});
});

test('form fields in every shape n8n hands them over: rows as an array or one object, options missing', () => {
	const one = question({ responseType: 'customForm', formFields: { values: { fieldLabel: 'Only', fieldType: 'dropdown', fieldOptions: { values: { option: 'X' } } } } });
	expect(one.fields.map((f) => [f.label, f.options])).toEqual([['Only', ['X']]]);
	const bare = question({ responseType: 'customForm', formFields: { values: [{ fieldLabel: 'N', fieldType: 'number', fieldOptions: {} }, 'junk'] } });
	expect(bare.fields.map((f) => [f.label, f.options])).toEqual([['N', []]]);
});
