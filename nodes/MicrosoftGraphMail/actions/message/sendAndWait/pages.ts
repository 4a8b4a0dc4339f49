/** The pages the person sees after clicking a link in the mail. Every piece of user text is escaped. */
import { escapeHtml, textToHtml } from './html';
import type { Choice, FormField, Question } from './question';

function page(title: string, body: string): string {
	return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:Segoe UI,Helvetica,Arial,sans-serif;background:#f5f5f5;color:#242424;margin:0;padding:40px 16px}
main{max-width:520px;margin:0 auto;background:#fff;border:1px solid #e0e0e0;border-radius:8px;padding:28px 32px}
h1{font-size:22px;margin:0 0 12px}p{line-height:1.5}label{display:block;font-weight:600;margin:16px 0 6px}
input,textarea,select{width:100%;box-sizing:border-box;padding:8px;border:1px solid #c7c7c7;border-radius:4px;font:inherit}
input[type=checkbox]{width:auto}textarea{min-height:120px}
button{margin-top:20px;padding:10px 24px;border-radius:4px;border:1px solid #0f6cbd;font:inherit;font-weight:600;cursor:pointer}
.primary{background:#0f6cbd;color:#fff}.secondary{background:#fff;color:#0f6cbd}.error{color:#b10e1c}
</style></head>
<body><main>
${body}
</main></body></html>`;
}

/** Approval: a link scanner's GET must not decide, so the click in the mail asks once more and the POST records. */
export function confirmChoicePage(question: Question, choice: Choice): string {
	return page(
		question.subject || 'Confirm your answer',
		`<h1>${escapeHtml(question.subject || 'Confirm your answer')}</h1>
<p>${textToHtml(question.message)}</p>
<form method="post"><button type="submit" class="${choice.style}">${escapeHtml(choice.label)}</button></form>`,
	);
}

function fieldHtml(field: FormField, index: number, value: string): string {
	const name = `field-${index}`;
	const required = field.required ? ' required' : '';
	const label = `<label for="${name}">${escapeHtml(field.label)}${field.required ? ' *' : ''}</label>`;
	const placeholder = field.placeholder ? ` placeholder="${escapeHtml(field.placeholder)}"` : '';
	switch (field.type) {
		case 'textarea':
			return `${label}<textarea id="${name}" name="${name}"${placeholder}${required}>${escapeHtml(value)}</textarea>`;
		case 'dropdown':
			return `${label}<select id="${name}" name="${name}"${required}><option value=""></option>${field.options
				.map((o) => `<option${o === value ? ' selected' : ''}>${escapeHtml(o)}</option>`)
				.join('')}</select>`;
		case 'checkbox':
			return `<label><input type="checkbox" id="${name}" name="${name}" value="on"${value === 'on' ? ' checked' : ''}${required}> ${escapeHtml(field.label)}${field.required ? ' *' : ''}</label>`;
		default:
			return `${label}<input type="${field.type}" id="${name}" name="${name}" value="${escapeHtml(value)}"${placeholder}${required}>`;
	}
}

/** Free Text and Custom Form: the form (multipart, as n8n 2.x requires for a Custom Form's POST), with an error and the values given so far after a refused submission. */
export function formPage(question: Question, problem?: string, values: Record<string, string> = {}): string {
	const title = question.formTitle || 'Your response';
	return page(
		title,
		`<h1>${escapeHtml(title)}</h1>
<p>${textToHtml(question.formDescription)}</p>
${problem ? `<p class="error">${escapeHtml(problem)}</p>` : ''}
<form method="post" enctype="multipart/form-data">
${question.fields.map((f, i) => fieldHtml(f, i, values[`field-${i}`] ?? '')).join('\n')}
<button type="submit" class="primary">${escapeHtml(question.formButtonLabel)}</button>
</form>`,
	);
}

/** After the answer is recorded: what was recorded, and that nothing more is needed. */
export function recordedPage(question: Question, summary: string): string {
	return page(
		'Response recorded',
		`<h1>Thanks, your response was recorded</h1>
<p>${escapeHtml(question.subject)}</p>
<p><strong>${escapeHtml(summary)}</strong></p>
<p>The workflow continues with it. You can close this page.</p>`,
	);
}

/** A link that is not the one n8n signed for this execution (guessed, altered, cut short): nothing was recorded. */
export function refusedPage(): string {
	return page(
		'Link not valid',
		`<h1>This link is not valid</h1>
<p>It does not match the link that was sent, so no response was recorded. Open the link from the mail again, unchanged.</p>`,
	);
}
