/**
 * Send Mail benchmark against the emulator:
 *  1. 500 mails from one mailbox with 50 ms of Graph latency and Graph's 4-per-mailbox limit on:
 *     wall time, its ratio to the ceiling (500 × 50 ms / 4), token requests, 429s absorbed.
 *  2. Peak RSS of a process sending one 100 MB attachment (n8n binary data in filesystem mode, and
 *     in default in-memory mode for comparison), measured in a child process so the emulator's own
 *     copy of the bytes is not counted.
 * Run: npx ts-node --transpile-only scripts/bench/sendMail.ts (sets NODE_EXTRA_CA_CERTS for the emulator itself)
 */
import 'reflect-metadata';
import { spawn } from 'child_process';
import { createHash, randomBytes } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { Readable } from 'stream';
import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import type { IBinaryData, IDataObject } from 'n8n-workflow';
import { ensureCertificate } from '../../emulator/src';
import type { MicrosoftGraphMail as NodeClass } from '../../nodes/MicrosoftGraphMail/MicrosoftGraphMail.node';
import { startContoso, TENANT } from '../../test/fixtures/contoso';
import { runNode } from '../../test/harness/n8nContext';

const ROOT = resolve(__dirname, '../..');
const MAILS = 500;
/** Emulated Graph latency; BENCH_LATENCY_MS=0 shows the per-request overhead alone. */
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const CONCURRENCY = 4;
const LARGE_BYTES = 100 * 1024 * 1024;
const MB = 1024 * 1024;
// By file name with extension: Node (ts-node) would otherwise pick MicrosoftGraphMail.node.json.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MicrosoftGraphMail } = require('../../nodes/MicrosoftGraphMail/MicrosoftGraphMail.node.ts') as { MicrosoftGraphMail: typeof NodeClass };

async function sendRun(credentials: IDataObject, parameters: IDataObject, items: IDataObject[]) {
	const { output } = await runNode({
		nodeType: new MicrosoftGraphMail(),
		parameters: { authentication: 'clientCredentials', operation: 'send', ...parameters },
		credentials: { microsoftGraphMailClientCredentialsApi: credentials },
		items: items as never,
	});
	return output[0];
}

/** Child process: store 100 MB as n8n would, send it, report peak RSS while sending. */
async function child(): Promise<void> {
	const { credentials, to, mode } = JSON.parse(process.env.BENCH_SEND_CHILD!) as { credentials: IDataObject; to: string; mode: 'filesystem' | 'default' };
	const hash = createHash('sha256');
	let binary: IBinaryData;
	if (mode === 'filesystem') {
		const service = Container.get(BinaryDataService);
		await service.init();
		let left = LARGE_BYTES;
		const source = new Readable({
			read() {
				if (left === 0) {
					this.push(null);
					return;
				}
				const chunk = randomBytes(Math.min(left, MB));
				left -= chunk.length;
				hash.update(chunk);
				this.push(chunk);
			},
		});
		binary = (await service.store({ type: 'execution', workflowId: 'wf-bench', executionId: 'bench' } as never, source, {
			data: '',
			mimeType: 'application/octet-stream',
			fileName: 'large.bin',
		} as IBinaryData)) as IBinaryData;
	} else {
		const bytes = randomBytes(LARGE_BYTES);
		hash.update(bytes);
		binary = { data: bytes.toString('base64'), mimeType: 'application/octet-stream', fileName: 'large.bin', bytes: LARGE_BYTES };
	}
	global.gc?.();
	const baseline = process.memoryUsage().rss;
	let peak = baseline;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
	const started = Date.now();
	const [out] = await sendRun(credentials, { toRecipients: to, subject: `large ${mode}`, bodyContent: 'x', options: { attachments: 'large' } }, [{ json: {}, binary: { large: binary } }]);
	clearInterval(sampler);
	peak = Math.max(peak, process.memoryUsage().rss);
	process.stdout.write(`\n${JSON.stringify({ baseline, peak, ms: Date.now() - started, sha256: hash.digest('hex'), path: out.json.path })}\n`);
}

function runChild(env: Record<string, string>): Promise<{ baseline: number; peak: number; ms: number; sha256: string; path: string }> {
	return new Promise((done, fail) => {
		const proc = spawn(process.execPath, ['--expose-gc', '-r', 'ts-node/register/transpile-only', __filename], {
			cwd: ROOT,
			env: { ...process.env, ...env, TS_NODE_TRANSPILE_ONLY: 'true' },
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let stdout = '';
		proc.stdout.on('data', (d) => (stdout += d));
		proc.on('exit', (code) => {
			const last = stdout.trim().split('\n').pop() ?? '';
			if (code !== 0) return fail(new Error(`bench child exited ${code}: ${last}`));
			done(JSON.parse(last));
		});
	});
}

export async function run(): Promise<Record<string, string | number>> {
	const tls = await ensureCertificate();
	const contoso = await startContoso({ latencyMs: LATENCY_MS, mailboxConcurrencyLimit: CONCURRENCY });
	const figures: Record<string, string | number> = {};
	try {
		const { emu } = contoso;
		const to = 'bench-inbox@contoso.onmicrosoft.com';
		emu.addUser(TENANT, { upn: to });
		emu.resetStats();

		const started = Date.now();
		const items = Array.from({ length: MAILS }, (_, n) => ({ json: { n } }));
		const out = await sendRun(contoso.clientCredentials, { toRecipients: to, subject: '={{ "bench " + $json.n }}', bodyContent: 'x' }, items);
		const wall = Date.now() - started;
		const stats = emu.stats();
		const arrived = new Set(emu.messages(to, 'inbox').map((m) => m.subject)).size;
		const ceiling = (MAILS * LATENCY_MS) / CONCURRENCY;
		Object.assign(figures, {
			'mails sent': out.length,
			'mails arrived (distinct)': arrived,
			'wall time (ms)': wall,
			[`ceiling ${MAILS} × ${LATENCY_MS} ms / ${CONCURRENCY} (ms)`]: ceiling,
			'wall / ceiling': ceiling ? Number((wall / ceiling).toFixed(2)) : 'n/a (no latency)',
			'mails per second': Number(((MAILS * 1000) / wall).toFixed(1)),
			'token requests': stats.tokenRequests,
			'Graph requests': stats.graphRequests,
			'429s absorbed': stats.throttled,
		});

		emu.setLatency(0);
		for (const mode of ['filesystem', 'default'] as const) {
			const userFolder = mkdtempSync(join(tmpdir(), 'graph-mail-bench-'));
			try {
				const result = await runChild({
					BENCH_SEND_CHILD: JSON.stringify({ credentials: contoso.clientCredentials, to, mode }),
					N8N_USER_FOLDER: userFolder,
					N8N_DEFAULT_BINARY_DATA_MODE: mode,
					NODE_EXTRA_CA_CERTS: tls.certPath,
				});
				const received = emu.messages(to, 'inbox').find((m) => m.subject === `large ${mode}`)?.attachments[0]?.contentBytes;
				const intact = received ? createHash('sha256').update(received).digest('hex') === result.sha256 : false;
				Object.assign(figures, {
					[`100 MB attachment, ${mode} binary mode: path`]: result.path,
					[`100 MB attachment, ${mode} binary mode: bytes intact`]: intact ? 'yes' : 'NO',
					[`100 MB attachment, ${mode} binary mode: send time (ms)`]: result.ms,
					[`100 MB attachment, ${mode} binary mode: RSS before send (MB)`]: Math.round(result.baseline / MB),
					[`100 MB attachment, ${mode} binary mode: peak RSS while sending (MB)`]: Math.round(result.peak / MB),
					[`100 MB attachment, ${mode} binary mode: peak − before (MB)`]: Math.round((result.peak - result.baseline) / MB),
				});
			} finally {
				rmSync(userFolder, { recursive: true, force: true });
			}
		}
	} finally {
		await contoso.emu.stop();
	}
	return figures;
}

if (require.main === module) {
	if (process.env.BENCH_SEND_CHILD) {
		child().then(
			() => process.exit(0),
			(error) => {
				console.error(error);
				process.exit(1);
			},
		);
	} else if (!process.env.NODE_EXTRA_CA_CERTS?.includes('emulator-tls')) {
		// Node reads extra CAs only at start-up: run again trusting the emulator's certificate.
		ensureCertificate().then(({ certPath }) => {
			const again = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename], {
				cwd: ROOT,
				env: { ...process.env, NODE_EXTRA_CA_CERTS: certPath, TS_NODE_TRANSPILE_ONLY: 'true' },
				stdio: 'inherit',
			});
			again.on('exit', (code) => process.exit(code ?? 1));
		});
	} else {
		run().then(
			(figures) => {
				for (const [name, value] of Object.entries(figures)) console.log(`${name}: ${value}`);
			},
			(error) => {
				console.error(error);
				process.exit(1);
			},
		);
	}
}
