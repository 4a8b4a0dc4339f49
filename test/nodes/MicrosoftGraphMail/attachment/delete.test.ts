/** Delete: the attachment is gone from the mailbox, the others stay. */
import { SECRET, startContoso, TENANT, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, byId, failureOf, randomFile, run, seed, stored } from './attachmentFixture';

let contoso: Contoso;
let mailbox: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'cleaner');
	contoso.emu.addApp(TENANT, { clientId: 'app-read-only', secrets: [SECRET], applicationPermissions: ['Mail.Read'] });
});
afterAll(async () => {
	await contoso?.emu.stop();
});

test('removes exactly that attachment', async () => {
	const m = seed(contoso, mailbox, 'Two', { attachments: [{ name: 'keep.txt', contentBytes: randomFile(5) }, { name: 'drop.txt', contentBytes: randomFile(5) }] });
	const drop = stored(contoso, mailbox, m.id)!.attachments[1];
	const [out] = await run(contoso, 'delete', { mailbox, message: byId(m.id), attachmentId: drop.id });
	expect(out.json).toEqual({ messageId: m.id, attachmentId: drop.id, deleted: true });
	expect(stored(contoso, mailbox, m.id)!.attachments.map((a) => a.name)).toEqual(['keep.txt']);
	// A second delete finds nothing, and says which field.
	const error = await failureOf(run(contoso, 'delete', { mailbox, message: byId(m.id), attachmentId: drop.id }));
	expect(error.message).toBe(`Attachment ID: no attachment "${drop.id}" on message "${m.id}" in mailbox ${mailbox} [item 0]`);
});

test('needs Mail.ReadWrite: a 403 names it; the attachment stays', async () => {
	const m = seed(contoso, mailbox, 'Forbidden', { attachments: [{ name: 'stay.txt', contentBytes: randomFile(5) }] });
	const [a] = stored(contoso, mailbox, m.id)!.attachments;
	const error = await failureOf(run(contoso, 'delete', { mailbox, message: byId(m.id), attachmentId: a.id }, { credentials: { ...contoso.clientCredentials, clientId: 'app-read-only' } }));
	expect(error.description).toMatch(/grant Mail\.ReadWrite \(application\)/);
	expect(stored(contoso, mailbox, m.id)!.attachments.map((x) => x.name)).toEqual(['stay.txt']);
});
