/** What the trigger emits: output shapes, attachments into binary, mark as read, several folders. */
import type { IBinaryData } from 'n8n-workflow';
import { startContoso, type Contoso } from '../../fixtures/contoso';
import { addMailbox, subjects, Trigger } from './triggerFixture';

let contoso: Contoso;
beforeAll(async () => {
	contoso = await startContoso();
});
afterAll(async () => {
	await contoso?.emu.stop();
});
afterEach(() => contoso.emu.clearFaults());


test('simplified output has the shared flat keys', async () => {
	const mailbox = addMailbox(contoso, 'out-simplified');
	const trigger = new Trigger(contoso, { mailbox, output: 'simplified' });
	await trigger.poll();
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'Hello', toRecipients: [{ emailAddress: { address: mailbox } }], importance: 'high' });
	const [item] = await trigger.poll();
	expect(Object.keys(item.json).sort()).toEqual(
		['id', 'subject', 'fromName', 'fromAddress', 'to', 'cc', 'receivedDateTime', 'bodyPreview', 'hasAttachments', 'isRead', 'importance', 'webLink', 'conversationId'].sort(),
	);
	expect(item.json).toMatchObject({ subject: 'Hello', to: [mailbox], importance: 'high' });
});

test('raw output is Graph\'s message; selected fields are only those asked for (plus id)', async () => {
	const mailbox = addMailbox(contoso, 'out-raw-fields');
	const raw = new Trigger(contoso, { mailbox, output: 'raw' });
	const fields = new Trigger(contoso, { mailbox, output: 'fields', fields: ['subject', 'body'] });
	await raw.poll();
	await fields.poll();
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'Body inside', body: { contentType: 'text', content: 'the body' } });
	const [rawItem] = await raw.poll();
	expect(rawItem.json).toMatchObject({ subject: 'Body inside', body: { content: 'the body' }, from: { emailAddress: { address: 'sender@fabrikam.example' } } });
	expect(rawItem.json.parentFolderId).toBeDefined();
	const [fieldsItem] = await fields.poll();
	expect(Object.keys(fieldsItem.json).sort()).toEqual(['body', 'id', 'subject']);
});

test('changing the output after activation keeps the position: nothing lost, nothing repeated', async () => {
	const mailbox = addMailbox(contoso, 'out-change');
	const trigger = new Trigger(contoso, { mailbox, output: 'simplified' });
	await trigger.poll();
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'before the change' });
	expect(subjects(await trigger.poll())).toEqual(['before the change']);
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'after the change' });
	const changed = new Trigger(contoso, { mailbox, output: 'fields', fields: ['subject', 'importance'] });
	changed.staticData = trigger.staticData;
	const out = await changed.poll();
	expect(out.map((i) => i.json)).toEqual([{ id: expect.any(String), subject: 'after the change', importance: 'normal' }]);
});

test('attachments arrive in binary, byte for byte; mark as read marks emitted mail read in the mailbox with the next poll', async () => {
	const mailbox = addMailbox(contoso, 'out-attachments');
	const trigger = new Trigger(contoso, { mailbox, options: { downloadAttachments: true, attachmentPrefix: 'file_', markAsRead: true } });
	await trigger.poll();
	const pdf = Buffer.from('%PDF-1.4 fake invoice bytes');
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'With file', attachments: [{ name: 'invoice.pdf', contentType: 'application/pdf', contentBytes: pdf }] });
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'Without file' });
	const out = await trigger.poll();
	expect(subjects(out)).toEqual(['With file', 'Without file']);
	const binary = out[0].binary!.file_0 as IBinaryData;
	expect(Buffer.from(binary.data, 'base64').equals(pdf)).toBe(true);
	expect(binary).toMatchObject({ fileName: 'invoice.pdf', mimeType: 'application/pdf' });
	expect(out[1].binary).toBeUndefined();
	// Handed to n8n, not yet read: the next poll knows the emission happened (n8n stored the cursor with it).
	expect(contoso.emu.messages(mailbox, 'inbox').map((m) => m.isRead)).toEqual([false, false]);
	// Being marked read is an update, not new mail.
	expect(await trigger.poll()).toEqual([]);
	expect(contoso.emu.messages(mailbox, 'inbox').map((m) => [m.subject, m.isRead])).toEqual([
		['With file', true],
		['Without file', true],
	]);
});

test('mark as read failing does not fail the poll or repeat the mail', async () => {
	const mailbox = addMailbox(contoso, 'out-mark-fails');
	const trigger = new Trigger(contoso, { mailbox, filters: { unreadOnly: true }, options: { markAsRead: true } });
	await trigger.poll();
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'stays unread' });
	expect(subjects(await trigger.poll())).toEqual(['stays unread']);
	contoso.emu.inject({ match: { method: 'PATCH' }, kind: 'status', status: 403, times: 1 });
	expect(await trigger.poll()).toEqual([]);
	expect(contoso.emu.messages(mailbox, 'inbox')[0].isRead).toBe(false);
	expect(await trigger.poll()).toEqual([]);
	expect(contoso.emu.stats().log.filter((e) => e.method === 'PATCH' && e.path.includes('out-mark-fails')).map((e) => e.status)).toEqual([403]);
});

test('several folders (well-known name, path, id): each mail once, in arrival order per folder', async () => {
	const mailbox = addMailbox(contoso, 'out-folders');
	const invoices = contoso.emu.createFolder(mailbox, 'inbox', 'Invoices');
	const projects = contoso.emu.createFolder(mailbox, 'msgfolderroot', 'Projects');
	const trigger = new Trigger(contoso, { mailbox, folders: ['inbox', 'Inbox/Invoices', projects.id], options: { maxMailsPerPoll: 5 } });
	await trigger.poll();
	for (let i = 0; i < 4; i++) {
		contoso.emu.seedMessage(mailbox, 'inbox', { subject: `inbox ${i}` });
		contoso.emu.seedMessage(mailbox, invoices.id, { subject: `invoices ${i}` });
		contoso.emu.seedMessage(mailbox, projects.id, { subject: `projects ${i}` });
	}
	contoso.emu.seedMessage(mailbox, 'sentitems', { subject: 'not watched' });
	const all: string[] = [];
	for (let i = 0; i < 5; i++) all.push(...subjects(await trigger.poll()));
	expect(all).toHaveLength(12);
	for (const name of ['inbox', 'invoices', 'projects']) expect(all.filter((s) => s.startsWith(name))).toEqual([0, 1, 2, 3].map((i) => `${name} ${i}`));
	// Idle: one request per folder, the path looked up once only.
	contoso.emu.resetStats();
	await trigger.poll();
	expect(contoso.emu.stats().graphRequests).toBe(3);
});

test('folders given as an expression: an array or a comma-separated list of names and ids', async () => {
	const mailbox = addMailbox(contoso, 'out-folder-expression');
	const archive = contoso.emu.createFolder(mailbox, 'msgfolderroot', 'Kept');
	const trigger = new Trigger(contoso, { mailbox, folders: `={{ "Inbox, ${archive.id}" }}` });
	await trigger.poll();
	contoso.emu.seedMessage(mailbox, archive.id, { subject: 'kept' });
	contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'inbox' });
	expect(subjects(await trigger.poll()).sort()).toEqual(['inbox', 'kept']);
	const asArray = new Trigger(contoso, { mailbox, folders: '={{ ["Sent Items"] }}' });
	await asArray.poll();
	contoso.emu.seedMessage(mailbox, 'sentitems', { subject: 'sent' });
	expect(subjects(await asArray.poll())).toEqual(['sent']);
});
