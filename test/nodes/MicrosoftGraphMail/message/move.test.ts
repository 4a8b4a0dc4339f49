/** Move: the mail ends up in the target folder and not in the source, with the same id; unknown folder or message names item and field. */
import { SECRET, startContoso, TENANT, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, byId, failureOf, run, seed, stored } from './messageFixture';

let contoso: Contoso;
let mailbox: string;
let processed: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'mover');
	processed = contoso.emu.createFolder(mailbox, 'inbox', 'Processed').id;
	contoso.emu.addApp(TENANT, { clientId: 'app-read-only', secrets: [SECRET], applicationPermissions: ['Mail.Read'] });
});
afterAll(async () => {
	await contoso?.emu.stop();
});

const folderPath = (value: string) => ({ __rl: true, mode: 'path', value });
const folderFromList = (value: string) => ({ __rl: true, mode: 'list', value });

test('by path: in the target folder, gone from the Inbox, same id, said so in the output', async () => {
	const m = seed(contoso, mailbox, 'Move me');
	const [out] = await run(contoso, 'move', { mailbox, message: byId(m.id), folder: folderPath('Inbox/Processed') });
	expect(out.json).toMatchObject({ id: m.id, previousId: m.id, idUnchanged: true, parentFolderId: processed, folderId: processed, folderName: 'Processed', subject: 'Move me' });
	expect(stored(contoso, mailbox, m.id, 'inbox')).toBeUndefined();
	expect(stored(contoso, mailbox, m.id, 'Inbox/Processed')).toBeDefined();
});

test('to a well-known folder from the list; many items keep input order and paired items', async () => {
	const mails = [seed(contoso, mailbox, 'A'), seed(contoso, mailbox, 'B'), seed(contoso, mailbox, 'C')];
	const out = await run(contoso, 'move', { mailbox, message: byId('={{ $json.id }}'), folder: folderFromList('archive') }, { items: mails.map((m) => ({ json: { id: m.id } })) });
	expect(out.map((i) => [i.json.id, i.pairedItem])).toEqual(mails.map((m, i) => [m.id, { item: i }]));
	for (const m of mails) expect(stored(contoso, mailbox, m.id, 'archive')).toBeDefined();
});

test('an unknown folder names the Folder field and the item; the mail stays where it was', async () => {
	const m = seed(contoso, mailbox, 'Stay');
	const error = await failureOf(run(contoso, 'move', { mailbox, message: byId(m.id), folder: folderPath('Inbox/Nowhere') }));
	expect(error.message).toBe(`Folder: no folder with path "Inbox/Nowhere" in mailbox ${mailbox}`);
	expect(error.context?.itemIndex).toBe(0);
	expect(stored(contoso, mailbox, m.id, 'inbox')).toBeDefined();
});

test('an unknown message names the Message field and the item', async () => {
	const m = seed(contoso, mailbox, 'Known');
	const unknown = m.id.slice(0, -8) + 'AAAAAAA=';
	const out = await run(contoso, 'move', { mailbox, message: byId('={{ $json.id }}'), folder: folderFromList('archive') }, { items: [{ json: { id: m.id } }, { json: { id: unknown } }], continueOnFail: true });
	expect(out[0].json.id).toBe(m.id);
	expect(out[1].json.error).toBe(`Message: no message "${unknown}" in mailbox ${mailbox}`);
});

test('needs Mail.ReadWrite: a 403 names it; the mail stays', async () => {
	const m = seed(contoso, mailbox, 'Forbidden');
	const error = await failureOf(run(contoso, 'move', { mailbox, message: byId(m.id), folder: folderFromList(processed) }, { credentials: { ...contoso.clientCredentials, clientId: 'app-read-only' } }));
	expect(error.description).toMatch(/grant Mail\.ReadWrite \(application\)/);
	expect(stored(contoso, mailbox, m.id, 'inbox')).toBeDefined();
});
