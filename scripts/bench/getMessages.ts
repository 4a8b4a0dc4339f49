/**
 * Get Messages, Return All over 10,000 mails with 50 ms of latency per Graph request: requests made,
 * wall time, and the node's peak memory next to the size of its own output.
 *
 * The emulator runs in this process; the node runs in a child process so that its memory figures are
 * its own (not the emulator's 10,000 stored mails).
 *
 *   npx ts-node --transpile-only scripts/bench/getMessages.ts
 */
import type { INodeType } from 'n8n-workflow';
import { startContoso } from '../../test/fixtures/contoso';
import { runNode } from '../../test/harness/n8nContext';
import { benchMain, measure, runInChild, type Measured } from './benchProcess';

const MESSAGES = 10_000;
const LATENCY_MS = 50;
const MAILBOX = 'bench-reader@contoso.onmicrosoft.com';

interface ChildConfig {
	credentials: Record<string, string>;
	output: 'simplified' | 'raw';
}

type ChildResult = Omit<Measured<unknown>, 'value'> & { items: number; outputMb: number };

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
	const measured = await measure(async () => (await runOnce({ returnAll: true, output: config.output })).output[0]);
	const { value: items, ...figures } = measured;
	return { ...figures, items: items.length, outputMb: mb(Buffer.byteLength(JSON.stringify(items))) };
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
			const result = await runInChild<ChildResult>(__filename, { credentials: contoso.clientCredentials, output }, emu.certPath);
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
				[`${output}.peakRssGrowthMb`]: result.peakRssGrowthMb,
				[`${output}.peakHeapGrowthMb`]: result.peakHeapGrowthMb,
				[`${output}.outputJsonMb`]: result.outputMb,
			});
		}
		return figures;
	} finally {
		await emu.stop();
	}
}

benchMain(module, run, child);
