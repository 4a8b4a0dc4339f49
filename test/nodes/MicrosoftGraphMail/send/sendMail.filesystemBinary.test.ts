/**
 * Send Mail with n8n's binary data in filesystem mode (as n8n runs by default): attachments are
 * read through the binary helpers by id, large ones as a stream, and arrive byte for byte.
 */
import 'reflect-metadata';
import { createHash, randomBytes } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Readable } from 'stream';
import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import type { IBinaryData } from 'n8n-workflow';
import { startContoso, type Contoso } from '../../../fixtures/contoso';
import { addMailbox, failureOf, send, sha256 } from './sendFixture';

let contoso: Contoso;
let folder: string;
let binaryData: BinaryDataService;

beforeAll(async () => {
	folder = mkdtempSync(join(tmpdir(), 'graph-mail-binary-'));
	// Read when BinaryDataService is first built, i.e. below: this test file's own n8n instance settings.
	process.env.N8N_USER_FOLDER = folder;
	process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
	binaryData = Container.get(BinaryDataService);
	await binaryData.init();
	contoso = await startContoso();
});
afterAll(async () => {
	await contoso?.emu.stop();
	rmSync(folder, { recursive: true, force: true });
});

/** Stores `size` random bytes as n8n would (written from a stream), returning the binary property and its hash. */
async function stored(size: number, fileName: string, mimeType = 'application/octet-stream') {
	const hash = createHash('sha256');
	let left = size;
	const source = new Readable({
		read() {
			if (left === 0) {
				this.push(null);
				return;
			}
			const chunk = randomBytes(Math.min(left, 1024 * 1024));
			left -= chunk.length;
			hash.update(chunk);
			this.push(chunk);
		},
	});
	const data = (await binaryData.store({ type: 'execution', workflowId: 'wf-test', executionId: 'test-execution' }, source, {
		mimeType,
		fileName,
		data: '',
	} as IBinaryData)) as IBinaryData;
	return { data, sha256: hash.digest('hex') };
}

test('binary data really is in filesystem mode: referenced by id, no bytes in the item', async () => {
	const { data } = await stored(10, 'probe.bin');
	expect(data.id).toMatch(/^filesystem(-v2)?:/);
	expect(data.data).not.toMatch(/^[A-Za-z0-9+/]{12,}/);
});

test('a 20 MB file (upload session, streamed) and a small one (inline in the draft) arrive byte for byte', async () => {
	const ann = addMailbox(contoso, 'ann-fs-large');
	const big = await stored(20 * 1024 * 1024 + 777, 'big.bin');
	const small = await stored(50_000, 'note.txt', 'text/plain');
	const [out] = await send(contoso, {
		parameters: { toRecipients: ann, subject: 'FS large', bodyContent: 'x', options: { attachments: 'big,small' } },
		items: [{ json: {}, binary: { big: big.data, small: small.data } }],
	});
	const [m] = contoso.emu.messages(ann, 'inbox');
	expect(sha256(m.attachments.find((a) => a.name === 'big.bin')!.contentBytes!)).toBe(big.sha256);
	expect(sha256(m.attachments.find((a) => a.name === 'note.txt')!.contentBytes!)).toBe(small.sha256);
	expect(out.json).toMatchObject({ path: 'draft', attachments: [{ name: 'big.bin', size: 20 * 1024 * 1024 + 777 }, { name: 'note.txt', size: 50_000 }] });
});

test('small files from filesystem mode go in one sendMail', async () => {
	const ann = addMailbox(contoso, 'ann-fs-small');
	const a = await stored(1_000_000, 'a.bin');
	const [out] = await send(contoso, {
		parameters: { toRecipients: ann, subject: 'FS small', bodyContent: 'x', options: { attachments: 'a' } },
		items: [{ json: {}, binary: { a: a.data } }],
	});
	expect(sha256(contoso.emu.messages(ann, 'inbox')[0].attachments[0].contentBytes!)).toBe(a.sha256);
	expect(out.json.path).toBe('inline');
});

test('a file over 150 MB is refused before any request', async () => {
	const huge = await stored(150 * 1024 * 1024 + 1, 'huge.iso');
	contoso.emu.resetStats();
	const error = await failureOf(
		send(contoso, {
			parameters: { toRecipients: 'ann@contoso.onmicrosoft.com', subject: 'too big', bodyContent: 'x', options: { attachments: 'huge' } },
			items: [{ json: {}, binary: { huge: huge.data } }],
		}),
	);
	expect(error.message).toMatch(/^Attachments: "huge.iso" \(binary property "huge"\) is 157286401 bytes \(150.0 MB\): Graph attaches files up to 157286400 bytes \(150 MB\) \[item 0\]/);
	expect(contoso.emu.stats().graphRequests).toBe(0);
});
