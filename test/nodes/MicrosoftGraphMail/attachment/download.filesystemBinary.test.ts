/** Download with n8n's binary data in filesystem mode (n8n's default): a 40 MB attachment lands in the store byte for byte. */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { executeContext } from '../../../harness/n8nContext';
import { node } from '../message/messageFixture';
import { addMailbox, byId, randomFile, run, seed, sha256 } from './attachmentFixture';

let contoso: Contoso;
let folder: string;

beforeAll(async () => {
	folder = mkdtempSync(join(tmpdir(), 'graph-mail-download-'));
	process.env.N8N_USER_FOLDER = folder;
	process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
	await Container.get(BinaryDataService).init();
	contoso = await startContoso();
});
afterAll(async () => {
	await contoso?.emu.stop();
	rmSync(folder, { recursive: true, force: true });
});

test('a 40 MB file attachment is stored by id and reads back identical (sha256)', async () => {
	const mailbox = addMailbox(contoso, 'archive');
	const file = randomFile(40 * 1024 * 1024);
	const m = seed(contoso, mailbox, 'Big scan', { attachments: [{ name: 'scan.tiff', contentType: 'image/tiff', contentBytes: file }] });
	const [out] = await run(contoso, 'download', { mailbox, message: byId(m.id) });
	const binary = out.binary!.data;
	expect(binary.id).toMatch(/^filesystem/);
	expect(binary).toMatchObject({ fileName: 'scan.tiff', mimeType: 'image/tiff' });
	const { context } = executeContext({ nodeType: node, parameters: {} });
	const bytes = await context.helpers.binaryToBuffer(await context.helpers.getBinaryStream(binary.id!));
	expect(sha256(bytes)).toBe(sha256(file));
});
