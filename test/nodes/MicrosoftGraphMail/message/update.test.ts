/** Update: only the fields set are changed, and they read back from the mailbox as set; bad input names the item and the field. */
import type { INodeParameters } from 'n8n-workflow';
import { getCategories } from '../../../../nodes/MicrosoftGraphMail/methods/masterCategories';
import { SECRET, startContoso, TENANT, type Contoso } from '../../../fixtures/contoso';
import { loadOptionsContext } from '../read/readFixture';
import { addMailbox, byId, failureOf, run, seed, stored } from './messageFixture';

let contoso: Contoso;
let mailbox: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'updater');
	contoso.emu.addApp(TENANT, { clientId: 'app-settings', secrets: [SECRET], applicationPermissions: ['Mail.ReadWrite', 'MailboxSettings.Read'] });
});
afterAll(async () => {
	await contoso?.emu.stop();
});

const update = (id: string, updateFields: INodeParameters) => run(contoso, 'update', { mailbox, message: byId(id), updateFields });

test('mark read: only isRead changes, the rest of the message stays as it was', async () => {
	const m = seed(contoso, mailbox, 'Mark me', { categories: ['Keep'], importance: 'low' });
	const [out] = await update(m.id, { readStatus: 'read' });
	expect(out.json).toMatchObject({ id: m.id, isRead: true, updated: ['isRead'] });
	expect(stored(contoso, mailbox, m.id)).toMatchObject({ isRead: true, categories: ['Keep'], importance: 'low', flag: { flagStatus: 'notFlagged' } });
	expect(out.pairedItem).toEqual({ item: 0 });
});

test('flag with start and due dates in a time zone, then complete', async () => {
	const m = seed(contoso, mailbox, 'Follow up');
	await update(m.id, { flagStatus: 'flagged', flagStartDate: '2026-12-01T09:00:00', flagDueDate: '2026-12-03T17:30:00', flagTimeZone: 'Europe/Berlin' });
	expect(stored(contoso, mailbox, m.id)!.flag).toEqual({
		flagStatus: 'flagged',
		startDateTime: { dateTime: '2026-12-01T09:00:00.0000000', timeZone: 'Europe/Berlin' },
		dueDateTime: { dateTime: '2026-12-03T17:30:00.0000000', timeZone: 'Europe/Berlin' },
	});
	const [done] = await update(m.id, { flagStatus: 'complete' });
	expect((done.json.flag as { flagStatus: string }).flagStatus).toBe('complete');
	expect(stored(contoso, mailbox, m.id)!.flag.flagStatus).toBe('complete');
});

test('a due date alone flags the mail, starting on the due date; an ISO date with an offset goes as UTC', async () => {
	const m = seed(contoso, mailbox, 'Due only');
	await update(m.id, { flagDueDate: '2026-12-05T12:00:00+01:00' });
	expect(stored(contoso, mailbox, m.id)!.flag).toEqual({
		flagStatus: 'flagged',
		startDateTime: { dateTime: '2026-12-05T11:00:00.0000000', timeZone: 'UTC' },
		dueDateTime: { dateTime: '2026-12-05T11:00:00.0000000', timeZone: 'UTC' },
	});
});

test('categories: add keeps the others, remove takes some away, replace sets exactly these', async () => {
	const m = seed(contoso, mailbox, 'Sort me', { categories: ['Existing'] });
	await update(m.id, { categoriesAction: 'add', categories: ['Red category', 'existing'] });
	expect(stored(contoso, mailbox, m.id)!.categories).toEqual(['Existing', 'Red category']);
	await update(m.id, { categoriesAction: 'remove', categories: 'existing' });
	expect(stored(contoso, mailbox, m.id)!.categories).toEqual(['Red category']);
	await update(m.id, { categoriesAction: 'replace', categories: ['Blue category', 'Customers'] });
	expect(stored(contoso, mailbox, m.id)!.categories).toEqual(['Blue category', 'Customers']);
	await update(m.id, { categoriesAction: 'replace', categories: [] });
	expect(stored(contoso, mailbox, m.id)!.categories).toEqual([]);
});

test('importance and Focused/Other', async () => {
	const m = seed(contoso, mailbox, 'Other tab');
	const [out] = await update(m.id, { importance: 'high', inferenceClassification: 'other' });
	expect(out.json).toMatchObject({ importance: 'high', inferenceClassification: 'other' });
	expect(stored(contoso, mailbox, m.id)).toMatchObject({ importance: 'high', inferenceClassification: 'other', isRead: false });
});

test('the category picker lists the master categories (needs MailboxSettings.Read, named on a 403)', async () => {
	const withSettings = { ...contoso.clientCredentials, clientId: 'app-settings' };
	const ctx = loadOptionsContext(contoso, { mailbox });
	const original = ctx.getCredentials;
	ctx.getCredentials = (async () => withSettings) as never;
	const options = await getCategories.call(ctx);
	expect(options.map((o) => o.name)).toEqual(['Blue category', 'Green category', 'Orange category', 'Purple category', 'Red category', 'Yellow category']);
	expect(options[0].value).toBe('Blue category');
	ctx.getCredentials = original;
	const error = await failureOf(getCategories.call(ctx));
	expect(`${error.message} ${error.description}`).toMatch(/MailboxSettings\.Read \(application\)/);
});

describe('bad input names the item and the field; nothing is changed', () => {
	test.each([
		[{ flagDueDate: 'next friday' }, /^Flag Due Date: "next friday" is not a date .*\[item 1\]$/],
		[{ flagStartDate: '2026-02-30T10:00:00' }, /^Flag Start Date: "2026-02-30T10:00:00" is not a date/],
		[{ flagStartDate: '2026-12-02T10:00:00', flagDueDate: '2026-12-01T10:00:00' }, /^Flag Due Date: 2026-12-01T10:00:00 \(America\/New_York\) is before the start date 2026-12-02T10:00:00/],
		[{ flagDueDate: '2026-12-01', flagTimeZone: 'Mars/Olympus' }, /^Flag Time Zone: "Mars\/Olympus" is not a time zone/],
		[{ flagStatus: 'notFlagged', flagDueDate: '2026-12-01' }, /^Flag Due Date: A message that is Not Flagged has no dates/],
		[{ categoriesAction: 'add' }, /^Category Names or IDs: Choose the categories to add/],
	])('%j', async (updateFields, expected) => {
		const good = seed(contoso, mailbox, 'good one');
		const bad = seed(contoso, mailbox, 'bad one');
		const out = await run(
			contoso,
			'update',
			{ mailbox, message: byId('={{ $json.id }}'), updateFields: { readStatus: 'read', ...updateFields } },
			{ items: [{ json: { id: good.id } }, { json: { id: bad.id } }], continueOnFail: true },
		);
		expect(String(out[1].json.error)).toMatch(expected);
		expect(out[1].pairedItem).toEqual({ item: 1 });
		expect(stored(contoso, mailbox, bad.id)!.isRead).toBe(false);
	});

	test('an unknown message id names the Message field, the id, the mailbox and the item', async () => {
		const m = seed(contoso, mailbox, 'exists');
		const unknown = m.id.slice(0, -8) + 'AAAAAAA=';
		const error = await failureOf(run(contoso, 'update', { mailbox, message: byId('={{ $json.id }}'), updateFields: { readStatus: 'read' } }, { items: [{ json: { id: m.id } }, { json: { id: unknown } }] }));
		expect(error.message).toBe(`Message: no message "${unknown}" in mailbox ${mailbox}`);
		expect(error.context?.itemIndex).toBe(1);
	});

	test('no field added: nothing to do, said so', async () => {
		const m = seed(contoso, mailbox, 'untouched');
		const error = await failureOf(update(m.id, {}));
		expect(error.message).toBe('Update Fields: Add at least one field to change [item 0]');
	});

	test('an empty Message field is refused before asking Graph', async () => {
		const error = await failureOf(run(contoso, 'update', { mailbox, message: byId(' '), updateFields: { readStatus: 'read' } }));
		expect(error.message).toMatch(/^Message: enter the ID of the message/);
	});
});
