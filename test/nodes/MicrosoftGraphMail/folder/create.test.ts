/** Create: a tree created through the node reads back from the mailbox; "return existing" makes a rerun safe; duplicates, unknown parents and empty names name item and field. */
import type { INodeParameters } from 'n8n-workflow';
import { SECRET, startContoso, TENANT, type Contoso } from '../../../fixtures/contoso';
import { runNode } from '../../../harness/n8nContext';
import { addMailbox, byId, byPath, failureOf, fromList, run } from './folderFixture';
import { node } from '../message/messageFixture';

let contoso: Contoso;
let mailbox: string;

beforeAll(async () => {
	contoso = await startContoso();
	mailbox = addMailbox(contoso, 'organiser');
	contoso.emu.addApp(TENANT, { clientId: 'app-read-only', secrets: [SECRET], applicationPermissions: ['Mail.Read'] });
	contoso.emu.addApp(TENANT, { clientId: 'app-ropc-own-only', secrets: [{ id: 'own-id', value: 'Own~fake-secret-VALUE' }], delegatedScopes: ['openid', 'profile', 'offline_access', 'User.Read', 'Mail.ReadWrite'] });
});

/** Signed in as Bob (password grant). */
async function runDelegated(parameters: INodeParameters, credentials: Record<string, string> = contoso.passwordCredentials) {
	const { output } = await runNode({
		nodeType: node,
		parameters: { authentication: 'password', resource: 'folder', operation: 'create', ...parameters },
		credentials: { microsoftGraphMailPasswordApi: credentials },
	});
	return output[0];
}
afterAll(async () => {
	await contoso?.emu.stop();
});

test('a tree: top level, under it by path, and a name with "/" under that; the mailbox holds it', async () => {
	const [top] = await run(contoso, 'create', { mailbox, folderName: 'Customers' });
	expect(top.json).toMatchObject({ displayName: 'Customers', existed: false, childFolderCount: 0 });
	const [child] = await run(contoso, 'create', { mailbox, folderName: 'Fabrikam', parentFolder: byPath('Customers') });
	expect(child.json.parentFolderId).toBe(top.json.id);
	const [slash] = await run(contoso, 'create', { mailbox, folderName: 'Q1/Q2 reports', parentFolder: byPath('Customers/Fabrikam') });
	const inMailbox = contoso.emu.folder(mailbox, String(slash.json.id));
	expect(inMailbox).toMatchObject({ displayName: 'Q1/Q2 reports', parentFolderId: child.json.id });
	expect(contoso.emu.folder(mailbox, 'Customers/Fabrikam')?.id).toBe(child.json.id);
});

test('under a well-known folder from the list', async () => {
	const [out] = await run(contoso, 'create', { mailbox, folderName: 'Invoices', parentFolder: fromList('inbox') });
	expect(contoso.emu.folder(mailbox, 'Inbox/Invoices')?.id).toBe(out.json.id);
});

test('"Return Existing Folder If Already There": the second run returns the same folder (any case), nothing new is created', async () => {
	const params = { mailbox, folderName: 'Rerun', parentFolder: fromList('inbox'), options: { returnExisting: true } };
	const [first] = await run(contoso, 'create', params);
	const [second] = await run(contoso, 'create', { ...params, folderName: 'rerun' });
	expect(second.json).toMatchObject({ id: first.json.id, displayName: 'Rerun', existed: true });
	expect(contoso.emu.folder(mailbox, 'Inbox/Rerun')?.id).toBe(first.json.id);
});

test('a duplicate without the option: an error naming the Name field, the parent and the item', async () => {
	contoso.emu.createFolder(mailbox, 'inbox', 'Taken');
	const out = await run(contoso, 'create', { mailbox, folderName: '={{ $json.name }}', parentFolder: fromList('inbox') }, { items: [{ json: { name: 'Free' } }, { json: { name: 'Taken' } }], continueOnFail: true });
	expect(out[0].json.displayName).toBe('Free');
	expect(out[1].json.error).toBe(`Name: a folder "Taken" already exists in "Inbox" of mailbox ${mailbox}`);
	expect(out[1].pairedItem).toEqual({ item: 1 });
});

test('an unknown parent names the Parent Folder field and the item; nothing is created', async () => {
	const error = await failureOf(run(contoso, 'create', { mailbox, folderName: 'Orphan', parentFolder: byPath('Inbox/Nowhere') }));
	expect(error.message).toBe(`Parent Folder: no folder with path "Inbox/Nowhere" in mailbox ${mailbox}`);
	expect(error.context?.itemIndex).toBe(0);
	const byUnknownId = await failureOf(run(contoso, 'create', { mailbox, folderName: 'Orphan', parentFolder: byId('AQMkADunknown') }));
	expect(byUnknownId.message).toBe(`Parent Folder: no folder with ID or name "AQMkADunknown" in mailbox ${mailbox}`);
});

test('an empty name is refused before Graph is called, naming the Name field', async () => {
	const error = await failureOf(run(contoso, 'create', { mailbox, folderName: '  ' }));
	expect(error.message).toBe('Name: enter a folder name');
	expect(error.context?.itemIndex).toBe(0);
});

test('needs Mail.ReadWrite: a 403 names it', async () => {
	const error = await failureOf(run(contoso, 'create', { mailbox, folderName: 'Forbidden' }, { credentials: { ...contoso.clientCredentials, clientId: 'app-read-only' } }));
	expect(error.description).toMatch(/grant Mail\.ReadWrite \(application\)/);
	expect(contoso.emu.folder(mailbox, 'Forbidden')).toBeUndefined();
});

test('delegated: in the own mailbox ("me") and in a shared one with Mail.ReadWrite.Shared; without it the 403 names Mail.ReadWrite.Shared', async () => {
	const [own] = await runDelegated({ mailbox: 'me', folderName: 'Bob folder' });
	expect(contoso.emu.folder('bob@contoso.onmicrosoft.com', 'Bob folder')?.id).toBe(own.json.id);
	const [shared] = await runDelegated({ mailbox: 'shared-inbox@contoso.onmicrosoft.com', folderName: 'Team folder' });
	expect(contoso.emu.folder('shared-inbox@contoso.onmicrosoft.com', 'Team folder')?.id).toBe(shared.json.id);
	const error = await failureOf(runDelegated({ mailbox: 'shared-inbox@contoso.onmicrosoft.com', folderName: 'Refused' }, { ...contoso.passwordCredentials, clientId: 'app-ropc-own-only', clientSecret: 'Own~fake-secret-VALUE' }));
	expect(error.description).toMatch(/Mail\.ReadWrite\.Shared \(delegated\)/);
	expect(contoso.emu.folder('shared-inbox@contoso.onmicrosoft.com', 'Refused')).toBeUndefined();
});
