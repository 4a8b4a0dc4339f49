/** The message builder: Graph gets exactly what the user asked for, and nothing that could inject headers. */
import fc from 'fast-check';
import type { MailAddress } from '../../../../nodes/MicrosoftGraphMail/actions/message/send/addresses';
import { buildMessage, FieldError, MAX_RECIPIENTS, type MailInput } from '../../../../nodes/MicrosoftGraphMail/actions/message/send/messageBuilder';

const address: fc.Arbitrary<MailAddress> = fc.record({
	name: fc.option(fc.stringMatching(/^[A-Za-z][A-Za-z ,.'-]{0,15}[a-z]$/), { nil: undefined }),
	address: fc.emailAddress(),
}).map(({ name, address }) => (name ? { name, address } : { address }));
const noBreaks = fc.string({ maxLength: 40 }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s));
const headerName = fc.stringMatching(/^[xX]-[A-Za-z0-9-]{1,20}$/);

const validInput: fc.Arbitrary<MailInput> = fc
	.record({
		to: fc.array(address, { maxLength: 4 }),
		cc: fc.array(address, { maxLength: 3 }),
		bcc: fc.array(address, { maxLength: 3 }),
		subject: noBreaks,
		bodyContentType: fc.constantFrom('html' as const, 'text' as const),
		bodyContent: fc.string({ maxLength: 200 }),
		replyTo: fc.array(address, { maxLength: 2 }),
		importance: fc.constantFrom('low' as const, 'normal' as const, 'high' as const),
		isReadReceiptRequested: fc.boolean(),
		categories: fc.array(noBreaks.filter((s) => s.trim() !== ''), { maxLength: 3 }),
		internetHeaders: fc.uniqueArray(fc.record({ name: headerName, value: noBreaks }), { maxLength: 4, selector: (h) => h.name.toLowerCase() }),
		from: fc.option(address, { nil: undefined }),
	})
	.filter((i) => i.to.length + i.cc.length + i.bcc.length > 0);

const recipients = (list: MailAddress[]) => list.map((a) => ({ emailAddress: a }));

const base: MailInput = {
	to: [{ address: 'ann@contoso.com' }],
	cc: [],
	bcc: [],
	subject: 'Hello',
	bodyContentType: 'text',
	bodyContent: 'Hi',
	replyTo: [],
	importance: 'normal',
	isReadReceiptRequested: false,
	categories: [],
	internetHeaders: [],
};

describe('buildMessage', () => {
	it('carries every field over unchanged, recipients in order, and nothing unasked for', () => {
		fc.assert(
			fc.property(validInput, (input) => {
				const m = buildMessage(input);
				expect(m.subject).toBe(input.subject);
				expect(m.body).toEqual({ contentType: input.bodyContentType, content: input.bodyContent });
				expect(m.toRecipients).toEqual(recipients(input.to));
				expect(m.ccRecipients).toEqual(input.cc.length ? recipients(input.cc) : undefined);
				expect(m.bccRecipients).toEqual(input.bcc.length ? recipients(input.bcc) : undefined);
				expect(m.replyTo).toEqual(input.replyTo.length ? recipients(input.replyTo) : undefined);
				expect(m.importance).toBe(input.importance);
				expect(m.isReadReceiptRequested).toBe(input.isReadReceiptRequested ? true : undefined);
				expect(m.categories).toEqual(input.categories.length ? input.categories : undefined);
				expect(m.internetMessageHeaders).toEqual(input.internetHeaders.length ? input.internetHeaders : undefined);
				expect(m.from).toEqual(input.from ? { emailAddress: input.from } : undefined);
				// What goes over the wire survives JSON.
				expect(JSON.parse(JSON.stringify(m))).toEqual(m);
			}),
			{ numRuns: 300 },
		);
	});

	it('refuses a CR or LF in the subject, a header name or a header value, wherever it is', () => {
		const withBreak = fc.tuple(noBreaks, fc.constantFrom('\r', '\n', '\r\n'), noBreaks).map(([a, b, c]) => a + b + c);
		fc.assert(
			fc.property(validInput, withBreak, fc.constantFrom('subject', 'headerName', 'headerValue'), (input, bad, where) => {
				const broken: MailInput =
					where === 'subject'
						? { ...input, subject: bad }
						: { ...input, internetHeaders: [where === 'headerName' ? { name: `x-${bad}`, value: 'v' } : { name: 'x-ok', value: bad }] };
				expect(() => buildMessage(broken)).toThrow(/line break/);
			}),
			{ numRuns: 300 },
		);
	});

	it('names the field: no recipient, too many, a header Graph does not accept, a repeated header', () => {
		const fieldOf = (input: MailInput) => {
			try {
				buildMessage(input);
			} catch (error) {
				expect(error).toBeInstanceOf(FieldError);
				return `${(error as FieldError).field}: ${(error as Error).message}`;
			}
			return 'no error';
		};
		expect(fieldOf({ ...base, to: [] })).toMatch(/^To: No recipient/);
		const many = Array.from({ length: MAX_RECIPIENTS + 1 }, (_, i) => ({ address: `u${i}@contoso.com` }));
		expect(fieldOf({ ...base, to: many })).toMatch(/^To: 501 recipients/);
		expect(fieldOf({ ...base, internetHeaders: [{ name: 'Subject', value: 'x' }] })).toMatch(/^Internet Headers: "Subject" is not allowed.*x-/);
		expect(fieldOf({ ...base, internetHeaders: [{ name: 'x-a b', value: 'x' }] })).toMatch(/^Internet Headers:/);
		expect(fieldOf({ ...base, internetHeaders: [{ name: 'x-a', value: '1' }, { name: 'X-A', value: '2' }] })).toMatch(/given twice/);
		expect(fieldOf({ ...base, importance: 'urgent' as never })).toMatch(/^Importance:/);
	});
});
