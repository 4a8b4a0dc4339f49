/** Escaping for text placed into the mail and the pages: user text never becomes markup. */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** Plain text → HTML: escaped, line breaks (also a typed "\n") kept. */
export function textToHtml(text: string): string {
	return escapeHtml(text.replace(/\\n/g, '\n').trim()).replace(/\r?\n/g, '<br>');
}
