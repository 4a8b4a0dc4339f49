/**
 * Get Messages, Return All over 10,000 mails with 50 ms of latency per Graph request: requests made,
 * wall time, and the node's peak memory next to the size of its own output.
 *
 * The emulator runs in this process; the node runs in a child process so that its memory figures are
 * its own (not the emulator's 10,000 stored mails).
 *
 *   npx ts-node --transpile-only scripts/bench/getMessages.ts
 */
import { spawn } from 'child_process';
import * as path from 'path';
import type { INodeType } from 'n8n-workflow';
import { startContoso } from '../../test/fixtures/contoso';
import { runNode } from '../../test/harness/n8nContext';

const MESSAGES = 10_000;
const LATENCY_MS = 50;
const MAILBOX = 'bench-reader@contoso.onmicrosoft.com';

interface ChildConfig {
	credentials: Record<string, string>;
	output: 'simplified' | 'raw';
}

interface ChildResult {
	items: number;
	wallMs: number;
	rssBeforeMb: number;
	peakRssMb: number;
	heapBeforeMb: number;
	peakHeapMb: number;
	outputMb: number;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** In the child: run the node once to warm up (imports, token), then measure the real run. */
async function child(config: ChildConfig): Promise<ChildResult> {
	// Under plain Node resolution `…/MicrosoftGraphMail.node` finds the codex file `.node.json` first: name the .ts.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { MicrosoftGraphMail } = require('../../nodes/MicrosoftGraphMail/MicrosoftGraphMail.node.ts') as { MicrosoftGraphMail: new () => INodeType };
	const nodeType = new MicrosoftGraphMail();
	const runOnce = (parameters: Record<string, unknown>) =>
		runNode({
			nodeType,
			parameters: { authentication: 'clientCredentials', operation: 'getMany', mailbox: MAILBOX, folder: { __rl: true, mode: 'list', value: 'inbox' }, ...parameters } as never,
			credentials: { microsoftGraphMailClientCredentialsApi: config.credentials },
		});
	await runOnce({ returnAll: false, limit: 1, output: config.output });
	global.gc?.();
	const rssBefore = process.memoryUsage.rss();
	const heapBefore = process.memoryUsage().heapUsed;
	let peak = rssBefore;
	let peakHeap = heapBefore;
	const sample = () => {
		const m = process.memoryUsage();
		peak = Math.max(peak, m.rss);
		peakHeap = Math.max(peakHeap, m.heapUsed);
	};
	const sampler = setInterval(sample, 5);
	const started = Date.now();
	const { output } = await runOnce({ returnAll: true, output: config.output });
	const wallMs = Date.now() - started;
	clearInterval(sampler);
	sample();
	return {
		items: output[0].length,
		wallMs,
		rssBeforeMb: mb(rssBefore),
		peakRssMb: mb(peak),
		heapBeforeMb: mb(heapBefore),
		peakHeapMb: mb(peakHeap),
		outputMb: mb(Buffer.byteLength(JSON.stringify(output[0]))),
	};
}

function runChild(config: ChildConfig, certPath: string): Promise<ChildResult> {
	return new Promise((resolve, reject) => {
		const tsNode = path.join(__dirname, '../../node_modules/.bin/ts-node');
		const proc = spawn(tsNode, ['--transpile-only', __filename, '--child'], {
			env: { ...process.env, NODE_EXTRA_CA_CERTS: certPath, BENCH_CHILD_CONFIG: JSON.stringify(config), NODE_OPTIONS: '--expose-gc' },
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let out = '';
		proc.stdout.on('data', (d) => (out += d));
		proc.on('exit', (code) => {
			const line = out.trim().split('\n').pop() ?? '';
			if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line));
			else reject(new Error(`bench child exited with ${code}: ${out.slice(-2000)}`));
		});
	});
}

export async function run(): Promise<Record<string, string | number>> {
	const contoso = await startContoso();
	const { emu } = contoso;
	try {
		emu.addUser('contoso-tenant-id', { upn: MAILBOX });
		const start = Date.parse('2024-01-01T00:00:00Z');
		for (let i = 0; i < MESSAGES; i++) {
			emu.seedMessage(MAILBOX, 'inbox', {
				subject: `Bench mail ${i}`,
				from: { emailAddress: { name: 'Sender', address: `sender${i % 50}@fabrikam.example` } },
				toRecipients: [{ emailAddress: { address: MAILBOX } }],
				body: { contentType: 'html', content: `<p>Message ${i}: ${'lorem ipsum '.repeat(40)}</p>` },
				receivedDateTime: new Date(start + i * 1000).toISOString(),
			});
		}
		emu.setLatency(LATENCY_MS);
		const figures: Record<string, string | number> = { messages: MESSAGES, latencyMs: LATENCY_MS };
		for (const output of ['simplified', 'raw'] as const) {
			emu.resetStats();
			const result = await runChild({ credentials: contoso.clientCredentials, output }, emu.certPath);
			const stats = emu.stats();
			const listings = stats.log.filter((l) => l.path.startsWith('/v1.0') && /\/messages$/.test(l.path));
			// The child's warm-up run (limit 1) made 1 folder lookup + 1 listing: not counted.
			const measured = stats.graphRequests - 2;
			if (result.items !== MESSAGES) throw new Error(`${output}: expected ${MESSAGES} items, got ${result.items}`);
			Object.assign(figures, {
				[`${output}.graphRequests`]: measured,
				[`${output}.pageRequests`]: listings.length - 1,
				[`${output}.tokenRequests`]: stats.tokenRequests,
				[`${output}.wallMs`]: result.wallMs,
				[`${output}.rssBeforeMb`]: result.rssBeforeMb,
				[`${output}.peakRssMb`]: result.peakRssMb,
				[`${output}.peakRssGrowthMb`]: Math.round((result.peakRssMb - result.rssBeforeMb) * 10) / 10,
				[`${output}.peakHeapGrowthMb`]: Math.round((result.peakHeapMb - result.heapBeforeMb) * 10) / 10,
				[`${output}.outputJsonMb`]: result.outputMb,
			});
		}
		return figures;
	} finally {
		await emu.stop();
	}
}

if (require.main === module) {
	if (process.argv.includes('--child')) {
		child(JSON.parse(process.env.BENCH_CHILD_CONFIG ?? '{}'))
			.then((r) => console.log(JSON.stringify(r)))
			.catch((e) => {
				console.error(e);
				process.exit(1);
			});
	} else {
		run()
			.then((figures) => {
				for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(28)} ${v}`);
			})
			.catch((e) => {
				console.error(e);
				process.exit(1);
			});
	}
}
