/**
 * The n8n the package says it runs on: package.json's peerDependencies name the oldest n8n-workflow
 * whose API the nodes and credentials use (the OAuth2 refresh helper came in 1.116.0, n8n 1.119),
 * and the code type-checks against exactly that version (installed as `n8n-workflow-min`).
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const pkg = require(path.join(root, 'package.json'));
const minimum: string = require(path.join(root, 'node_modules', 'n8n-workflow-min', 'package.json')).version;

test('peerDependencies declare a real minimum n8n-workflow, the one the type-check below uses', () => {
	expect(pkg.peerDependencies['n8n-workflow']).toBe(`>=${minimum}`);
	expect(pkg.devDependencies['n8n-workflow-min']).toBe(`npm:n8n-workflow@${minimum}`);
});

test('nodes and credentials compile against the declared minimum n8n-workflow', () => {
	const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
	try {
		execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.min-n8n.json')], { cwd: root, encoding: 'utf8' });
	} catch (error) {
		throw new Error(`Type errors against n8n-workflow@${minimum}:\n${(error as { stdout?: string }).stdout ?? error}`);
	}
}, 120_000);
