/**
 * The README's quick start, as a new user runs it: `npm start` in CI mode (--once) builds nothing
 * here (npm test built already), starts the emulator and a real n8n with the package, runs the demo
 * workflows and must report every check passed. Its printed output goes through the secret scan.
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { DAEMON_APP, DELEGATED_APP } from './fixtures';
import { recordVisible, watchSecret } from '../harness/leakWatch';

jest.setTimeout(20 * 60_000);

const ROOT = path.join(__dirname, '../..');

test('npm start -- --once runs the demo workflows and every check passes', async () => {
	watchSecret(DAEMON_APP.secret.value, DELEGATED_APP.secret.value);
	const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
		const demo = spawn(path.join(ROOT, 'node_modules/.bin/ts-node'), ['--transpile-only', 'scripts/demo.ts', '--once', '--no-build'], {
			cwd: ROOT,
			env: { ...process.env, CI: 'true' },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		demo.stdout.on('data', (d) => (output += d));
		demo.stderr.on('data', (d) => (output += d));
		demo.on('error', reject);
		demo.on('close', (exitCode) => resolve({ code: exitCode, output }));
	});
	recordVisible(output);
	const summary = /^(\d+) passed, (\d+) failed$/m.exec(output);
	expect({ code, summary: summary?.slice(1) }).toEqual({ code: 0, summary: [expect.any(String), '0'] });
	expect(Number(summary![1])).toBeGreaterThanOrEqual(5);
});
