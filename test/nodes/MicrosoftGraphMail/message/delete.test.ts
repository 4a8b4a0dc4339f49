/** Delete: to Deleted Items by default (still there), permanently on request (gone). */
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, byId, failureOf, run, seed, stored } from './messageFixture';

let contoso: Contoso;
let mailbox: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'deleter');
});
afterAll(async () => {
	await contoso?.emu.stop();
});

test('by default to Deleted Items, where it can be restored', async () => {
	const m = seed(contoso, mailbox, 'Bin me');
	const [out] = await run(contoso, 'delete', { mailbox, message: byId(m.id) });
	expect(out.json).toEqual({ id: m.id, deleted: true, permanently: false, folder: 'deleteditems' });
	expect(stored(contoso, mailbox, m.id, 'inbox')).toBeUndefined();
	expect(stored(contoso, mailbox, m.id, 'deleteditems')).toBeDefined();
});

test('permanently: gone from every folder', async () => {
	const m = seed(contoso, mailbox, 'Shred me');
	const [out] = await run(contoso, 'delete', { mailbox, message: byId(m.id), permanentDelete: true });
	expect(out.json).toEqual({ id: m.id, deleted: true, permanently: true });
	expect(stored(contoso, mailbox, m.id)).toBeUndefined();
});

test('an unknown message names the Message field and the item', async () => {
	const m = seed(contoso, mailbox, 'Twice');
	await run(contoso, 'delete', { mailbox, message: byId(m.id), permanentDelete: true });
	const error = await failureOf(run(contoso, 'delete', { mailbox, message: byId(m.id), permanentDelete: true }));
	expect(error.message).toBe(`Message: no message "${m.id}" in mailbox ${mailbox}`);
});
