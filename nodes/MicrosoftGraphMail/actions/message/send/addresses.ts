/**
 * Recipient lists as users type them: "a@x.com; Bob <b@y.org>, \"Doe, Jane\" <j@z.net>", or arrays
 * of such strings or of `{ address, name }` / Graph `{ emailAddress: {...} }` objects. Every address
 * is validated, and line breaks are refused anywhere (they would let a value inject mail headers).
 */

export interface MailAddress {
	name?: string;
	address: string;
}

/** A bad value; the operation adds the field and the item. */
export class InputError extends Error {}

/** CR, LF and the other control characters: never allowed in anything that ends up in a header. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;
const LINE_BREAK = /[\r\n]/;

export function assertNoControlChars(value: string, what: string): void {
	if (LINE_BREAK.test(value)) throw new InputError(`${what} contains a line break (CR/LF), which could inject mail headers: refused`);
	if (CONTROL.test(value)) throw new InputError(`${what} contains a control character: refused`);
}

/** atext of RFC 5322 plus non-ASCII letters (internationalised addresses, RFC 6531). */
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-\\u0080-\\uffff]+";
const LOCAL_PART = new RegExp(`^${ATOM}(\\.${ATOM})*$`);
const LABEL = /^[A-Za-z0-9\u0080-\uffff]([A-Za-z0-9\u0080-\uffff-]{0,61}[A-Za-z0-9\u0080-\uffff])?$/;

/** Why `address` is not a deliverable mailbox address, or undefined when it is one. */
export function addressProblem(address: string): string | undefined {
	if (address.length > 254) return 'is longer than 254 characters';
	const at = address.lastIndexOf('@');
	if (at <= 0 || at === address.length - 1) return 'needs the form name@domain';
	const local = address.slice(0, at);
	const domain = address.slice(at + 1);
	if (local.length > 64) return 'has a part before @ longer than 64 characters';
	if (!LOCAL_PART.test(local)) return `has an invalid part before @ ("${local}")`;
	const labels = domain.split('.');
	if (domain.length > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l))) return `has an invalid domain ("${domain}")`;
	if (/^[0-9]+$/.test(labels[labels.length - 1])) return `has an invalid domain ("${domain}")`;
	return undefined;
}

export function isValidAddress(address: string): boolean {
	return addressProblem(address) === undefined;
}

function checked(entry: MailAddress, shown: string): MailAddress {
	assertNoControlChars(shown, `"${shown.replace(/[\r\n]/g, '⏎')}"`);
	const problem = addressProblem(entry.address);
	if (problem) throw new InputError(`"${entry.address}" is not a valid email address: it ${problem}`);
	const name = entry.name?.trim();
	return name ? { name, address: entry.address } : { address: entry.address };
}

/** Splits at `,` or `;` outside quotes and angle brackets. */
function splitList(text: string): string[] {
	const parts: string[] = [];
	let current = '';
	let quoted = false;
	let angle = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quoted && c === '\\' && i + 1 < text.length) {
			current += c + text[++i];
			continue;
		}
		if (c === '"' && !angle) quoted = !quoted;
		else if (c === '<' && !quoted) angle = true;
		else if (c === '>' && !quoted) angle = false;
		else if ((c === ',' || c === ';') && !quoted && !angle) {
			parts.push(current);
			current = '';
			continue;
		}
		current += c;
	}
	if (quoted) throw new InputError(`"${text.trim()}" has an unclosed quote`);
	parts.push(current);
	return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function unquote(name: string): string {
	const trimmed = name.trim();
	if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) return trimmed.slice(1, -1).replace(/\\(.)/g, '$1');
	if (trimmed.includes('"')) throw new InputError(`the display name ${trimmed} has a stray quote`);
	return trimmed;
}

/** One `addr`, `<addr>` or `Name <addr>`. */
function parseOne(token: string): MailAddress {
	assertNoControlChars(token, `"${token.replace(/[\r\n]/g, '⏎')}"`);
	const open = token.lastIndexOf('<');
	if (open === -1) return checked({ address: token }, token);
	const close = token.indexOf('>', open);
	if (close === -1 || token.slice(close + 1).trim() !== '') throw new InputError(`"${token}" is not of the form Name <address>`);
	const address = token.slice(open + 1, close).trim();
	return checked({ name: unquote(token.slice(0, open)), address }, token);
}

function fromObject(value: Record<string, unknown>): MailAddress {
	const inner = (value.emailAddress ?? value) as Record<string, unknown>;
	if (typeof inner.address !== 'string') throw new InputError(`${JSON.stringify(value)} has no "address"`);
	const name = inner.name === undefined || inner.name === null ? undefined : String(inner.name);
	if (name !== undefined) assertNoControlChars(name, `The name "${name.replace(/[\r\n]/g, '⏎')}"`);
	return checked({ name, address: inner.address.trim() }, inner.address);
}

/**
 * Every address in `value`: a comma/semicolon separated string, an array of strings or address
 * objects, or nothing (empty list). Throws InputError naming the first bad entry.
 */
export function parseAddressList(value: unknown): MailAddress[] {
	if (value === undefined || value === null || value === '') return [];
	if (Array.isArray(value)) return value.flatMap((entry) => parseAddressList(entry));
	if (typeof value === 'object') return [fromObject(value as Record<string, unknown>)];
	if (typeof value !== 'string') throw new InputError(`${JSON.stringify(value)} is not an email address`);
	// Checked before trimming: even a trailing line break is refused, not silently dropped.
	assertNoControlChars(value, `"${value.replace(/[\r\n]/g, '⏎')}"`);
	return splitList(value).map(parseOne);
}

/** `Name <addr>` with the name quoted when it holds specials; what parseAddressList reads back. */
export function formatAddress({ name, address }: MailAddress): string {
	if (!name) return address;
	const plain = /^[^",;<>\\@()[\]:]*$/.test(name) && name.trim() === name;
	return `${plain ? name : `"${name.replace(/(["\\])/g, '\\$1')}"`} <${address}>`;
}
