/** The recipient parser: what users type becomes exactly the addresses they meant, or a clear refusal. */
import fc from 'fast-check';
import {
	formatAddress,
	InputError,
	isValidAddress,
	parseAddressList,
	type MailAddress,
} from '../../../../nodes/MicrosoftGraphMail/actions/message/send/addresses';

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
/** Addresses of the shape people use (fast-check's emailAddress covers the exotic rest). */
const plainAddress = fc
	.tuple(fc.stringMatching(/^[a-z0-9_+-]{1,12}(\.[a-z0-9_+-]{1,8})?$/), fc.array(label, { minLength: 1, maxLength: 3 }), fc.stringMatching(/^[a-z]{2,6}$/))
	.map(([local, labels, tld]) => `${local}@${[...labels, tld].join('.')}`);
const address = fc.oneof(plainAddress, fc.emailAddress());
/** Display names without control characters (those are refused; see below). */
const displayName = fc.string({ maxLength: 30 }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s));
const entry: fc.Arbitrary<MailAddress> = fc.record({ name: fc.option(displayName, { nil: undefined }), address }).map(({ name, address }) => {
	const trimmed = name?.trim();
	return trimmed ? { name: trimmed, address } : { address };
});

describe('parseAddressList', () => {
	it('reads "Name <addr>", bare addresses, commas and semicolons, quoted names with commas', () => {
		expect(parseAddressList(' ann@contoso.com; Bob Smith <bob@fabrikam.com>, "Doe, Jane" <jane@z.net> ;')).toEqual([
			{ address: 'ann@contoso.com' },
			{ name: 'Bob Smith', address: 'bob@fabrikam.com' },
			{ name: 'Doe, Jane', address: 'jane@z.net' },
		]);
	});

	it('reads arrays of strings and of address objects (plain or Graph-shaped)', () => {
		expect(parseAddressList(['a@x.org, b@y.org', { address: 'c@z.org', name: 'C' }, { emailAddress: { address: 'd@w.org' } }])).toEqual([
			{ address: 'a@x.org' },
			{ address: 'b@y.org' },
			{ name: 'C', address: 'c@z.org' },
			{ address: 'd@w.org' },
		]);
	});

	it('is empty for nothing', () => {
		expect(parseAddressList('')).toEqual([]);
		expect(parseAddressList(undefined)).toEqual([]);
		expect(parseAddressList(' ; , ')).toEqual([]);
	});

	it.each([
		['ann', 'needs the form name@domain'],
		['ann@', 'needs the form name@domain'],
		['ann@contoso', 'invalid domain'],
		['ann smith@contoso.com', 'invalid part before @'],
		['Doe, Jane <jane@z.net>', '"Doe" is not a valid email address'],
		['Bob <bob@x.com', 'not of the form Name <address>'],
		['"Bob <bob@x.com>', 'unclosed quote'],
		['bob@-x.com', 'invalid domain'],
		['a..b@x.com', 'invalid part before @'],
	])('refuses %j (%s)', (text, reason) => {
		expect(() => parseAddressList(text)).toThrow(InputError);
		expect(() => parseAddressList(text)).toThrow(reason);
	});

	it('refuses a line break anywhere: header injection', () => {
		expect(() => parseAddressList('a@x.com\r\nBcc: evil@attacker.net')).toThrow(/line break/);
		expect(() => parseAddressList({ address: 'a@x.com', name: 'A\nBcc: e@v.il' })).toThrow(/line break/);
	});

	it('round-trips: parse(format(list)) is the list', () => {
		fc.assert(
			fc.property(fc.array(entry, { maxLength: 6 }), fc.constantFrom(', ', ';', ' ; ', ','), (list, separator) => {
				expect(parseAddressList(list.map(formatAddress).join(separator))).toEqual(list);
			}),
			{ numRuns: 500 },
		);
	});

	it('accepts every RFC 5322 dot-atom address fast-check generates', () => {
		fc.assert(fc.property(fc.emailAddress(), (a) => isValidAddress(a)), { numRuns: 1000 });
	});

	it('never lets a CR or LF through, wherever it is inserted', () => {
		fc.assert(
			fc.property(fc.array(entry, { minLength: 1, maxLength: 4 }), fc.nat(), fc.constantFrom('\r', '\n', '\r\n'), (list, at, breakChars) => {
				const text = list.map(formatAddress).join(', ');
				const i = at % (text.length + 1);
				expect(() => parseAddressList(text.slice(0, i) + breakChars + text.slice(i))).toThrow(InputError);
			}),
			{ numRuns: 500 },
		);
	});

	it('on any input either returns valid addresses or throws InputError, nothing else', () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 60 }), (text) => {
				try {
					for (const a of parseAddressList(text)) {
						expect(isValidAddress(a.address)).toBe(true);
						expect(`${a.name ?? ''}${a.address}`).not.toMatch(/[\r\n]/);
					}
				} catch (error) {
					expect(error).toBeInstanceOf(InputError);
				}
			}),
			{ numRuns: 2000 },
		);
	});
});
