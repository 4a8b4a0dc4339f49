/** Sending: sendMail delivery, validation, permissions, drafts, attachments and upload sessions. */
import type { Emulator } from '../src';
import { ALICE, appToken, BOB, CAROL, form, graph, mail, mailbox, request, SECRET, startTenant, TENANT, userToken } from './helpers';

let emu: Emulator;
let token: string;

beforeAll(async () => {
  emu = await startTenant();
  token = await appToken(emu);
});
afterAll(() => emu.stop());

describe('sendMail', () => {
  test('202 with an empty body; to/cc/bcc inside the tenant get a copy, outside goes to outbound', async () => {
    const body = mail([BOB], 'Quarterly report', {
      ccRecipients: [{ emailAddress: { address: 'partner@fabrikam.example' } }],
      bccRecipients: [{ emailAddress: { address: CAROL } }],
      replyTo: [{ emailAddress: { address: 'noreply@contoso.onmicrosoft.com' } }],
      importance: 'High',
      isReadReceiptRequested: true,
      categories: ['Reports'],
      internetMessageHeaders: [{ name: 'x-n8n-run', value: '42' }],
      body: { contentType: 'HTML', content: '<p>See <b>attached</b></p>' },
      attachments: [{ '@odata.type': '#microsoft.graph.fileAttachment', name: 'r.csv', contentType: 'text/csv', contentBytes: Buffer.from('a,b\n1,2\n').toString('base64') }],
    });
    const r = await graph(emu, token, 'POST', `${mailbox(ALICE)}/sendMail`, body, { 'client-request-id': 'my-correlation' });
    expect(r.status).toBe(202);
    expect(r.text).toBe('');
    expect(r.headers['client-request-id']).toBe('my-correlation');
    expect(r.headers['request-id']).toMatch(/^[0-9a-f-]{36}$/);

    const [sent] = emu.messages(ALICE, 'sentitems');
    expect(sent).toMatchObject({ subject: 'Quarterly report', isDraft: false, importance: 'high', isReadReceiptRequested: true, categories: ['Reports'] });
    expect(sent.bccRecipients.map((x) => x.emailAddress.address)).toEqual([CAROL]);
    expect(sent.from!.emailAddress.address).toBe(ALICE);

    const [atBob] = emu.messages(BOB, 'inbox');
    expect(atBob.subject).toBe('Quarterly report');
    expect(atBob.bccRecipients).toEqual([]);
    expect(atBob.internetMessageHeaders).toEqual([{ name: 'x-n8n-run', value: '42' }]);
    expect(atBob.internetMessageId).toBe(sent.internetMessageId);
    expect(atBob.attachments[0].contentBytes!.toString()).toBe('a,b\n1,2\n');
    expect(atBob.replyTo[0].emailAddress.address).toBe('noreply@contoso.onmicrosoft.com');
    expect(emu.messages(CAROL, 'inbox')).toHaveLength(1);

    const out = emu.outbound().at(-1)!;
    expect(out.recipients).toEqual(['partner@fabrikam.example']);
    expect(out.sender).toBe(ALICE);
    expect(Buffer.isBuffer(out.message.attachments[0].contentBytes)).toBe(true);
  });

  test('with a delivery delay, 202 comes before the copy reaches the inbox', async () => {
    emu.setDeliveryDelay(150);
    try {
      expect((await graph(emu, token, 'POST', `${mailbox(ALICE)}/sendMail`, mail([BOB], 'Later'))).status).toBe(202);
      expect(emu.messages(BOB, 'inbox').filter((m) => m.subject === 'Later')).toHaveLength(0);
      await new Promise((r) => setTimeout(r, 250));
      expect(emu.messages(BOB, 'inbox').filter((m) => m.subject === 'Later')).toHaveLength(1);
    } finally {
      emu.setDeliveryDelay(0);
    }
  });

  test('with a delivery delay the sent message waits in Outbox, unsent, then reaches Sent Items', async () => {
    emu.setDeliveryDelay(200);
    try {
      const draft = (await graph(emu, token, 'POST', `${mailbox(ALICE)}/messages`, mail([BOB], 'Via Outbox').message)).json;
      expect((await graph(emu, token, 'POST', `${mailbox(ALICE)}/messages/${draft.id}/send`)).status).toBe(202);
      const outbox = emu.messages(ALICE, 'outbox').filter((m) => m.subject === 'Via Outbox');
      expect(outbox).toMatchObject([{ id: draft.id, isDraft: true }]);
      expect(emu.messages(ALICE, 'sentitems').filter((m) => m.subject === 'Via Outbox')).toEqual([]);
      // Submitted already: a second send is refused, as for a sent message.
      expect((await graph(emu, token, 'POST', `${mailbox(ALICE)}/messages/${draft.id}/send`)).status).toBe(404);
      await new Promise((r) => setTimeout(r, 300));
      expect(emu.messages(ALICE, 'outbox')).toEqual([]);
      expect(emu.messages(ALICE, 'sentitems').filter((m) => m.subject === 'Via Outbox')).toMatchObject([{ id: draft.id, isDraft: false }]);
      expect(emu.messages(BOB, 'inbox').filter((m) => m.subject === 'Via Outbox')).toHaveLength(1);
    } finally {
      emu.setDeliveryDelay(0);
    }
  });

  test('a message deleted from Outbox after the 202 still goes out, with no sender copy kept', async () => {
    emu.setDeliveryDelay(150);
    try {
      expect((await graph(emu, token, 'POST', `${mailbox(ALICE)}/sendMail`, mail([BOB], 'Deleted in Outbox'))).status).toBe(202);
      const [queued] = emu.messages(ALICE, 'outbox').filter((m) => m.subject === 'Deleted in Outbox');
      expect((await graph(emu, token, 'DELETE', `${mailbox(ALICE)}/messages/${queued.id}`)).status).toBe(204);
      await new Promise((r) => setTimeout(r, 250));
      expect(emu.messages(BOB, 'inbox').filter((m) => m.subject === 'Deleted in Outbox')).toHaveLength(1);
      expect(emu.messages(ALICE, 'sentitems').filter((m) => m.subject === 'Deleted in Outbox')).toEqual([]);
    } finally {
      emu.setDeliveryDelay(0);
    }
  });

  test('saveToSentItems: false keeps no copy', async () => {
    const before = emu.messages(ALICE, 'sentitems').length;
    expect((await graph(emu, token, 'POST', `${mailbox(ALICE)}/sendMail`, { ...mail([BOB], 'No copy'), saveToSentItems: false })).status).toBe(202);
    expect(emu.messages(ALICE, 'sentitems')).toHaveLength(before);
  });

  test.each([
    ['no recipient', mail([]), 'ErrorInvalidRecipients', 'At least one recipient is required, but none were found.'],
    ['an invalid address', mail(['not-an-address']), 'ErrorInvalidRecipients', "Recipient 'not-an-address' isn't resolved"],
    ['a header without x-', mail([BOB], 's', { internetMessageHeaders: [{ name: 'Priority', value: '1' }] }), 'InvalidInternetMessageHeader', "should start with 'x-' or 'X-'"],
    ['an unknown property', mail([BOB], 's', { colour: 'red' }), 'RequestBodyRead', "The property 'colour' does not exist"],
  ])('%s: 400', async (_name, body, code, message) => {
    const r = await graph(emu, token, 'POST', `${mailbox(ALICE)}/sendMail`, body);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe(code);
    expect(r.json.error.message).toContain(message);
    expect(r.json.error.innerError).toMatchObject({ 'request-id': r.headers['request-id'], 'client-request-id': r.headers['client-request-id'] });
    expect(r.json.error.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  });

  test('a request body over 4 MB: 413', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 100).toString('base64');
    const r = await graph(emu, token, 'POST', `${mailbox(ALICE)}/sendMail`, mail([BOB], 'big', { attachments: [{ '@odata.type': '#microsoft.graph.fileAttachment', name: 'big.bin', contentBytes: big }] }));
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe('RequestEntityTooLarge');
  });

  test('an unknown mailbox: 404 ErrorInvalidUser', async () => {
    const r = await graph(emu, token, 'POST', `${mailbox('ghost@contoso.onmicrosoft.com')}/sendMail`, mail([BOB]));
    expect(r.status).toBe(404);
    expect(r.json.error).toMatchObject({ code: 'ErrorInvalidUser', message: "The requested user 'ghost@contoso.onmicrosoft.com' is invalid." });
  });
});

describe('permissions', () => {
  test('an app without Mail.Send: 403 ErrorAccessDenied; Mail.Send alone cannot read', async () => {
    const readOnly = await appToken(emu, 'app-read');
    const r = await graph(emu, readOnly, 'POST', `${mailbox(ALICE)}/sendMail`, mail([BOB]));
    expect(r.status).toBe(403);
    expect(r.json.error).toMatchObject({ code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' });
    const sendOnly = await appToken(emu, 'app-send');
    expect((await graph(emu, sendOnly, 'GET', `${mailbox(ALICE)}/messages`)).status).toBe(403);
    expect((await graph(emu, sendOnly, 'POST', `${mailbox(ALICE)}/sendMail`, mail([BOB]))).status).toBe(202);
    // Any Mail.* app may read the user object (mailbox check), documented choice.
    expect((await graph(emu, sendOnly, 'GET', mailbox(ALICE))).json.userPrincipalName).toBe(ALICE);
  });

  test('delegated: /me works, another mailbox needs a .Shared scope', async () => {
    const t = await userToken(emu, ALICE);
    expect((await graph(emu, t, 'GET', '/me')).json).toMatchObject({ userPrincipalName: ALICE, mail: ALICE });
    expect((await graph(emu, t, 'POST', '/me/sendMail', mail([BOB], 'from me'))).status).toBe(202);
    const other = await graph(emu, t, 'POST', `${mailbox(BOB)}/sendMail`, mail([ALICE]));
    expect(other.status).toBe(403);
    expect((await graph(emu, await appToken(emu), 'GET', '/me')).status).toBe(400);
  });

  test('a missing, foreign or expired token: 401 InvalidAuthenticationToken', async () => {
    expect((await request(`${emu.url}/v1.0${mailbox(ALICE)}/messages`)).json.error.code).toBe('InvalidAuthenticationToken');
    expect((await graph(emu, 'a.b.c', 'GET', `${mailbox(ALICE)}/messages`)).status).toBe(401);
    // A token for another resource (here the US Government cloud's Graph) is refused.
    const foreign = await form(`${emu.url}/${TENANT}/oauth2/v2.0/token`, { grant_type: 'client_credentials', client_id: 'app-all', client_secret: SECRET.value, scope: 'https://graph.microsoft.us/.default' });
    const wrongAudience = await graph(emu, foreign.json.access_token, 'GET', `${mailbox(ALICE)}/messages`);
    expect(wrongAudience.status).toBe(401);
    expect(wrongAudience.json.error.message).toBe('Access token validation failure. Invalid audience.');
    const t = await appToken(emu);
    emu.expireTokens();
    const r = await graph(emu, t, 'GET', `${mailbox(ALICE)}/messages`);
    expect(r.status).toBe(401);
    expect(r.json.error).toMatchObject({ code: 'InvalidAuthenticationToken', message: 'Lifetime validation failed, the token is expired.' });
    token = await appToken(emu);
  });
});

describe('drafts, attachments and upload sessions', () => {
  test('create a draft, attach 5 MB through an upload session in 2 MB chunks, send it', async () => {
    const draft = await graph(emu, token, 'POST', `${mailbox(ALICE)}/messages`, mail([BOB], 'Big file').message);
    expect(draft.status).toBe(201);
    expect(draft.json).toMatchObject({ isDraft: true, subject: 'Big file' });
    const id = draft.json.id as string;

    const size = 5 * 1024 * 1024 + 123;
    const bytes = Buffer.alloc(size, 7);
    bytes.write('START', 0);
    bytes.write('END', size - 3);
    const session = await graph(emu, token, 'POST', `${mailbox(ALICE)}/messages/${encodeURIComponent(id)}/attachments/createUploadSession`, {
      AttachmentItem: { attachmentType: 'file', name: 'big.bin', size, contentType: 'application/octet-stream' },
    });
    expect(session.status).toBe(201);
    expect(session.json.nextExpectedRanges).toEqual(['0-']);
    const uploadUrl = session.json.uploadUrl as string;
    expect(uploadUrl.startsWith(emu.url)).toBe(true);

    const put = (start: number, end: number, headers: Record<string, string> = {}) =>
      request(uploadUrl, { method: 'PUT', headers: { 'content-range': `bytes ${start}-${end}/${size}`, 'content-length': String(end - start + 1), ...headers }, body: bytes.subarray(start, end + 1) });

    const chunk = 2 * 1024 * 1024;
    expect((await put(0, chunk - 1, { authorization: `Bearer ${token}` })).status).toBe(401);
    expect((await put(chunk, 2 * chunk - 1)).status).toBe(416);
    const first = await put(0, chunk - 1);
    expect(first.status).toBe(200);
    expect(first.json.nextExpectedRanges).toEqual([String(chunk)]);
    expect((await put(chunk, 2 * chunk - 1)).status).toBe(200);
    const last = await put(2 * chunk, size - 1);
    expect(last.status).toBe(201);

    const attachments = await graph(emu, token, 'GET', `${mailbox(ALICE)}/messages/${encodeURIComponent(id)}/attachments?$select=name,size`);
    expect(attachments.json.value).toEqual([expect.objectContaining({ name: 'big.bin', size })]);
    const aid = attachments.json.value[0].id;
    const raw = await graph(emu, token, 'GET', `${mailbox(ALICE)}/messages/${encodeURIComponent(id)}/attachments/${encodeURIComponent(aid)}/$value`);
    expect(raw.body.equals(bytes)).toBe(true);

    expect((await graph(emu, token, 'POST', `${mailbox(ALICE)}/messages/${encodeURIComponent(id)}/send`)).status).toBe(202);
    const delivered = emu.messages(BOB, 'inbox').find((m) => m.subject === 'Big file')!;
    expect(delivered.attachments[0].contentBytes!.equals(bytes)).toBe(true);
    expect(emu.messages(ALICE, 'drafts').find((m) => m.id === id)).toBeUndefined();
    expect(emu.messages(ALICE, 'sentitems').find((m) => m.id === id)).toBeDefined();
    // Sending again: the message is no longer a draft (though GET still finds it by its immutable id).
    const again = await graph(emu, token, 'POST', `${mailbox(ALICE)}/messages/${encodeURIComponent(id)}/send`);
    expect(again.status).toBe(404);
    expect(again.json.error).toMatchObject({ code: 'ErrorItemNotFound', message: 'The specified object was not found in the store.' });
    expect((await graph(emu, token, 'GET', `${mailbox(ALICE)}/messages/${encodeURIComponent(id)}`)).json.isDraft).toBe(false);
  });

  test('a draft marked PR_DELETE_AFTER_SUBMIT leaves no Sent Items copy', async () => {
    const draft = await graph(emu, token, 'POST', `${mailbox(ALICE)}/messages`, {
      ...mail([BOB], 'No trace').message,
      singleValueExtendedProperties: [{ id: 'Boolean 0x0E01', value: 'true' }],
    });
    expect((await graph(emu, token, 'POST', `${mailbox(ALICE)}/messages/${encodeURIComponent(draft.json.id)}/send`)).status).toBe(202);
    expect(emu.messages(ALICE).find((m) => m.subject === 'No trace')).toBeUndefined();
    expect(emu.messages(BOB, 'inbox').filter((m) => m.subject === 'No trace')).toHaveLength(1);
  });

  test('an upload chunk over 4 MB: 413', async () => {
    const draft = await graph(emu, token, 'POST', `${mailbox(ALICE)}/messages`, mail([BOB], 'Chunks').message);
    const size = 6 * 1024 * 1024;
    const s = await graph(emu, token, 'POST', `${mailbox(ALICE)}/messages/${encodeURIComponent(draft.json.id)}/attachments/createUploadSession`, { AttachmentItem: { attachmentType: 'file', name: 'x', size } });
    const r = await request(s.json.uploadUrl, { method: 'PUT', headers: { 'content-range': `bytes 0-${size - 1}/${size}` }, body: Buffer.alloc(size) });
    expect(r.status).toBe(413);
  });

  test('small attachments, item and reference attachments, PATCH and DELETE', async () => {
    const seeded = emu.seedMessage(ALICE, 'inbox', {
      subject: 'Kinds',
      attachments: [
        { name: 'logo.png', contentType: 'image/png', contentBytes: Buffer.from([1, 2, 3]), isInline: true, contentId: 'logo' },
        { kind: 'item', name: 'Forwarded', item: { subject: 'Inner', body: { contentType: 'text', content: 'inner body' } } },
        { kind: 'reference', name: 'Spec.docx', sourceUrl: 'https://contoso.sharepoint.com/spec.docx' },
      ],
    });
    const base = `${mailbox(ALICE)}/messages/${encodeURIComponent(seeded.id)}`;
    expect((await graph(emu, token, 'GET', base)).json.hasAttachments).toBe(true);
    // As in Exchange, inline attachments alone do not make hasAttachments true.
    const inlineOnly = emu.seedMessage(ALICE, 'inbox', { subject: 'Inline', attachments: [{ name: 'a.png', contentBytes: Buffer.from([1]), isInline: true }] });
    expect(inlineOnly.hasAttachments).toBe(false);
    const list = (await graph(emu, token, 'GET', `${base}/attachments`)).json.value;
    expect(list.map((a: any) => a['@odata.type'])).toEqual(['#microsoft.graph.fileAttachment', '#microsoft.graph.itemAttachment', '#microsoft.graph.referenceAttachment']);
    expect(list[0]).toMatchObject({ isInline: true, contentId: 'logo', contentBytes: 'AQID' });
    const item = await graph(emu, token, 'GET', `${base}/attachments/${encodeURIComponent(list[1].id)}?$expand=microsoft.graph.itemattachment/item`);
    expect(item.json.item.subject).toBe('Inner');

    const added = await graph(emu, token, 'POST', `${base}/attachments`, { '@odata.type': '#microsoft.graph.fileAttachment', name: 'n.txt', contentBytes: Buffer.from('hi').toString('base64') });
    expect(added.status).toBe(201);
    expect((await graph(emu, token, 'DELETE', `${base}/attachments/${encodeURIComponent(added.json.id)}`)).status).toBe(204);

    const patched = await graph(emu, token, 'PATCH', base, { isRead: true, categories: ['Done'] });
    expect(patched.json).toMatchObject({ isRead: true, categories: ['Done'] });
    expect((await graph(emu, token, 'PATCH', base, { subject: 'changed' })).json.error.code).toBe('ErrorInvalidPropertyUpdateSentMessage');
    expect((await graph(emu, token, 'DELETE', base)).status).toBe(204);
    expect(emu.messages(ALICE, 'deleteditems').map((m) => m.id)).toContain(seeded.id);
  });

  test('ids: malformed → 400 ErrorInvalidIdMalformed, unknown → 404 ErrorItemNotFound', async () => {
    expect((await graph(emu, token, 'GET', `${mailbox(ALICE)}/messages/nope`)).json.error.code).toBe('ErrorInvalidIdMalformed');
    const unknown = await graph(emu, token, 'GET', `${mailbox(ALICE)}/messages/AAMkADaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=`);
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('ErrorItemNotFound');
    expect((await graph(emu, token, 'GET', `${mailbox(ALICE)}/mailFolders/inbox2/messages`)).json.error.code).toBe('ErrorInvalidIdMalformed');
  });
});
