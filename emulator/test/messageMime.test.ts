/**
 * GET …/messages/{id}/$value answers RFC 5322 MIME that a real mail parser (mailparser) reads back:
 * headers, encoded words, body, attachments byte for byte, inline images with their Content-ID.
 */
import type { Emulator } from '../src';
import { ALICE, appToken, BOB, graph, mailbox, startTenant } from './helpers';
import { parseMail } from './mailParser';

let emu: Emulator;
let token: string;

beforeAll(async () => {
  emu = await startTenant();
  token = await appToken(emu);
});
afterAll(() => emu.stop());

test('a message with a non-ASCII subject, HTML body, a binary attachment and an inline image', async () => {
  const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 37) % 256));
  const m = emu.seedMessage(ALICE, 'inbox', {
    subject: 'Rechnung für März — 2026 (Ünïcødé, long enough to need several encoded words)',
    from: { emailAddress: { name: 'Doe, Jöhn', address: BOB } },
    toRecipients: [{ emailAddress: { name: 'Alice', address: ALICE } }],
    ccRecipients: [{ emailAddress: { address: 'partner@fabrikam.example' } }],
    body: { contentType: 'html', content: '<p>Grüße <img src="cid:logo@acme"></p>' },
    importance: 'high',
    attachments: [
      { name: 'daten-ä.bin', contentType: 'application/octet-stream', contentBytes: bytes },
      { name: 'logo.png', contentType: 'image/png', contentBytes: Buffer.from('png-bytes'), isInline: true, contentId: 'logo@acme' },
    ],
  });
  const r = await graph(emu, token, 'GET', `${mailbox(ALICE)}/messages/${encodeURIComponent(m.id)}/$value`);
  expect(r.status).toBe(200);
  expect(r.headers['content-type']).toMatch(/^message\/rfc822/);
  expect(r.text).toMatch(/\r\n\r\n/);
  expect(r.text.split('\r\n').every((line) => line.length <= 998)).toBe(true);

  const parsed = await parseMail(r.body);
  expect(parsed.subject).toBe('Rechnung für März — 2026 (Ünïcødé, long enough to need several encoded words)');
  expect(parsed.from?.value).toEqual([{ name: 'Doe, Jöhn', address: BOB }]);
  expect(parsed.messageId).toBe(m.internetMessageId);
  expect(parsed.date?.toISOString().slice(0, 19)).toBe(m.receivedDateTime.slice(0, 19));
  expect(parsed.html).toContain('Grüße');
  const [file, image] = parsed.attachments;
  expect(file.filename).toBe('daten-ä.bin');
  expect(file.content.equals(bytes)).toBe(true);
  expect(image).toMatchObject({ filename: 'logo.png', contentType: 'image/png', contentId: '<logo@acme>' });
  expect(image.content.toString()).toBe('png-bytes');
});

test('a reply carries In-Reply-To; a text mail without attachments is a single part', async () => {
  const original = emu.seedMessage(ALICE, 'inbox', { subject: 'Plain', from: { emailAddress: { address: BOB } }, body: { contentType: 'text', content: 'line 1\nline 2' } });
  const raw = await graph(emu, token, 'GET', `${mailbox(ALICE)}/messages/${encodeURIComponent(original.id)}/$value`);
  const parsed = await parseMail(raw.body);
  expect(parsed.text?.trim()).toBe('line 1\nline 2');
  expect(parsed.attachments).toEqual([]);

  await graph(emu, token, 'POST', `${mailbox(ALICE)}/messages/${encodeURIComponent(original.id)}/reply`, { comment: 'thanks' });
  const [reply] = emu.messages(BOB, 'inbox').filter((m) => m.subject === 'RE: Plain');
  const mime = await parseMail((await graph(emu, token, 'GET', `${mailbox(BOB)}/messages/${encodeURIComponent(reply.id)}/$value`)).body);
  expect(mime.inReplyTo).toBe(original.internetMessageId);
  expect(mime.subject).toBe('RE: Plain');
});

test('unknown message: 404 ErrorItemNotFound', async () => {
  const m = emu.seedMessage(ALICE, 'inbox', { subject: 'x' });
  const r = await graph(emu, token, 'GET', `${mailbox(ALICE)}/messages/${encodeURIComponent(m.id.slice(0, -8) + 'AAAAAAA=')}/$value`);
  expect([r.status, r.json.error.code]).toEqual([404, 'ErrorItemNotFound']);
});
