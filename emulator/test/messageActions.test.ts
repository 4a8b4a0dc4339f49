/** Acting on mail: reply / reply all / forward and their drafts, PATCH of flags and categories, move, copy, delete, permanentDelete, master categories. */
import type { Emulator } from '../src';
import { ALICE, appToken, BOB, CAROL, graph, mailbox, startTenant, TENANT } from './helpers';

let emu: Emulator;
let token: string;
let sendOnly: string;

beforeAll(async () => {
  emu = await startTenant();
  emu.addApp(TENANT, { clientId: 'app-settings', secrets: [{ id: 's', value: 'settings~secret' }], applicationPermissions: ['MailboxSettings.Read'] });
  token = await appToken(emu);
  sendOnly = await appToken(emu, 'app-send');
});
afterAll(() => emu.stop());

const seed = (subject: string, extra: Record<string, unknown> = {}) =>
  emu.seedMessage(ALICE, 'inbox', {
    subject,
    from: { emailAddress: { name: 'Bob', address: BOB } },
    toRecipients: [{ emailAddress: { address: ALICE } }, { emailAddress: { address: CAROL } }],
    ccRecipients: [{ emailAddress: { address: 'partner@fabrikam.example' } }],
    body: { contentType: 'html', content: '<html><body><p>Original words</p></body></html>' },
    ...extra,
  });

describe('reply, reply all, forward', () => {
  test('reply: 202, the sender gets RE: with the comment and the quoted original, Alice keeps a copy in Sent Items', async () => {
    const original = seed('Question');
    const r = await graph(emu, token, 'POST', `${mailbox(ALICE)}/messages/${encodeURIComponent(original.id)}/reply`, { comment: '<b>Answer</b>' });
    expect(r.status).toBe(202);
    const [atBob] = emu.messages(BOB, 'inbox').filter((m) => m.subject === 'RE: Question');
    expect(atBob.body.content).toContain('<b>Answer</b>');
    expect(atBob.body.content).toContain('Original words');
    expect(atBob.toRecipients.map((x) => x.emailAddress.address)).toEqual([BOB]);
    expect(atBob.inReplyTo).toBe(original.internetMessageId);
    expect(emu.messages(ALICE, 'sentitems').some((m) => m.subject === 'RE: Question' && m.conversationId === original.conversationId)).toBe(true);
  });

  test('reply all: the sender and the other recipients, not the mailbox itself', async () => {
    const original = seed('Everyone');
    expect((await graph(emu, token, 'POST', `${mailbox(ALICE)}/messages/${encodeURIComponent(original.id)}/replyAll`, { comment: 'ok' })).status).toBe(202);
    const [sent] = emu.messages(ALICE, 'sentitems').filter((m) => m.subject === 'RE: Everyone');
    expect(sent.toRecipients.map((x) => x.emailAddress.address)).toEqual([BOB, CAROL]);
    expect(sent.ccRecipients.map((x) => x.emailAddress.address)).toEqual(['partner@fabrikam.example']);
    expect(emu.messages(CAROL, 'inbox').some((m) => m.subject === 'RE: Everyone')).toBe(true);
  });

  test('forward needs recipients (400 ErrorInvalidRecipients) and carries the attachments', async () => {
    const original = seed('Invoice', { attachments: [{ name: 'inv.pdf', contentType: 'application/pdf', contentBytes: Buffer.from('%PDF-1.4 bytes') }] });
    const url = `${mailbox(ALICE)}/messages/${encodeURIComponent(original.id)}/forward`;
    const none = await graph(emu, token, 'POST', url, { comment: 'fyi' });
    expect([none.status, none.json.error.code]).toEqual([400, 'ErrorInvalidRecipients']);
    expect((await graph(emu, token, 'POST', url, { comment: 'fyi', toRecipients: [{ emailAddress: { address: CAROL } }] })).status).toBe(202);
    const [atCarol] = emu.messages(CAROL, 'inbox').filter((m) => m.subject === 'FW: Invoice');
    expect(atCarol.attachments[0].contentBytes!.toString()).toBe('%PDF-1.4 bytes');
    expect(atCarol.body.content).toContain('Original words');
  });

  test('comment and message.body together: 400', async () => {
    const original = seed('Both');
    const r = await graph(emu, token, 'POST', `${mailbox(ALICE)}/messages/${encodeURIComponent(original.id)}/reply`, { comment: 'a', message: { body: { contentType: 'text', content: 'b' } } });
    expect(r.status).toBe(400);
  });

  test('createReply: 201 draft in Drafts with the computed recipients; send delivers it', async () => {
    const original = seed('Draft me');
    const r = await graph(emu, token, 'POST', `${mailbox(ALICE)}/messages/${encodeURIComponent(original.id)}/createReply`, { comment: 'Later' });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ isDraft: true, subject: 'RE: Draft me', parentFolderId: emu.messages(ALICE, 'drafts')[0]?.folderId });
    expect(r.json.toRecipients.map((x: any) => x.emailAddress.address)).toEqual([BOB]);
    expect((await graph(emu, token, 'POST', `${mailbox(ALICE)}/messages/${encodeURIComponent(r.json.id)}/send`)).status).toBe(202);
    expect(emu.messages(BOB, 'inbox').some((m) => m.subject === 'RE: Draft me')).toBe(true);
  });

  test('reply needs Mail.Send; createReply needs Mail.ReadWrite', async () => {
    const original = seed('Perms');
    const readOnly = await appToken(emu, 'app-read');
    const url = `${mailbox(ALICE)}/messages/${encodeURIComponent(original.id)}`;
    expect((await graph(emu, readOnly, 'POST', `${url}/reply`, { comment: 'x' })).status).toBe(403);
    expect((await graph(emu, sendOnly, 'POST', `${url}/createReply`, { comment: 'x' })).status).toBe(403);
  });

  test('an unknown message: 404 ErrorItemNotFound', async () => {
    const original = seed('Gone');
    const unknown = original.id.slice(0, -8) + 'AAAAAAA=';
    const r = await graph(emu, token, 'POST', `${mailbox(ALICE)}/messages/${encodeURIComponent(unknown)}/reply`, { comment: 'x' });
    expect([r.status, r.json.error.code]).toEqual([404, 'ErrorItemNotFound']);
  });
});

describe('PATCH', () => {
  const patch = (id: string, body: unknown) => graph(emu, token, 'PATCH', `${mailbox(ALICE)}/messages/${encodeURIComponent(id)}`, body);

  test('isRead, flag with dates, categories, importance, inferenceClassification read back as set', async () => {
    const m = seed('Flag me');
    const flag = { flagStatus: 'flagged', startDateTime: { dateTime: '2026-12-01T09:00:00', timeZone: 'Europe/Berlin' }, dueDateTime: { dateTime: '2026-12-03T17:00:00', timeZone: 'Europe/Berlin' } };
    const r = await patch(m.id, { isRead: true, flag, categories: ['Red category', 'Customers'], importance: 'high', inferenceClassification: 'other' });
    expect(r.status).toBe(200);
    const got = (await graph(emu, token, 'GET', `${mailbox(ALICE)}/messages/${encodeURIComponent(m.id)}`)).json;
    expect(got).toMatchObject({ isRead: true, categories: ['Red category', 'Customers'], importance: 'high', inferenceClassification: 'other' });
    expect(got.flag).toEqual({
      flagStatus: 'flagged',
      startDateTime: { dateTime: '2026-12-01T09:00:00.0000000', timeZone: 'Europe/Berlin' },
      dueDateTime: { dateTime: '2026-12-03T17:00:00.0000000', timeZone: 'Europe/Berlin' },
    });
    const done = await patch(m.id, { flag: { flagStatus: 'complete' } });
    expect(done.json.flag.flagStatus).toBe('complete');
    expect(done.json.flag.completedDateTime.timeZone).toBe('UTC');
  });

  test('a bad flag date, an unknown zone, a due date without start or before it: 400, message unchanged', async () => {
    const m = seed('Bad flag');
    for (const flag of [
      { flagStatus: 'flagged', startDateTime: { dateTime: 'tomorrow', timeZone: 'UTC' } },
      { flagStatus: 'flagged', startDateTime: { dateTime: '2026-02-30T25:00:00', timeZone: 'UTC' } },
      { flagStatus: 'flagged', startDateTime: { dateTime: '2026-12-01T09:00:00', timeZone: 'Mars/Olympus' } },
      { flagStatus: 'flagged', dueDateTime: { dateTime: '2026-12-01T09:00:00', timeZone: 'UTC' } },
      { flagStatus: 'flagged', startDateTime: { dateTime: '2026-12-02T09:00:00', timeZone: 'UTC' }, dueDateTime: { dateTime: '2026-12-01T09:00:00', timeZone: 'UTC' } },
      { flagStatus: 'maybe' },
    ]) {
      const r = await patch(m.id, { isRead: true, flag });
      expect(r.status).toBe(400);
    }
    expect(emu.messages(ALICE, 'inbox').find((x) => x.id === m.id)).toMatchObject({ isRead: false, flag: { flagStatus: 'notFlagged' } });
  });
});

describe('move, copy, delete, permanentDelete', () => {
  test('move keeps the id; copy has a new one; unknown destination 404', async () => {
    const m = seed('Move me');
    const target = emu.createFolder(ALICE, 'inbox', 'Processed');
    const moved = await graph(emu, token, 'POST', `${mailbox(ALICE)}/messages/${encodeURIComponent(m.id)}/move`, { destinationId: target.id });
    expect([moved.status, moved.json.id, moved.json.parentFolderId]).toEqual([201, m.id, target.id]);
    expect(emu.messages(ALICE, 'inbox').some((x) => x.id === m.id)).toBe(false);
    const copy = await graph(emu, token, 'POST', `${mailbox(ALICE)}/messages/${encodeURIComponent(m.id)}/copy`, { destinationId: 'archive' });
    expect(copy.status).toBe(201);
    expect(copy.json.id).not.toBe(m.id);
    const bad = await graph(emu, token, 'POST', `${mailbox(ALICE)}/messages/${encodeURIComponent(m.id)}/move`, { destinationId: target.id.slice(0, -8) + 'AAAAAAA=' });
    expect([bad.status, bad.json.error.code]).toEqual([404, 'ErrorItemNotFound']);
  });

  test('DELETE moves to Deleted Items; permanentDelete removes it (204), then 404', async () => {
    const m = seed('Delete me');
    const url = `${mailbox(ALICE)}/messages/${encodeURIComponent(m.id)}`;
    expect((await graph(emu, token, 'DELETE', url)).status).toBe(204);
    expect(emu.messages(ALICE, 'deleteditems').some((x) => x.id === m.id)).toBe(true);
    expect((await graph(emu, token, 'POST', `${url}/permanentDelete`)).status).toBe(204);
    expect(emu.messages(ALICE).some((x) => x.id === m.id)).toBe(false);
    expect((await graph(emu, token, 'POST', `${url}/permanentDelete`)).status).toBe(404);
  });
});

describe('master categories', () => {
  test("a new mailbox has Outlook's six; needs MailboxSettings.Read", async () => {
    const r = await graph(emu, await appToken(emu, 'app-settings', 'settings~secret'), 'GET', `${mailbox(ALICE)}/outlook/masterCategories`);
    expect(r.status).toBe(200);
    expect(r.json.value.map((c: any) => c.displayName)).toEqual(['Red category', 'Orange category', 'Yellow category', 'Green category', 'Blue category', 'Purple category']);
    expect(r.json.value[0]).toMatchObject({ id: expect.any(String), color: 'preset0' });
    expect((await graph(emu, token, 'GET', `${mailbox(ALICE)}/outlook/masterCategories`)).status).toBe(403);
  });
});
