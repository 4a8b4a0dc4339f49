/**
 * What the benchmarks share: measuring a piece of work's wall time and memory peaks, running the
 * measured part in a child process (so the in-process emulator's memory is not counted), and the
 * entry point that is either the parent printing figures or that child.
 */
import { spawn } from 'child_process';
import * as path from 'path';

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

export interface Measured<T> {
	value: T;
	wallMs: number;
	rssBeforeMb: number;
	peakRssMb: number;
	peakRssGrowthMb: number;
	heapBeforeMb: number;
	peakHeapGrowthMb: number;
}

/** Runs `work` after a GC (with --expose-gc), sampling RSS and heap every 5 ms. */
export async function measure<T>(work: () => Promise<T>): Promise<Measured<T>> {
	global.gc?.();
	const rssBefore = process.memoryUsage.rss();
	const heapBefore = process.memoryUsage().heapUsed;
	let peakRss = rssBefore;
	let peakHeap = heapBefore;
	const sample = () => {
		peakRss = Math.max(peakRss, process.memoryUsage.rss());
		peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
	};
	const sampler = setInterval(sample, 5);
	const started = Date.now();
	try {
		const value = await work();
		return {
			value,
			wallMs: Date.now() - started,
			rssBeforeMb: mb(rssBefore),
			peakRssMb: mb(peakRss),
			peakRssGrowthMb: mb(peakRss - rssBefore),
			heapBeforeMb: mb(heapBefore),
			peakHeapGrowthMb: mb(peakHeap - heapBefore),
		};
	} finally {
		clearInterval(sampler);
		sample();
	}
}

/** Runs `file --child` under ts-node with `config`, trusting the emulator; resolves with its last JSON line. */
export function runInChild<T>(file: string, config: unknown, certPath: string): Promise<T> {
	return new Promise((resolve, reject) => {
		const tsNode = path.join(__dirname, '../../node_modules/.bin/ts-node');
		const proc = spawn(tsNode, ['--transpile-only', file, '--child'], {
			env: { ...process.env, NODE_EXTRA_CA_CERTS: certPath, BENCH_CHILD_CONFIG: JSON.stringify(config), NODE_OPTIONS: '--expose-gc' },
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let out = '';
		proc.stdout.on('data', (d) => (out += d));
		proc.on('exit', (code) => {
			const line = out.trim().split('\n').pop() ?? '';
			if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as T);
			else reject(new Error(`bench child exited with ${code}: ${out.slice(-2000)}`));
		});
	});
}

/** When a bench file is run directly: as the child (`--child`) print its JSON, else print the figures. */
export function benchMain(mod: NodeModule, run: () => Promise<Record<string, string | number>>, child: (config: never) => Promise<unknown>): void {
	if (require.main !== mod) return;
	const fail = (error: unknown) => {
		console.error(error);
		process.exit(1);
	};
	if (process.argv.includes('--child')) {
		child(JSON.parse(process.env.BENCH_CHILD_CONFIG ?? '{}') as never).then((result) => console.log(JSON.stringify(result)), fail);
	} else {
		run().then((figures) => {
			for (const [name, value] of Object.entries(figures)) console.log(`${name.padEnd(40)} ${value}`);
		}, fail);
	}
}
