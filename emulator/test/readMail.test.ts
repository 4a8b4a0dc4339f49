/** Reading: lists, $filter subset, $orderby rule, paging, $search, body preference, folders, users. */
import type { Emulator } from '../src';
import { ALICE, appToken, BOB, graph, mailbox, request, startTenant } from './helpers';

let emu: Emulator;
let token: string;
const base = mailbox(BOB);
const from = (address: string) => ({ emailAddress: { address, name: address.split('@')[0] } });

beforeAll(async () => {
  emu = await startTenant();
  token = await appToken(emu);
  emu.seedMessage(BOB, 'inbox', { subject: 'Invoice 17', from: from('billing@fabrikam.example'), receivedDateTime: '2024-03-01T10:00:00Z', importance: 'high', categories: ['Finance'], body: { contentType: 'html', content: '<p>Amount: <b>42</b></p>' } });
  emu.seedMessage(BOB, 'inbox', { subject: 'Lunch', from: from(ALICE), receivedDateTime: '2024-03-02T10:00:00Z', isRead: true });
  emu.seedMessage(BOB, 'inbox', { subject: 'Invoice 18', from: from('billing@fabrikam.example'), receivedDateTime: '2024-03-03T10:00:00Z', attachments: [{ name: 'i.pdf', contentBytes: Buffer.from('%PDF') }] });
  emu.seedMessage(BOB, 'inbox', { subject: 'Re: Lunch', from: from(ALICE), receivedDateTime: '2024-03-04T10:00:00Z', categories: ['Social', 'Finance'] });
  for (let i = 0; i < 25; i++) emu.seedMessage(BOB, 'archive', { subject: `Old ${String(i).padStart(2, '0')}`, receivedDateTime: new Date(Date.UTC(2023, 0, 1 + i)) });
});
afterAll(() => emu.stop());

const subjects = (r: { json: any }) => r.json.value.map((m: any) => m.subject);
const list = (query: string, headers?: Record<string, string>) => graph(emu, token, 'GET', `${base}/mailFolders/inbox/messages?${query}`, undefined, headers);

describe('messages', () => {
  test('newest first by default, Graph shape, internetMessageHeaders only when selected', async () => {
    const r = await list('');
    expect(subjects(r)).toEqual(['Re: Lunch', 'Invoice 18', 'Lunch', 'Invoice 17']);
    const m = r.json.value[3];
    expect(m).toMatchObject({ receivedDateTime: '2024-03-01T10:00:00Z', importance: 'high', isRead: false, isDraft: false, bodyPreview: 'Amount: 42', body: { contentType: 'html' } });
    expect(m['@odata.etag']).toMatch(/^W\/"/);
    for (const p of ['id', 'conversationId', 'parentFolderId', 'webLink', 'internetMessageId', 'sender', 'from', 'toRecipients']) expect(m).toHaveProperty(p);
    expect(m).not.toHaveProperty('internetMessageHeaders');
    const sel = await list('$select=subject,internetMessageHeaders&$top=1');
    expect(Object.keys(sel.json.value[0]).sort()).toEqual(['@odata.etag', 'id', 'internetMessageHeaders', 'subject']);
  });

  test.each([
    ["receivedDateTime ge 2024-03-02T00:00:00Z", ['Re: Lunch', 'Invoice 18', 'Lunch']],
    ['isRead eq false and hasAttachments eq true', ['Invoice 18']],
    ["importance eq 'high'", ['Invoice 17']],
    ["from/emailAddress/address eq 'BILLING@fabrikam.example'", ['Invoice 18', 'Invoice 17']],
    ["contains(subject,'lunch')", ['Re: Lunch', 'Lunch']],
    ["startswith(subject,'Invoice')", ['Invoice 18', 'Invoice 17']],
    ["categories/any(c:c eq 'Finance')", ['Re: Lunch', 'Invoice 17']],
    ["not (isRead eq true) and (importance eq 'high' or hasAttachments eq true)", ['Invoice 18', 'Invoice 17']],
    ["receivedDateTime lt 2024-03-02T10:00:00Z or subject eq 'Re: Lunch'", ['Re: Lunch', 'Invoice 17']],
  ])('$filter=%s', async (filter, expected) => {
    const r = await list(`$filter=${encodeURIComponent(filter)}`);
    expect(r.status).toBe(200);
    expect(subjects(r)).toEqual(expected);
  });

  test.each([
    ["receivedDateTime ge '2024-03-02T00:00:00Z'", 'BadRequest', "Found operand types 'Edm.DateTimeOffset' and 'Edm.String'"],
    ["colour eq 'red'", 'BadRequest', "Could not find a property named 'colour' on type 'microsoft.graph.message'."],
    ["subject eq 'x' and", 'BadRequest', 'Invalid filter clause'],
    ["tolower(subject) eq 'x'", 'ErrorInvalidUrlQueryFilter', 'The query filter contains one or more invalid nodes.'],
  ])('a bad $filter (%s): 400 %s', async (filter, code, message) => {
    const r = await list(`$filter=${encodeURIComponent(filter)}`);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe(code);
    expect(r.json.error.message).toContain(message);
  });

  test('$orderby must lead the $filter, else InefficientFilter', async () => {
    const ok = await list(`$filter=${encodeURIComponent('receivedDateTime ge 2024-01-01T00:00:00Z and isRead eq false')}&$orderby=receivedDateTime asc`);
    expect(subjects(ok)).toEqual(['Invoice 17', 'Invoice 18', 'Re: Lunch']);
    const bad = await list(`$filter=${encodeURIComponent('isRead eq false and receivedDateTime ge 2024-01-01T00:00:00Z')}&$orderby=receivedDateTime desc`);
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'InefficientFilter', message: 'The restriction or sort order is too complex for this operation.' });
    expect(subjects(await list('$orderby=subject'))).toEqual(['Invoice 17', 'Invoice 18', 'Lunch', 'Re: Lunch']);
  });

  test('paging: $top and an absolute @odata.nextLink with an opaque $skiptoken; mail arriving between pages is not repeated', async () => {
    const seen: string[] = [];
    let url: string | undefined = `${emu.url}/v1.0${base}/mailFolders/archive/messages?$top=10&$select=subject&$count=true`;
    let pages = 0;
    while (url) {
      const r = await request(url, { headers: { authorization: `Bearer ${token}` } });
      expect(r.status).toBe(200);
      if (pages === 0) {
        expect(r.json['@odata.count']).toBe(25);
        expect(r.json['@odata.nextLink']).toMatch(new RegExp(`^${emu.url.replace(/\./g, '\\.')}/v1\\.0/.*\\$skiptoken=`));
        emu.seedMessage(BOB, 'archive', { subject: 'Arrived while paging' });
      }
      seen.push(...r.json.value.map((m: any) => m.subject));
      url = r.json['@odata.nextLink'];
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(seen[0]).toBe('Old 24');
    expect((await list('$top=1001')).status).toBe(400);
    expect(subjects(await list('$top=2&$skip=1'))).toEqual(['Invoice 18', 'Lunch']);
  });

  test('$search matches subject, body and sender; it cannot be combined with $filter', async () => {
    expect(subjects(await list('$search=%22invoice%22'))).toEqual(['Invoice 18', 'Invoice 17']);
    expect(subjects(await list('$search=%22amount%22'))).toEqual(['Invoice 17']);
    expect(subjects(await list('$search=%22from:alice%22'))).toEqual(['Re: Lunch', 'Lunch']);
    const both = await list(`$search=%22x%22&$filter=${encodeURIComponent('isRead eq true')}`);
    expect(both.status).toBe(400);
    expect(both.json.error.code).toBe('SearchRequestNotSupported');
  });

  test('Prefer: outlook.body-content-type="text" converts HTML and says so', async () => {
    const r = await list(`$filter=${encodeURIComponent("subject eq 'Invoice 17'")}&$select=body`, { prefer: 'outlook.body-content-type="text"' });
    expect(r.headers['preference-applied']).toBe('outlook.body-content-type="text"');
    expect(r.json.value[0].body).toEqual({ contentType: 'text', content: 'Amount: 42' });
  });

  test('all messages of the mailbox, and one by id', async () => {
    const all = await graph(emu, token, 'GET', `${base}/messages?$top=100&$select=id`);
    expect(all.json.value.length).toBeGreaterThanOrEqual(29);
    const one = await graph(emu, token, 'GET', `${base}/messages/${encodeURIComponent(all.json.value[0].id)}?$select=subject`, undefined, { prefer: 'IdType="ImmutableId"' });
    expect(one.status).toBe(200);
    expect(one.headers['preference-applied']).toBe('IdType="ImmutableId"');
    expect(one.json).toHaveProperty('subject');
  });
});

describe('folders and users', () => {
  test('top-level folders, well-known names, child folders', async () => {
    const top = await graph(emu, token, 'GET', `${base}/mailFolders?$top=50`);
    expect(top.json.value.map((f: any) => f.displayName)).toEqual(['Archive', 'Conversation History', 'Deleted Items', 'Drafts', 'Inbox', 'Junk Email', 'Outbox', 'Sent Items']);
    const inbox = await graph(emu, token, 'GET', `${base}/mailFolders/Inbox`);
    expect(inbox.json).toMatchObject({ displayName: 'Inbox', totalItemCount: 4, unreadItemCount: 3 });
    const created = await graph(emu, token, 'POST', `${base}/mailFolders/inbox/childFolders`, { displayName: 'Invoices' });
    expect(created.status).toBe(201);
    expect((await graph(emu, token, 'POST', `${base}/mailFolders/inbox/childFolders`, { displayName: 'invoices' })).status).toBe(409);
    const children = await graph(emu, token, 'GET', `${base}/mailFolders/inbox/childFolders`);
    expect(children.json.value.map((f: any) => f.id)).toEqual([created.json.id]);
    const seeded = emu.seedMessage(BOB, 'Inbox/Invoices', { subject: 'Filed' });
    const inChild = await graph(emu, token, 'GET', `${base}/mailFolders/${encodeURIComponent(created.json.id)}/messages`);
    expect(subjects(inChild)).toEqual(['Filed']);
    const moved = await graph(emu, token, 'POST', `${base}/messages/${encodeURIComponent(seeded.id)}/move`, { destinationId: 'archive' });
    expect(moved.status).toBe(201);
    expect(moved.json.id).toBe(seeded.id);
    expect((await graph(emu, token, 'GET', `${base}/mailFolders/nosuchfolderbutlongenough00000000000000=`)).status).toBe(404);
  });

  test('users by id or UPN; an unknown user', async () => {
    const byUpn = await graph(emu, token, 'GET', mailbox(ALICE));
    expect(byUpn.json).toMatchObject({ userPrincipalName: ALICE, mail: ALICE });
    expect((await graph(emu, token, 'GET', `/users/${byUpn.json.id}`)).json.userPrincipalName).toBe(ALICE);
    const unknown = await graph(emu, token, 'GET', mailbox('nobody@contoso.onmicrosoft.com'));
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('Request_ResourceNotFound');
    const users = await graph(emu, token, 'GET', `/users?$filter=${encodeURIComponent("startswith(userPrincipalName,'b')")}`);
    expect(users.json.value.map((u: any) => u.userPrincipalName)).toEqual([BOB]);
  });
});
