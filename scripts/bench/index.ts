/**
 * `npm run bench`: every benchmark in one run against the emulator (50 ms of Graph latency and the
 * 4-per-mailbox limit on), printed as one table with the machine it ran on. The last one runs the
 * built package (dist/) in the pinned n8n of the end-to-end suite.
 */
import * as os from 'os';

const BENCHES: Array<[string, string]> = [
	['Send Mail', './sendMail'],
	['Get Messages', './getMessages'],
	['New Mail trigger', './trigger'],
	['Inside a real n8n', './inN8n'],
	// Boots another real n8n (about 2.5 minutes): opt in with `npm run bench -- --with-n8n`.
	...(process.argv.includes('--with-n8n') ? ([['Instant vs polling trigger (real n8n)', './instantTrigger']] as Array<[string, string]>) : []),
];

async function main() {
	console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
	const rows: Array<[string, string, string]> = [];
	let failed = false;
	for (const [name, file] of BENCHES) {
		try {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const bench = require(file) as { run(): Promise<Record<string, string | number>> };
			for (const [metric, value] of Object.entries(await bench.run())) rows.push([name, metric, String(value)]);
		} catch (error) {
			failed = true;
			rows.push([name, 'error', (error as Error).message.split('\n')[0]]);
		}
	}
	const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), ['bench', 'figure', 'value'][i].length));
	const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
	console.log(line(['bench', 'figure', 'value']));
	console.log(line(widths.map((w) => '-'.repeat(w))));
	for (const row of rows) console.log(line(row));
	process.exit(failed ? 1 : 0);
}

void main();
