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
import type { IDataObject, INodeType } from 'n8n-workflow';
import { startContoso, TENANT } from '../../test/fixtures/contoso';
import { pollContext } from '../../test/harness/n8nContext';
import { benchMain, measure, runInChild } from './benchProcess';

const BURST = 5_000;
const IDLE_POLLS = 20;
const LATENCY_MS = 50;
const MAILBOXES = { oneRun: 'bench-burst@contoso.onmicrosoft.com', batches: 'bench-batches@contoso.onmicrosoft.com' };

interface ChildConfig {
	credentials: Record<string, string>;
	emulatorUrl: string;
}


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
	/** Runs `work` with memory sampled, counting the Graph requests it made. */
	const measured = async (work: () => Promise<number>) => {
		const requestsBefore = await graphRequests();
		const figures = await measure(work);
		return { ...figures, requests: (await graphRequests()) - requestsBefore };
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
		'burst5000.oneRun.peakRssGrowthMb': burst.peakRssGrowthMb,
		'burst5000.oneRun.peakHeapGrowthMb': burst.peakHeapGrowthMb,
		'burst5000.batchesOf500.polls': polls,
		'burst5000.batchesOf500.requests': batched.requests,
		'burst5000.batchesOf500.wallMs': batched.wallMs,
		'burst5000.batchesOf500.peakRssMb': batched.peakRssMb,
		'burst5000.batchesOf500.peakRssGrowthMb': batched.peakRssGrowthMb,
		'burst5000.batchesOf500.peakHeapGrowthMb': batched.peakHeapGrowthMb,
	};
}

export async function run(): Promise<Record<string, string | number>> {
	const contoso = await startContoso();
	const { emu } = contoso;
	try {
		for (const upn of Object.values(MAILBOXES)) emu.addUser(TENANT, { upn });
		emu.setLatency(LATENCY_MS);
		const figures = await runInChild<Record<string, number>>(__filename, { credentials: contoso.clientCredentials, emulatorUrl: emu.url }, emu.certPath);
		return { burst: BURST, latencyMs: LATENCY_MS, ...figures };
	} finally {
		await emu.stop();
	}
}

benchMain(module, run, child);
