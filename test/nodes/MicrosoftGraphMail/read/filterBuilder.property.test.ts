/**
 * Property tests for the filter builder, through the node and the emulator's OData parser: whatever
 * the user types, the generated $filter is accepted and returns exactly the mails that match.
 */
import fc from 'fast-check';
import type { INodeParameters } from 'n8n-workflow';
import { buildFilterQuery, odataString, ORDER_SENTINEL } from '../../../../nodes/MicrosoftGraphMail/actions/message/read/filterBuilder';
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, folderFromList, getMessages, ids } from './readFixture';

/** Characters that break naive query building: quotes, URL and OData punctuation, non-ASCII. */
const TRICKY = ["'", '"', '%', '&', '+', '#', '?', '/', '\\', '(', ')', ',', ' ', '=', ':', '$', 'é', 'ß', '☕', '中', 'a', 'B', 'c', '1'];
const trickyText = (maxLength: number) => fc.string({ unit: fc.constantFrom(...TRICKY), maxLength });

interface Mail {
	subject: string;
	from: string;
	isRead: boolean;
	importance: 'low' | 'normal' | 'high';
	category?: string;
	attachment: boolean;
	receivedMs: number;
}
const START = Date.parse('2024-01-01T00:00:00Z');
const mailArb: fc.Arbitrary<Mail> = fc.record({
	subject: trickyText(12),
	from: fc.constantFrom('ann@contoso.example', 'o.brien@fabrikam.example', 'zoë@contoso.example'),
	isRead: fc.boolean(),
	importance: fc.constantFrom('low', 'normal', 'high'),
	category: fc.option(fc.constantFrom('Red', "Bob's", 'Finance & Tax'), { nil: undefined }),
	attachment: fc.boolean(),
	receivedMs: fc.integer({ min: 0, max: 30 * 24 * 3600 }).map((s) => START + s * 1000),
});

let contoso: Contoso;
let mailbox: string;
const mails: (Mail & { id: string })[] = [];
const byId = new Map<string, Mail>();

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'reader-properties');
	for (const mail of fc.sample(mailArb, { numRuns: 80, seed: 42 })) {
		const seeded = contoso.emu.seedMessage(mailbox, 'inbox', {
			subject: mail.subject,
			from: { emailAddress: { address: mail.from } },
			isRead: mail.isRead,
			importance: mail.importance,
			categories: mail.category ? [mail.category] : [],
			receivedDateTime: new Date(mail.receivedMs).toISOString(),
			attachments: mail.attachment ? [{ name: 'x.bin', contentBytes: Buffer.from('x') }] : [],
		});
		mails.push({ ...mail, id: seeded.id });
		byId.set(seeded.id, mail);
	}
});
afterAll(async () => {
	await contoso?.emu.stop();
});

function matching(test: (m: Mail) => boolean): string[] {
	return mails.filter(test).map((m) => m.id);
}

async function listed(filters: INodeParameters): Promise<string[]> {
	return ids(await getMessages(contoso, mailbox, { folder: folderFromList('inbox'), returnAll: true, filters, output: 'fields', fields: ['subject'] }));
}

const sameSet = (a: string[], b: string[]) => expect([...a].sort()).toEqual([...b].sort());

test('any subject text: the filter is accepted and matches exactly the subjects containing it', async () => {
	// Half the needles are cut from seeded subjects, so matches are common, not only empty results.
	// A value starting with "=" is an n8n expression, not text: the UI never stores typed text that way.
	const needle = fc.oneof(
		trickyText(4),
		fc.integer({ min: 0, max: 79 }).chain((i) => fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => mails[i].subject.slice(Math.min(a, b) % 13, (Math.max(a, b) % 13) + 1))),
	).filter((text) => !text.startsWith('='));
	await fc.assert(
		fc.asyncProperty(needle, async (text) => {
			const got = await listed({ subjectContains: text });
			sameSet(got, matching((m) => m.subject.toLowerCase().includes(text.toLowerCase())));
		}),
		{ numRuns: 120 },
	);
});

test('any combination of filters returns exactly the mails passing all of them, newest first', async () => {
	const filtersArb = fc.record(
		{
			unreadOnly: fc.boolean(),
			from: fc.constantFrom('ann@contoso.example', 'O.BRIEN@fabrikam.example', 'zoë@contoso.example', "nobody'@x.example"),
			importance: fc.constantFrom('low', 'normal', 'high'),
			hasAttachments: fc.boolean(),
			category: fc.constantFrom('Red', "Bob's", 'Finance & Tax', 'red'),
			receivedAfter: fc.integer({ min: -2, max: 31 * 24 }).map((h) => new Date(START + h * 3600_000).toISOString()),
			receivedBefore: fc.integer({ min: 1, max: 31 * 24 }).map((h) => new Date(START + h * 3600_000).toISOString()),
		},
		{ requiredKeys: [] },
	);
	await fc.assert(
		fc.asyncProperty(filtersArb, async (f) => {
			if (f.receivedAfter && f.receivedBefore && f.receivedAfter >= f.receivedBefore) delete f.receivedBefore;
			const got = await listed(f as INodeParameters);
			const want = matching(
				(m) =>
					(!f.unreadOnly || !m.isRead) &&
					(f.from === undefined || m.from === f.from.toLowerCase()) &&
					(f.importance === undefined || m.importance === f.importance) &&
					(f.hasAttachments === undefined || m.attachment === f.hasAttachments) &&
					(f.category === undefined || m.category?.toLowerCase() === f.category.toLowerCase()) &&
					(f.receivedAfter === undefined || m.receivedMs >= Date.parse(f.receivedAfter)) &&
					(f.receivedBefore === undefined || m.receivedMs < Date.parse(f.receivedBefore)),
			);
			sameSet(got, want);
			// Newest first (mails received in the same second may come in any order).
			const times = got.map((id) => byId.get(id)!.receivedMs);
			expect(times).toEqual([...times].sort((a, b) => b - a));
		}),
		{ numRuns: 80 },
	);
});

describe('pure properties', () => {
	test('OData literals: undoing the quote doubling gives back the text', () => {
		fc.assert(
			fc.property(fc.string({ unit: fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })) }), (s) => {
				const literal = odataString(s);
				expect(literal.startsWith("'") && literal.endsWith("'")).toBe(true);
				const inner = literal.slice(1, -1);
				// No lone quote inside: every quote is doubled.
				expect(inner.replace(/''/g, '')).not.toContain("'");
				expect(inner.replace(/''/g, "'")).toBe(s);
			}),
		);
	});

	test('a filter always leads with receivedDateTime (Graph refuses it otherwise when sorting)', () => {
		fc.assert(
			fc.property(fc.record({ unreadOnly: fc.boolean(), subjectContains: fc.string(), category: fc.string(), rawFilter: fc.string() }, { requiredKeys: [] }), (f) => {
				const query = buildFilterQuery(f);
				expect(query.$orderby).toBe('receivedDateTime desc');
				if (query.$filter) expect(query.$filter.startsWith('receivedDateTime ') || query.$filter.startsWith(ORDER_SENTINEL)).toBe(true);
			}),
		);
	});
});
