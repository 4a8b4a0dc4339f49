/**
 * The question mail: the message as escaped text, one button per choice linking to n8n's signed
 * resume URL, and the same links written out so plain-text clients (and Exchange's text part) can
 * follow them.
 */
import { escapeHtml, textToHtml } from './html';
import type { ButtonStyle, Question } from './question';

export interface MailLink {
	label: string;
	style: ButtonStyle;
	url: string;
}

const BUTTON: Record<ButtonStyle, string> = {
	primary: 'display:inline-block;margin:4px 8px 4px 0;padding:10px 22px;border-radius:4px;background:#0f6cbd;color:#ffffff;border:1px solid #0f6cbd;font-weight:600;text-decoration:none;',
	secondary: 'display:inline-block;margin:4px 8px 4px 0;padding:10px 22px;border-radius:4px;background:#ffffff;color:#0f6cbd;border:1px solid #0f6cbd;font-weight:600;text-decoration:none;',
};

export function questionMailHtml(question: Pick<Question, 'subject' | 'message'>, links: MailLink[]): string {
	const buttons = links.map((l) => `<a href="${escapeHtml(l.url)}" target="_blank" style="${BUTTON[l.style]}">${escapeHtml(l.label)}</a>`).join('\n');
	const written = links.map((l) => `<li>${escapeHtml(l.label)}: <a href="${escapeHtml(l.url)}">${escapeHtml(l.url)}</a></li>`).join('\n');
	return [
		'<!DOCTYPE html>',
		'<html><head><meta charset="utf-8"></head>',
		'<body style="font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:15px;color:#242424;">',
		`<p>${textToHtml(question.message)}</p>`,
		`<p>${buttons}</p>`,
		'<p style="font-size:12px;color:#616161;">If the buttons do not work, open one of these links:</p>',
		`<ul style="font-size:12px;color:#616161;">${written}</ul>`,
		'<p style="font-size:12px;color:#616161;">The first answer counts; the links stop working once the workflow has moved on.</p>',
		'</body></html>',
	].join('\n');
}

/** What a plain-text client shows of an HTML mail, roughly: tags gone, entities decoded, links kept. */
export function htmlToText(html: string): string {
	return html
		.replace(/<br\s*\/?>/gi, '\n')
		.replace(/<\/(p|li|ul|div)>/gi, '\n')
		.replace(/<[^>]+>/g, '')
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'")
		.replace(/&amp;/g, '&')
		.replace(/\n{3,}/g, '\n\n')
		.trim();
}
