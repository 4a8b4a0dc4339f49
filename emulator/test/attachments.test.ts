/** Attachments endpoints: Graph's shapes, $select on the base type only, 404 for unknown ids, 413 above 3 MB, Mail.Read vs Mail.ReadWrite. */
import type { Emulator } from '../src';
import { appToken, BOB, graph, mailbox, startTenant } from './helpers';

let emu: Emulator;
let token: string;
let messageId: string;
const base = mailbox(BOB);
const attachmentsOf = () => `${base}/messages/${encodeURIComponent(messageId)}/attachments`;

beforeAll(async () => {
  emu = await startTenant();
  token = await appToken(emu);
  messageId = emu.seedMessage(BOB, 'drafts', {
    subject: 'With files',
    isDraft: true,
    attachments: [
      { name: 'a.pdf', contentType: 'application/pdf', contentBytes: Buffer.from('%PDF-1.4') },
      { name: 'logo.png', contentType: 'image/png', contentBytes: Buffer.from('png'), isInline: true, contentId: 'logo@x' },
    ],
  }).id;
});
afterAll(() => emu.stop());

test('list and get with $select on the base type; derived-type fields refused as Graph does', async () => {
  const list = await graph(emu, token, 'GET', `${attachmentsOf()}?$select=id,name,contentType,size,isInline,lastModifiedDateTime`);
  expect(list.status).toBe(200);
  expect(list.json.value[1]).toEqual({ '@odata.type': '#microsoft.graph.fileAttachment', '@odata.mediaContentType': 'image/png', id: expect.any(String), name: 'logo.png', contentType: 'image/png', size: 3, isInline: true, lastModifiedDateTime: expect.any(String) });
  const refused = await graph(emu, token, 'GET', `${attachmentsOf()}?$select=id,contentId`);
  expect(refused.status).toBe(400);
  expect(refused.json.error).toMatchObject({ code: 'RequestBroker--ParseUri', message: "Could not find a property named 'contentId' on type 'microsoft.graph.attachment'." });
  const one = await graph(emu, token, 'GET', `${attachmentsOf()}/${encodeURIComponent(list.json.value[1].id)}`);
  expect(one.json).toMatchObject({ contentId: 'logo@x', contentBytes: Buffer.from('png').toString('base64') });
});

test('an unknown attachment id answers 404 ErrorItemNotFound for get, $value and delete', async () => {
  const known = (await graph(emu, token, 'GET', attachmentsOf())).json.value[0].id as string;
  const unknown = encodeURIComponent(known.slice(0, -8) + 'AAAAAAA=');
  for (const [method, suffix] of [['GET', ''], ['GET', '/$value'], ['DELETE', '']]) {
    const r = await graph(emu, token, method, `${attachmentsOf()}/${unknown}${suffix}`);
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe('ErrorItemNotFound');
  }
});

test('POST …/attachments: up to 3 MB added (201), above answers 413; delete removes it', async () => {
  const small = await graph(emu, token, 'POST', attachmentsOf(), { '@odata.type': '#microsoft.graph.fileAttachment', name: 's.bin', contentBytes: Buffer.alloc(1000, 1).toString('base64') });
  expect(small.status).toBe(201);
  expect(small.json).toMatchObject({ name: 's.bin', size: 1000 });
  const big = await graph(emu, token, 'POST', attachmentsOf(), { '@odata.type': '#microsoft.graph.fileAttachment', name: 'b.bin', contentBytes: Buffer.alloc(3 * 1024 * 1024 + 1, 1).toString('base64') });
  expect(big.status).toBe(413);
  expect(emu.messages(BOB, 'drafts').find((m) => m.id === messageId)!.attachments.map((a) => a.name)).toEqual(['a.pdf', 'logo.png', 's.bin']);
  expect((await graph(emu, token, 'DELETE', `${attachmentsOf()}/${encodeURIComponent(small.json.id)}`)).status).toBe(204);
  expect(emu.messages(BOB, 'drafts').find((m) => m.id === messageId)!.attachments.map((a) => a.name)).toEqual(['a.pdf', 'logo.png']);
});

test('Mail.Read reads attachments but cannot add or delete (403)', async () => {
  const readOnly = await appToken(emu, 'app-read');
  const list = await graph(emu, readOnly, 'GET', attachmentsOf());
  expect(list.status).toBe(200);
  expect((await graph(emu, readOnly, 'POST', attachmentsOf(), { '@odata.type': '#microsoft.graph.fileAttachment', name: 'x', contentBytes: 'eA==' })).status).toBe(403);
  expect((await graph(emu, readOnly, 'DELETE', `${attachmentsOf()}/${encodeURIComponent(list.json.value[0].id)}`)).status).toBe(403);
});
