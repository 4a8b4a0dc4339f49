/** Return All over 2,500 mails: every mail once, newest first, in pages of 1,000. */
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, folderFromList, getMessages, ids } from './readFixture';

const COUNT = 2500;
let contoso: Contoso;
let mailbox: string;
const seededNewestFirst: string[] = [];

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'reader-paging');
	const start = Date.parse('2024-01-01T00:00:00Z');
	const seeded: string[] = [];
	for (let i = 0; i < COUNT; i++) {
		seeded.push(contoso.emu.seedMessage(mailbox, 'inbox', { subject: `Mail ${i}`, receivedDateTime: new Date(start + i * 60_000).toISOString() }).id);
	}
	seededNewestFirst.push(...seeded.reverse());
});
afterAll(async () => {
	await contoso?.emu.stop();
});

test('every mail exactly once, in order, three page requests', async () => {
	contoso.emu.resetStats();
	const out = await getMessages(contoso, mailbox, { folder: folderFromList('inbox'), returnAll: true });
	expect(ids(out)).toEqual(seededNewestFirst);
	expect(new Set(ids(out)).size).toBe(COUNT);
	const listings = contoso.emu.stats().log.filter((l) => /\/messages$/.test(l.path));
	expect(listings).toHaveLength(3);
});

test('a limit above one page: exactly that many, paging stops once reached', async () => {
	contoso.emu.resetStats();
	const out = await getMessages(contoso, mailbox, { folder: folderFromList('inbox'), returnAll: false, limit: 1001 });
	expect(ids(out)).toEqual(seededNewestFirst.slice(0, 1001));
	expect(contoso.emu.stats().log.filter((l) => /\/messages$/.test(l.path))).toHaveLength(2);
});

test('a filter with paging: the filter survives the next links', async () => {
	const out = await getMessages(contoso, mailbox, { folder: folderFromList('inbox'), returnAll: true, filters: { subjectContains: 'Mail 1' }, output: 'fields', fields: ['subject'] });
	const want = seededNewestFirst.filter((_, i) => `Mail ${COUNT - 1 - i}`.startsWith('Mail 1'));
	expect(ids(out)).toEqual(want);
	expect(out.every((i) => String(i.json.subject).includes('Mail 1'))).toBe(true);
});
