/**
 * New Mail trigger: what an idle poll costs (requests, time), and a burst of 5,000 new mails —
 * emitted in one run (Max Mails per Poll 5,000) and in bounded batches (the default 500) —
 * with requests, wall time and peak memory. 50 ms of latency per Graph request.
 *
 * The emulator runs in this process; the trigger runs in a child process (seeding and counting
 * through the emulator's admin API), so its memory figures are its own.
 *
 *   npx ts-node --transpile-only scripts/bench/trigger.ts
 */
import { spawn } from 'child_process';
import * as path from 'path';
import type { IDataObject, INodeType } from 'n8n-workflow';
import { startContoso, TENANT } from '../../test/fixtures/contoso';
import { pollContext } from '../../test/harness/n8nContext';

const BURST = 5_000;
const IDLE_POLLS = 20;
const LATENCY_MS = 50;
const MAILBOXES = { oneRun: 'bench-burst@contoso.onmicrosoft.com', batches: 'bench-batches@contoso.onmicrosoft.com' };

interface ChildConfig {
	credentials: Record<string, string>;
	emulatorUrl: string;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function child(config: ChildConfig): Promise<Record<string, number>> {
	// Plain Node resolution would find the codex `.node.json` first: name the .ts.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { MicrosoftGraphMailTrigger } = require('../../nodes/MicrosoftGraphMailTrigger/MicrosoftGraphMailTrigger.node.ts') as { MicrosoftGraphMailTrigger: new () => INodeType };
	const nodeType = new MicrosoftGraphMailTrigger();
	const admin = async (method: string, route: string, body?: unknown) => {
		const res = await fetch(`${config.emulatorUrl}/_emulator/${route}`, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
		if (!res.ok) throw new Error(`admin ${route}: ${res.status}`);
		return (await res.json()) as IDataObject;
	};
	const graphRequests = async () => Number((await admin('GET', 'stats')).graphRequests);
	const poller = (mailbox: string, maxMailsPerPoll: number) => {
		const staticData: IDataObject = {};
		return async () => {
			const { context } = pollContext({
				nodeType,
				parameters: { authentication: 'clientCredentials', event: 'newMail', mailbox, options: { maxMailsPerPoll } },
				credentials: { microsoftGraphMailClientCredentialsApi: config.credentials },
				staticData,
			});
			return (await nodeType.poll!.call(context))?.[0].length ?? 0;
		};
	};
	const seedBurst = async (mailbox: string) => {
		for (let i = 0; i < BURST; i++) {
			await admin('POST', `mailboxes/${encodeURIComponent(mailbox)}/messages`, {
				subject: `Order ${i}`,
				from: { emailAddress: { name: 'Shop', address: `orders${i % 20}@fabrikam.example` } },
				toRecipients: [{ emailAddress: { address: mailbox } }],
				body: { contentType: 'html', content: `<p>Order ${i}: ${'lorem ipsum '.repeat(40)}</p>` },
			});
		}
	};
	/** Runs `work`, sampling memory every 5 ms. */
	const measured = async (work: () => Promise<number>) => {
		global.gc?.();
		const rssBefore = process.memoryUsage.rss();
		const heapBefore = process.memoryUsage().heapUsed;
		let peak = rssBefore;
		let peakHeap = heapBefore;
		const sample = () => {
			peak = Math.max(peak, process.memoryUsage.rss());
			peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
		};
		const sampler = setInterval(sample, 5);
		const requestsBefore = await graphRequests();
		const started = Date.now();
		const value = await work();
		const wallMs = Date.now() - started;
		clearInterval(sampler);
		sample();
		return { value, wallMs, requests: (await graphRequests()) - requestsBefore, peakRssMb: mb(peak), growthMb: mb(peak - rssBefore), heapGrowthMb: mb(peakHeap - heapBefore) };
	};

	const oneRun = poller(MAILBOXES.oneRun, BURST);
	const batches = poller(MAILBOXES.batches, 500);
	await oneRun();
	await batches();

	const idle = await measured(async () => {
		for (let i = 0; i < IDLE_POLLS; i++) if ((await oneRun()) !== 0) throw new Error('idle poll emitted mail');
		return IDLE_POLLS;
	});

	await seedBurst(MAILBOXES.oneRun);
	const burst = await measured(oneRun);
	if (burst.value !== BURST) throw new Error(`one run: expected ${BURST} items, got ${burst.value}`);

	await seedBurst(MAILBOXES.batches);
	let polls = 0;
	const batched = await measured(async () => {
		let total = 0;
		for (let out = -1; out !== 0; polls++) total += out = await batches();
		return total;
	});
	if (batched.value !== BURST) throw new Error(`batches: expected ${BURST} items, got ${batched.value}`);

	return {
		'idle.requestsPerPoll': idle.requests / IDLE_POLLS,
		'idle.msPerPoll': Math.round(idle.wallMs / IDLE_POLLS),
		'burst5000.oneRun.requests': burst.requests,
		'burst5000.oneRun.wallMs': burst.wallMs,
		'burst5000.oneRun.peakRssMb': burst.peakRssMb,
		'burst5000.oneRun.peakRssGrowthMb': burst.growthMb,
		'burst5000.oneRun.peakHeapGrowthMb': burst.heapGrowthMb,
		'burst5000.batchesOf500.polls': polls,
		'burst5000.batchesOf500.requests': batched.requests,
		'burst5000.batchesOf500.wallMs': batched.wallMs,
		'burst5000.batchesOf500.peakRssMb': batched.peakRssMb,
		'burst5000.batchesOf500.peakRssGrowthMb': batched.growthMb,
		'burst5000.batchesOf500.peakHeapGrowthMb': batched.heapGrowthMb,
	};
}

function runChild(config: ChildConfig, certPath: string): Promise<Record<string, number>> {
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
		for (const upn of Object.values(MAILBOXES)) emu.addUser(TENANT, { upn });
		emu.setLatency(LATENCY_MS);
		const figures = await runChild({ credentials: contoso.clientCredentials, emulatorUrl: emu.url }, emu.certPath);
		return { burst: BURST, latencyMs: LATENCY_MS, ...figures };
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
				for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(36)} ${v}`);
			})
			.catch((e) => {
				console.error(e);
				process.exit(1);
			});
	}
}
