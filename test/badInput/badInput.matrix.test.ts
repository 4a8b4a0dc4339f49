/**
 * Bad input, one row per case, across credentials, Send Mail, Get Messages and the trigger. Each row
 * checks what a user sees: a clear error naming the field, nothing sent for the bad item, and (for
 * item-level mistakes) the workflow's other items handled as usual.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { startEmulator, type Emulator } from '../../emulator/src';
import { MicrosoftGraphMail } from '../../nodes/MicrosoftGraphMail/MicrosoftGraphMail.node';
import { MicrosoftGraphMailTrigger } from '../../nodes/MicrosoftGraphMailTrigger/MicrosoftGraphMailTrigger.node';
import { SECRET, startContoso, TENANT, type Contoso } from '../fixtures/contoso';
import { pollContext, runNode } from '../harness/n8nContext';

let contoso: Contoso;
let emptyCloud: Emulator; // a second "cloud" that knows no tenant
const BOB = 'bob@contoso.onmicrosoft.com';
const READER = 'matrix-reader@contoso.onmicrosoft.com';
let messageId: string;

beforeAll(async () => {
	contoso = await startContoso();
	emptyCloud = await startEmulator();
	contoso.emu.addUser(TENANT, { upn: READER });
	messageId = contoso.emu.seedMessage(READER, 'inbox', { subject: 'matrix seed', isRead: false }).id;
});
afterAll(async () => {
	await contoso.emu.stop();
	await emptyCloud.stop();
});
afterEach(() => contoso.emu.clearFaults());

const errorText = (item: INodeExecutionData) => `${String(item.json.error ?? '')} ${String(item.json.description ?? '')}`;
const arrived = (subject: string) => contoso.emu.messages(BOB, 'inbox').filter((m) => m.subject === subject).length;

// ---------------------------------------------------------------- Send Mail, item by item
const SEND_PARAMETERS: INodeParameters = {
	authentication: 'clientCredentials',
	operation: 'send',
	mailbox: '={{ $json.mailbox }}',
	toRecipients: '={{ $json.to }}',
	ccRecipients: '={{ $json.cc }}',
	bccRecipients: '={{ $json.bcc }}',
	subject: '={{ $json.subject }}',
	bodyContentType: '={{ $json.type }}',
	bodyContent: '={{ $json.body }}',
	options: {
		replyTo: '={{ $json.replyTo }}',
		importance: '={{ $json.importance }}',
		attachments: '={{ $json.attachments }}',
		inlineImages: '={{ $json.inline }}',
		internetHeaders: { header: [{ name: '={{ $json.headerName }}', value: '={{ $json.headerValue }}' }] },
	},
};

let sendCase = 0;
/** Three items, the middle one bad: the bad one fails with `expected`, is not sent, the others are. */
async function sendRow(bad: IDataObject, expected: RegExp, binary?: INodeExecutionData['binary']) {
	const tag = `matrix send ${++sendCase}`;
	const item = (i: number, over: IDataObject = {}): INodeExecutionData => ({
		json: { mailbox: '', to: BOB, cc: '', bcc: '', subject: `${tag} #${i}`, type: 'text', body: 'hello', replyTo: '', importance: 'normal', attachments: '', inline: '', headerName: 'x-matrix', headerValue: '1', ...over },
	});
	const items = [item(0), { ...item(1, bad), binary }, item(2)];
	const { output } = await runNode({
		nodeType: new MicrosoftGraphMail(),
		parameters: SEND_PARAMETERS,
		credentials: { microsoftGraphMailClientCredentialsApi: contoso.clientCredentials },
		items,
		continueOnFail: true,
	});
	const [first, middle, last] = output[0];
	expect(errorText(middle)).toMatch(expected);
	expect(middle.pairedItem).toEqual({ item: 1 });
	expect([first.json.error, last.json.error]).toEqual([undefined, undefined]);
	expect([arrived(`${tag} #0`), arrived(`${tag} #2`)]).toEqual([1, 1]);
	const badSubject = typeof bad.subject === 'string' ? bad.subject : `${tag} #1`;
	expect(contoso.emu.messages(BOB, 'inbox').some((m) => m.subject === badSubject)).toBe(false);
}

const file = (name: string, text: string) => ({ data: Buffer.from(text).toString('base64'), fileName: name, mimeType: 'text/plain' });

describe('Send Mail: the bad item fails, nothing of it is sent, the others are', () => {
	test.each<[string, IDataObject, RegExp]>([
		['malformed address', { to: 'not-an-address' }, /To.*not-an-address/i],
		['address missing its domain', { to: 'Bob <bob@>' }, /To/],
		['CR/LF header injection in an address', { to: `${BOB}\r\nBcc: evil@fabrikam.example` }, /To/],
		['CR/LF header injection in the subject', { subject: 'Hi\r\nBcc: evil@fabrikam.example' }, /Subject.*line break|Subject/i],
		['no recipient at all', { to: '' }, /No recipient/],
		['invalid CC', { cc: 'carol@@contoso' }, /CC/],
		['invalid BCC', { bcc: 'dave' }, /BCC/],
		['invalid Reply-To', { replyTo: 'reply at contoso' }, /Reply To/i],
		['header name that is not x-', { headerName: 'Subject' }, /Internet Headers.*x-/],
		['header name with a colon', { headerName: 'x-a:b' }, /Internet Headers/],
		['CR/LF in a header value', { headerValue: 'v\r\nBcc: evil@fabrikam.example' }, /Internet Headers/],
		['importance that does not exist', { importance: 'urgent' }, /Importance.*urgent/],
		['body type that does not exist', { type: 'markdown' }, /Body Content Type.*markdown/],
		['body over Graph\'s 4 MB request limit', { body: 'x'.repeat(5 * 1024 * 1024) }, /4 MB/],
		['too many recipients', { to: Array.from({ length: 501 }, (_, i) => `r${i}@contoso.onmicrosoft.com`).join(';') }, /at most 500/],
		['missing binary property', { attachments: 'invoice' }, /Attachments.*no binary property "invoice"/],
		['second of two binary properties missing', { attachments: 'data, report' }, /no binary property "report"/],
		['inline image with a malformed content ID', { attachments: 'data', inline: 'data=bad id' }, /Inline Images/],
		['unknown mailbox (Graph 404)', { mailbox: 'ghost@contoso.onmicrosoft.com' }, /ErrorInvalidUser[\s\S]*Check the Mailbox/],
	])('%s', async (_name, bad, expected) => {
		await sendRow(bad, expected, bad.attachments ? { data: file('a.txt', 'attached') } : undefined);
	});

	test('an empty body is a valid mail, sent as such', async () => {
		const { output } = await runNode({
			nodeType: new MicrosoftGraphMail(),
			parameters: { ...SEND_PARAMETERS, bodyContent: '', options: {} },
			credentials: { microsoftGraphMailClientCredentialsApi: contoso.clientCredentials },
			items: [{ json: { mailbox: '', to: BOB, subject: 'matrix empty body', type: 'text' } }],
		});
		expect(output[0][0].json.error).toBeUndefined();
		expect(contoso.emu.messages(BOB, 'inbox').find((m) => m.subject === 'matrix empty body')?.body.content).toBe('');
	});

	test('Graph answering an HTML page to sendMail: a clear error and no copy sent', async () => {
		contoso.emu.inject({ match: { path: /sendMail$/ }, kind: 'html', times: 1 });
		const { output } = await runNode({
			nodeType: new MicrosoftGraphMail(),
			parameters: { ...SEND_PARAMETERS, options: {} },
			credentials: { microsoftGraphMailClientCredentialsApi: contoso.clientCredentials },
			items: [{ json: { mailbox: '', to: BOB, subject: 'matrix html answer', type: 'text', body: 'x' } }],
			continueOnFail: true,
		});
		expect(errorText(output[0][0])).toMatch(/HTTP 502.*text\/html/);
		expect(arrived('matrix html answer')).toBe(0);
	});
});

// ---------------------------------------------------------------- Get Messages / Get Message
async function readRow(parameters: INodeParameters, bad: IDataObject, good: IDataObject, expected: RegExp) {
	const { output } = await runNode({
		nodeType: new MicrosoftGraphMail(),
		parameters: { authentication: 'clientCredentials', mailbox: READER, ...parameters },
		credentials: { microsoftGraphMailClientCredentialsApi: contoso.clientCredentials },
		items: [{ json: good }, { json: bad }, { json: good }],
		continueOnFail: true,
	});
	const errors = output[0].filter((item) => item.json.error);
	expect(errors).toHaveLength(1);
	expect(errors[0].pairedItem).toEqual({ item: 1 });
	expect(errorText(errors[0])).toMatch(expected);
	expect(output[0].filter((item) => !item.json.error).length).toBeGreaterThanOrEqual(2);
}

const byPath = { __rl: true, mode: 'path', value: '={{ $json.folder }}' };
const getMany = { operation: 'getMany', returnAll: true, folder: byPath };

describe('Get Messages / Get Message: the bad item fails with the field named', () => {
	test.each<[string, INodeParameters, IDataObject, IDataObject, RegExp]>([
		['unknown folder path', getMany, { folder: 'Inbox/Nope' }, { folder: 'Inbox' }, /Folder.*Inbox\/Nope/],
		['unknown folder id', { ...getMany, folder: { __rl: true, mode: 'id', value: '={{ $json.folder }}' } }, { folder: 'AAMkNoSuchFolder' }, { folder: 'inbox' }, /Folder/],
		['malformed raw filter', { ...getMany, folder: 'inbox', filters: { rawFilter: '={{ $json.filter }}' } }, { filter: 'subject eq' }, { filter: 'isRead eq false' }, /Raw Filter/],
		['raw filter on an unknown property', { ...getMany, folder: 'inbox', filters: { rawFilter: '={{ $json.filter }}' } }, { filter: "colour eq 'red'" }, { filter: 'isRead eq false' }, /Raw Filter/],
		['received-after date that is not a date', { ...getMany, folder: 'inbox', filters: { receivedAfter: '={{ $json.after }}' } }, { after: 'the day before yesterday' }, { after: '2020-01-01T00:00:00Z' }, /Received After/],
		['unknown message id', { operation: 'get', messageId: '={{ $json.id }}' }, { id: 'AAMkAGI2NoSuchMessageAAA=' }, { id: '' }, /Message ID/],
		['message id with characters no id has', { operation: 'get', messageId: '={{ $json.id }}' }, { id: '../../users' }, { id: '' }, /Message ID/],
		['empty search text in search mode', { ...getMany, folder: 'inbox', searchMode: 'search', search: '={{ $json.q }}' }, { q: '' }, { q: 'matrix' }, /Search/],
	])('%s', async (_name, parameters, bad, good, expected) => {
		const fill = (json: IDataObject) => (json.id === '' ? { ...json, id: messageId } : json);
		await readRow(parameters, fill(bad), fill(good), expected);
	});

	test('Graph answering garbage to a listing: an error, not half-parsed output', async () => {
		contoso.emu.inject({ match: { path: /messages$/ }, kind: 'garbage', times: 1 });
		await expect(
			runNode({
				nodeType: new MicrosoftGraphMail(),
				parameters: { authentication: 'clientCredentials', mailbox: READER, operation: 'getMany', returnAll: true, folder: { __rl: true, mode: 'list', value: 'inbox' } },
				credentials: { microsoftGraphMailClientCredentialsApi: contoso.clientCredentials },
			}),
		).rejects.toThrow(/not JSON|not Graph's error JSON/);
	});
});

// ---------------------------------------------------------------- Acting on a mail (Reply, Forward, Move, Update, …)
describe('Message operations: the bad item fails naming the field, nothing is done for it, the others go on', () => {
	const rl = (value: string) => ({ __rl: true, mode: 'id', value });
	test.each([
		['unknown message id (Update)', 'update', { updateFields: { readStatus: 'read' } }, (id: string) => ({ id: id.slice(0, -8) + 'AAAAAAA=' }), /^Message: no message ".*" in mailbox matrix-reader/],
		['unknown folder (Move)', 'move', { folder: { __rl: true, mode: 'path', value: '={{ $json.folder }}' } }, () => ({ folder: 'Inbox/Nowhere' }), /^Folder: no folder with path "Inbox\/Nowhere"/],
		['bad flag date (Update)', 'update', { updateFields: { flagDueDate: '={{ $json.due }}' } }, () => ({ due: 'someday' }), /^Flag Due Date: "someday" is not a date.*\[item 1\]/],
		['empty recipients (Forward)', 'forward', { toRecipients: '={{ $json.to }}', comment: 'x' }, () => ({ to: '' }), /^To: Forward needs at least one recipient.*\[item 1\]/],
	])('%s', async (_name, operation, parameters, bad, expected) => {
		const ids = [0, 1, 2].map((i) => contoso.emu.seedMessage(READER, 'inbox', { subject: `matrix ${operation} ${i}` }).id);
		const good = { folder: 'archive', due: '2026-12-01', to: BOB };
		const { output } = await runNode({
			nodeType: new MicrosoftGraphMail(),
			parameters: { authentication: 'clientCredentials', resource: 'message', operation, mailbox: READER, message: rl('={{ $json.id }}'), ...parameters } as INodeParameters,
			credentials: { microsoftGraphMailClientCredentialsApi: contoso.clientCredentials },
			items: ids.map((id, i) => ({ json: { id, ...good, ...(i === 1 ? bad(id) : {}) } })),
			continueOnFail: true,
		});
		const [first, middle, last] = output[0];
		expect(String(middle.json.error)).toMatch(expected);
		expect(middle.pairedItem).toEqual({ item: 1 });
		expect([first.json.error, last.json.error]).toEqual([undefined, undefined]);
		const untouched = contoso.emu.messages(READER).find((m) => m.id === ids[1]);
		expect(untouched).toMatchObject({ isRead: false, flag: { flagStatus: 'notFlagged' } });
		expect(contoso.emu.messages(READER, 'inbox').some((m) => m.id === ids[1])).toBe(true);
	});
});

// ---------------------------------------------------------------- Trigger
describe('New Mail trigger: a bad setting fails the poll with the field named and moves no cursor', () => {
	test.each<[string, INodeParameters, RegExp]>([
		['unknown folder', { folders: ['Inbox/Nope'] }, /Folder|Inbox\/Nope/],
		['unknown mailbox', { mailbox: 'ghost@contoso.onmicrosoft.com' }, /ErrorInvalidUser|Mailbox/],
	])('%s', async (_name, parameters, expected) => {
		const staticData: IDataObject = {};
		const { poll } = pollContext({
			nodeType: new MicrosoftGraphMailTrigger(),
			parameters: { authentication: 'clientCredentials', event: 'newMail', mailbox: READER, folders: ['inbox'], ...parameters },
			credentials: { microsoftGraphMailClientCredentialsApi: contoso.clientCredentials },
			staticData,
		});
		await expect(poll()).rejects.toThrow(expected);
		expect(JSON.stringify(staticData)).not.toMatch(/deltaLink|delta/);
	});
});

// ---------------------------------------------------------------- Credentials
describe('credentials: each mistake is named, for every item, and nothing is sent', () => {
	test.each<[string, () => IDataObject, RegExp]>([
		['wrong tenant', () => ({ ...contoso.clientCredentials, tenantId: 'fabrikam-tenant' }), /AADSTS90002[\s\S]*Tenant ID/],
		['wrong cloud (the tenant lives elsewhere)', () => ({ ...contoso.clientCredentials, authorityUrl: emptyCloud.url }), /AADSTS90002[\s\S]*cloud/],
		['wrong secret', () => ({ ...contoso.clientCredentials, clientSecret: 'definitely-wrong' }), /AADSTS7000215/],
		['the secret ID pasted instead of its value', () => ({ ...contoso.clientCredentials, clientSecret: SECRET.id }), /secret VALUE/],
		['expired secret', () => ({ ...contoso.clientCredentials, clientSecret: 'Old~expired-secret-VALUE' }), /AADSTS7000222[\s\S]*expired/],
		['unknown client id', () => ({ ...contoso.clientCredentials, clientId: 'ghost-app' }), /AADSTS700016/],
		['empty client secret', () => ({ ...contoso.clientCredentials, clientSecret: '' }), /Client Secret is required/],
		['login authority over http', () => ({ ...contoso.clientCredentials, authorityUrl: contoso.emu.url.replace('https', 'http') }), /Login Authority URL must start with https/],
		['Graph URL over http', () => ({ ...contoso.clientCredentials, graphUrl: contoso.emu.url.replace('https', 'http') }), /Graph URL must start with https/],
		['Graph URL that is not a URL', () => ({ ...contoso.clientCredentials, graphUrl: 'graph dot microsoft' }), /Graph URL .* is not a URL/],
		['tenant ID with spaces', () => ({ ...contoso.clientCredentials, tenantId: 'contoso tenant' }), /Tenant ID must be a GUID or a domain/],
		['private key that is not PEM', () => ({ ...contoso.certificateCredentials, privateKey: 'MIIEvQIBADANBg' }), /Private Key must be a PEM private key/],
		['certificate that is not PEM', () => ({ ...contoso.certificateCredentials, certificate: 'not a certificate' }), /Certificate is not a valid PEM certificate/],
		['no mailbox and no default mailbox', () => ({ ...contoso.clientCredentials, defaultMailbox: '' }), /Mailbox is required/],
	])('%s', async (_name, credentials, expected) => {
		const subject = `matrix credential ${_name}`;
		const { output } = await runNode({
			nodeType: new MicrosoftGraphMail(),
			parameters: { ...SEND_PARAMETERS, options: {} },
			credentials: { microsoftGraphMailClientCredentialsApi: credentials() },
			items: [0, 1].map(() => ({ json: { mailbox: '', to: BOB, subject, type: 'text', body: 'x' } })),
			continueOnFail: true,
		}).catch((error: Error) => ({ output: [[{ json: { error: error.message, description: (error as { description?: string }).description } }]] }));
		for (const item of output[0]) expect(errorText(item)).toMatch(expected);
		expect(arrived(subject)).toBe(0);
	});

	test('ROPC for an account that must use MFA says which grant to use instead', async () => {
		const { output } = await runNode({
			nodeType: new MicrosoftGraphMail(),
			parameters: { ...SEND_PARAMETERS, authentication: 'password', options: {} },
			credentials: { microsoftGraphMailPasswordApi: { ...contoso.passwordCredentials, username: 'mfa-user@contoso.onmicrosoft.com' } },
			items: [{ json: { mailbox: '', to: BOB, subject: 'matrix mfa', type: 'text', body: 'x' } }],
			continueOnFail: true,
		});
		expect(errorText(output[0][0])).toMatch(/AADSTS50076[\s\S]*client credentials or the OAuth2/);
		expect(arrived('matrix mfa')).toBe(0);
	});
});
