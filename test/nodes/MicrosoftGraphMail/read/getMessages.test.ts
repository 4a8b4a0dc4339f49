/**
 * Get Messages against the emulator: each filter returns exactly the seeded mails that match, newest
 * first; Graph's refusals reach the user with what to change; folders are found by list, id and path.
 */
import type { INodeParameters } from 'n8n-workflow';
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, failureOf, folderFromList, folderId, folderPath, getMessages, ids, run } from './readFixture';

let contoso: Contoso;
let mailbox: string;

interface Seed {
	subject: string;
	from: string;
	isRead: boolean;
	importance: 'low' | 'normal' | 'high';
	categories: string[];
	attachment: boolean;
	received: string;
	flagged?: boolean;
}

/** Ten mails, one hour apart; each filter below selects a different subset. */
const SEEDS: Seed[] = [
	{ subject: 'Invoice 1001', from: 'billing@fabrikam.example', isRead: false, importance: 'normal', categories: ['Finance'], attachment: true, received: '2024-03-01T08:00:00Z' },
	{ subject: 'Invoice 1002', from: 'billing@fabrikam.example', isRead: true, importance: 'high', categories: ['Finance', 'Red category'], attachment: false, received: '2024-03-01T09:00:00Z' },
	{ subject: "O'Brien's lunch", from: 'obrien@contoso.example', isRead: false, importance: 'low', categories: [], attachment: false, received: '2024-03-01T10:00:00Z' },
	{ subject: 'Re: invoice question', from: 'carol@contoso.example', isRead: false, importance: 'high', categories: ['Red category'], attachment: true, received: '2024-03-01T11:00:00Z', flagged: true },
	{ subject: 'Weekly report', from: 'reports@contoso.example', isRead: true, importance: 'normal', categories: [], attachment: true, received: '2024-03-01T12:00:00Z' },
	{ subject: 'Party (50% off) & more', from: 'promo@shop.example', isRead: false, importance: 'low', categories: [], attachment: false, received: '2024-03-01T13:00:00Z' },
	{ subject: 'Invoice 1003', from: 'Billing@Fabrikam.example', isRead: false, importance: 'normal', categories: ['Finance'], attachment: false, received: '2024-03-01T14:00:00Z' },
	{ subject: 'Straße und Café ☕', from: 'dieter@contoso.example', isRead: true, importance: 'normal', categories: ['Red category'], attachment: false, received: '2024-03-01T15:00:00Z' },
	{ subject: 'It\'s "quoted"', from: 'quotes@contoso.example', isRead: false, importance: 'high', categories: [], attachment: true, received: '2024-03-01T16:00:00Z', flagged: true },
	{ subject: 'Plain', from: 'plain@contoso.example', isRead: true, importance: 'normal', categories: [], attachment: false, received: '2024-03-01T17:00:00Z' },
];
const seeded = new Map<Seed, string>();

/** The ids of the seeds that pass `test`, newest first (Graph's order). */
function expected(test: (s: Seed) => boolean): string[] {
	return SEEDS.filter(test)
		.sort((a, b) => b.received.localeCompare(a.received))
		.map((s) => seeded.get(s)!);
}

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'reader-filters');
	for (const s of SEEDS) {
		const m = contoso.emu.seedMessage(mailbox, 'inbox', {
			subject: s.subject,
			from: { emailAddress: { address: s.from, name: s.from.split('@')[0] } },
			toRecipients: [{ emailAddress: { address: mailbox } }],
			isRead: s.isRead,
			importance: s.importance,
			categories: s.categories,
			receivedDateTime: s.received,
			body: { contentType: 'html', content: `<p>Body of <b>${s.subject}</b></p>` },
			flag: { flagStatus: s.flagged ? 'flagged' : 'notFlagged' },
			attachments: s.attachment ? [{ name: 'a.txt', contentType: 'text/plain', contentBytes: Buffer.from(s.subject) }] : [],
		});
		seeded.set(s, m.id);
	}
	// Mail in another folder never shows up in the Inbox's results.
	contoso.emu.seedMessage(mailbox, 'sentitems', { subject: 'Invoice 1001 (sent copy)', isRead: false, receivedDateTime: '2024-03-01T08:30:00Z' });
});
afterAll(async () => {
	await contoso?.emu.stop();
});

const inbox = { folder: folderFromList('inbox'), returnAll: true };

describe('each filter returns exactly the matching mails, newest first', () => {
	const cases: [string, INodeParameters, (s: Seed) => boolean][] = [
		['no filter', {}, () => true],
		['unread only', { unreadOnly: true }, (s) => !s.isRead],
		['from (any case)', { from: 'BILLING@fabrikam.EXAMPLE' }, (s) => s.from.toLowerCase() === 'billing@fabrikam.example'],
		['subject contains (not case-sensitive)', { subjectContains: 'invoice' }, (s) => s.subject.toLowerCase().includes('invoice')],
		['subject contains a quote', { subjectContains: "O'Brien" }, (s) => s.subject.includes("O'Brien")],
		['subject contains OData-ish characters', { subjectContains: '(50% off) &' }, (s) => s.subject.includes('(50% off) &')],
		['subject contains double quotes', { subjectContains: '"quoted"' }, (s) => s.subject.includes('"quoted"')],
		['subject contains non-ASCII', { subjectContains: 'straße' }, (s) => s.subject.toLowerCase().includes('straße')],
		['received after (inclusive)', { receivedAfter: '2024-03-01T12:00:00Z' }, (s) => s.received >= '2024-03-01T12:00:00Z'],
		['received before (exclusive)', { receivedBefore: '2024-03-01T12:00:00Z' }, (s) => s.received < '2024-03-01T12:00:00Z'],
		[
			'received between, with an offset',
			{ receivedAfter: '2024-03-01T11:00:00+02:00', receivedBefore: '2024-03-01T13:30:00Z' },
			(s) => s.received >= '2024-03-01T09:00:00Z' && s.received < '2024-03-01T13:30:00Z',
		],
		['has attachments', { hasAttachments: true }, (s) => s.attachment],
		['has no attachments', { hasAttachments: false }, (s) => !s.attachment],
		['importance high', { importance: 'high' }, (s) => s.importance === 'high'],
		['category', { category: 'Red category' }, (s) => s.categories.includes('Red category')],
		['raw OData filter', { rawFilter: "flag/flagStatus eq 'flagged'" }, (s) => !!s.flagged],
		[
			'all together',
			{ unreadOnly: true, subjectContains: 'invoice', hasAttachments: true, receivedAfter: '2024-03-01T07:00:00Z', importance: 'high', category: 'Red category', from: 'carol@contoso.example' },
			(s) => s.subject === 'Re: invoice question',
		],
		[
			'unread, from, raw filter',
			{ unreadOnly: true, from: 'billing@fabrikam.example', rawFilter: "startswith(subject,'Invoice')" },
			(s) => !s.isRead && s.from.toLowerCase() === 'billing@fabrikam.example',
		],
	];
	test.each(cases)('%s', async (_name, filters, test) => {
		const out = await getMessages(contoso, mailbox, { ...inbox, filters });
		expect(ids(out)).toEqual(expected(test));
	});

	test('a date without a zone is read in the workflow time zone', async () => {
		// The harness workflow runs in n8n's default zone, America/New_York (UTC-5 on 1 March 2024).
		const out = await getMessages(contoso, mailbox, { ...inbox, filters: { receivedAfter: '2024-03-01T07:00:00' } });
		expect(ids(out)).toEqual(expected((s) => s.received >= '2024-03-01T12:00:00Z'));
	});
});

describe('output', () => {
	test('simplified: the documented flat keys', async () => {
		const out = await getMessages(contoso, mailbox, { ...inbox, filters: { subjectContains: 'Invoice 1002' } });
		expect(out).toHaveLength(1);
		const json = out[0].json;
		expect(Object.keys(json).sort()).toEqual(
			['id', 'subject', 'fromName', 'fromAddress', 'to', 'cc', 'receivedDateTime', 'bodyPreview', 'hasAttachments', 'isRead', 'importance', 'webLink', 'conversationId'].sort(),
		);
		expect(json).toMatchObject({
			subject: 'Invoice 1002',
			fromName: 'billing',
			fromAddress: 'billing@fabrikam.example',
			to: [mailbox],
			cc: [],
			receivedDateTime: '2024-03-01T09:00:00Z',
			bodyPreview: 'Body of Invoice 1002',
			hasAttachments: false,
			isRead: true,
			importance: 'high',
		});
		expect(json.webLink).toMatch(/^https:\/\//);
		expect(json.conversationId).not.toBe('');
	});

	test('raw with text body: Graph JSON, body converted', async () => {
		const out = await getMessages(contoso, mailbox, { ...inbox, filters: { subjectContains: 'Weekly report' }, output: 'raw', options: { bodyFormat: 'text' } });
		expect(out[0].json.body).toEqual({ contentType: 'text', content: 'Body of Weekly report' });
		expect((out[0].json.from as { emailAddress: { address: string } }).emailAddress.address).toBe('reports@contoso.example');
	});

	test('selected fields: only those (and the id), HTML body', async () => {
		const out = await getMessages(contoso, mailbox, { ...inbox, filters: { subjectContains: 'Weekly report' }, output: 'fields', fields: ['subject', 'body'], options: { bodyFormat: 'html' } });
		expect(Object.keys(out[0].json).sort()).toEqual(['body', 'id', 'subject']);
		expect((out[0].json.body as { contentType: string }).contentType).toBe('html');
	});
});

describe('limits and paging', () => {
	test('a limit is honoured exactly: the newest mails, one page request', async () => {
		contoso.emu.resetStats();
		const out = await getMessages(contoso, mailbox, { folder: folderFromList('inbox'), returnAll: false, limit: 7 });
		expect(ids(out)).toEqual(expected(() => true).slice(0, 7));
		const listings = contoso.emu.stats().log.filter((l) => /\/messages$/.test(l.path));
		expect(listings).toHaveLength(1);
	});

	test('the default limit (50) applies when Return All is off', async () => {
		const out = await getMessages(contoso, mailbox, { folder: folderFromList('inbox') });
		expect(out).toHaveLength(SEEDS.length);
	});
});

describe('folders', () => {
	let sub: string;
	let subsub: string;
	let deepIds: string[];
	beforeAll(() => {
		sub = contoso.emu.createFolder(mailbox, 'inbox', 'Invoices').id;
		subsub = contoso.emu.createFolder(mailbox, sub, '2024 Q1').id;
		contoso.emu.createFolder(mailbox, 'msgfolderroot', 'Projects');
		contoso.emu.seedMessage(mailbox, sub, { subject: 'Filed invoice', receivedDateTime: '2024-02-01T00:00:00Z' });
		deepIds = [
			contoso.emu.seedMessage(mailbox, subsub, { subject: 'Q1 invoice B', receivedDateTime: '2024-02-03T00:00:00Z' }).id,
			contoso.emu.seedMessage(mailbox, subsub, { subject: 'Q1 invoice A', receivedDateTime: '2024-02-02T00:00:00Z' }).id,
		];
	});

	test('a subfolder by path (names not case-sensitive)', async () => {
		const out = await getMessages(contoso, mailbox, { folder: folderPath('inbox/invoices/2024 q1'), returnAll: true });
		expect(ids(out)).toEqual(deepIds);
	});

	test('a subfolder by id, and from the list (value = id)', async () => {
		expect(ids(await getMessages(contoso, mailbox, { folder: folderId(subsub), returnAll: true }))).toEqual(deepIds);
		expect(ids(await getMessages(contoso, mailbox, { folder: folderFromList(subsub), returnAll: true }))).toEqual(deepIds);
	});

	test('a well-known folder by its display name in path mode', async () => {
		const out = await getMessages(contoso, mailbox, { folder: folderPath('Sent Items'), returnAll: true });
		expect(out.map((i) => i.json.subject)).toEqual(['Invoice 1001 (sent copy)']);
	});

	test('all mail: every folder', async () => {
		const out = await getMessages(contoso, mailbox, { folderScope: 'allMail', returnAll: true, filters: { subjectContains: 'invoice' } });
		expect(out.map((i) => i.json.subject).sort()).toEqual(
			['Invoice 1001', 'Invoice 1002', 'Invoice 1003', 'Re: invoice question', 'Invoice 1001 (sent copy)', 'Filed invoice', 'Q1 invoice A', 'Q1 invoice B'].sort(),
		);
	});

	test("a user's own top-level folder named like an alias (Sent, Trash) is found as itself; the alias still works where no such folder exists", async () => {
		const own = addMailbox(contoso, 'reader-own-sent');
		const sent = contoso.emu.createFolder(own, 'msgfolderroot', 'Sent').id;
		contoso.emu.createFolder(own, sent, 'Old');
		contoso.emu.seedMessage(own, sent, { subject: 'In my own Sent folder', receivedDateTime: '2024-02-01T00:00:00Z' });
		contoso.emu.seedMessage(own, 'sentitems', { subject: 'In Sent Items', receivedDateTime: '2024-02-02T00:00:00Z' });
		contoso.emu.seedMessage(own, 'deleteditems', { subject: 'In Deleted Items', receivedDateTime: '2024-02-03T00:00:00Z' });
		const subjects = async (folder: ReturnType<typeof folderPath>) => (await getMessages(contoso, own, { folder, returnAll: true })).map((i) => i.json.subject);
		expect(await subjects(folderPath('Sent'))).toEqual(['In my own Sent folder']);
		expect(await subjects(folderId('Sent'))).toEqual(['In my own Sent folder']);
		expect(await subjects(folderPath('sent/old'))).toEqual([]);
		expect(await subjects(folderPath('Sent Items'))).toEqual(['In Sent Items']);
		expect(await subjects(folderId('sentitems'))).toEqual(['In Sent Items']);
		expect(await subjects(folderPath('Trash'))).toEqual(['In Deleted Items']);
		expect(await subjects(folderId('Trash'))).toEqual(['In Deleted Items']);
	});

	test('an unknown path names the Folder field, what is missing and what exists', async () => {
		const error = await failureOf(getMessages(contoso, mailbox, { folder: folderPath('Inbox/Nope'), returnAll: true }));
		expect(error.message).toBe(`Folder: no folder with path "Inbox/Nope" in mailbox ${mailbox}`);
		expect(error.description).toContain('"Inbox" has no subfolder "Nope" (it has "Invoices")');
		expect(error.context?.itemIndex).toBe(0);
	});

	test('an unknown or malformed folder id names the Folder field', async () => {
		for (const value of ['AQMkADAwATM0MDAAMS1hZDBkLTI5ZjktMDACLTAwCgAuAAAD_unknown_folder', 'not an id']) {
			const error = await failureOf(getMessages(contoso, mailbox, { folder: folderId(value), returnAll: true }));
			expect(error.message).toContain(`Folder: no folder with ID or name "${value}"`);
		}
	});
});

describe('search mode', () => {
	test('free text finds the mails holding every word, without filters or sorting', async () => {
		const out = await getMessages(contoso, mailbox, { ...inbox, searchMode: 'search', search: 'invoice fabrikam' });
		expect(ids(out).sort()).toEqual(expected((s) => s.subject.toLowerCase().includes('invoice') && s.from.toLowerCase().includes('fabrikam')).sort());
	});

	test('KQL property restriction', async () => {
		const out = await getMessages(contoso, mailbox, { ...inbox, searchMode: 'search', search: 'subject:report' });
		expect(out.map((i) => i.json.subject)).toEqual(['Weekly report']);
	});

	test('an empty search is refused before asking Graph', async () => {
		const error = await failureOf(getMessages(contoso, mailbox, { ...inbox, searchMode: 'search', search: '  ' }));
		expect(error.message).toBe('Search: enter the words to look for');
	});
});

describe("Graph's refusals", () => {
	test('a malformed raw filter: Graph\'s message, what was sent and what to change', async () => {
		const error = await failureOf(getMessages(contoso, mailbox, { ...inbox, filters: { rawFilter: "subject eq 'unterminated" } }));
		expect(error.message).toMatch(/^Filters > Raw Filter: Graph refused the filter: BadRequest: .*Unterminated string literal/);
		expect(error.description).toContain("Sent: $filter=receivedDateTime ge 1900-01-01T00:00:00Z and (subject eq 'unterminated)");
		expect(error.description).toContain('single quotes');
		expect(error.description).toMatch(/request-id: [0-9a-f-]{36}/);
	});

	test('a quoted date in the raw filter', async () => {
		const error = await failureOf(getMessages(contoso, mailbox, { ...inbox, filters: { rawFilter: "receivedDateTime ge '2024-01-01'" } }));
		expect(error.message).toContain('incompatible types');
		expect(error.description).toContain('dates unquoted');
	});

	test('the failing item is named', async () => {
		const items = [{ json: { f: 'isRead eq false' } }, { json: { f: 'isRead eq maybe' } }];
		const error = await failureOf(run(contoso, { operation: 'getMany', mailbox, ...inbox, filters: { rawFilter: '={{ $json.f }}' }, options: { parallelItems: 1 } }, items));
		expect(error.message).toMatch(/^Filters > Raw Filter: Graph refused the filter/);
		expect(error.context?.itemIndex).toBe(1);
	});

	test('a bad date names its field', async () => {
		const error = await failureOf(getMessages(contoso, mailbox, { ...inbox, filters: { receivedAfter: 'last tuesday' } }));
		expect(error.message).toBe('Received After: "last tuesday" is not a date and time (use e.g. 2024-05-01T08:00:00)');
	});
});
