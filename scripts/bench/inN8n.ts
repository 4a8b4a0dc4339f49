/**
 * Per-item operations inside a real n8n: the pinned n8n of the end-to-end suite (`n8n execute`),
 * this package installed as a community package, the emulator in its own process with 50 ms of
 * Graph latency and Graph's 4 concurrent requests per mailbox. Send Mail of 200 and 500 items,
 * Update (mark read) and Get Message of 1,000 items, each with Batch Requests on and off.
 *
 * Figures per run: the node's own time in n8n's run data, its share of the ceiling N × 50 ms / 4
 * (1.0 = Graph's limit for one mailbox, whatever the client), Graph HTTP requests (a $batch counts
 * once), requests Graph ran (inner ones included), 429s absorbed, and for Send Mail mails lost
 * or doubled in the recipient's inbox.
 * Run: npm run bench:n8n (needs the pinned n8n: npm run n8n:install; and dist/: npm run build);
 * BENCH_ONLY=<regular expression> runs only the runs it matches, e.g. BENCH_ONLY='Send Mail .*on'.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import { createN8n, type N8n } from '../../test/e2e/n8nHarness';
import { countedItemsNodes, credentialRef, credentials, nodeId, PACKAGE_NAME, setupTenant, USERS } from '../../test/e2e/fixtures';

const ROOT = path.resolve(__dirname, '../..');
const LATENCY_MS = 50;
const CONCURRENCY = 4;
const SEND_SIZES = [200, 500];
const PER_MESSAGE_ITEMS = 1000;
const SENDER = USERS.service.upn;
const RECIPIENT = USERS.bob.upn;
const FOLDER = 'Bench';

interface Emulator {
	url: string;
	certPath: string;
	proc: ChildProcess;
}

async function startEmulator(): Promise<Emulator> {
	const tsNode = path.join(ROOT, 'node_modules/.bin/ts-node');
	const proc = spawn(tsNode, ['--transpile-only', 'emulator/src/cli.ts', 'start', '--latency', String(LATENCY_MS), '--concurrency', String(CONCURRENCY)], {
		cwd: ROOT,
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const line = await new Promise<string>((resolve, reject) => {
		let out = '';
		proc.stdout!.on('data', (d) => {
			out += d;
			if (out.includes('\n')) resolve(out.split('\n')[0]);
		});
		proc.on('exit', (code) => reject(new Error(`emulator exited ${code}`)));
	});
	return { ...(JSON.parse(line) as { url: string; certPath: string }), proc };
}

async function admin<T = any>(emu: Emulator, method: string, route: string, body?: unknown): Promise<T> {
	const r = await fetch(`${emu.url}/_emulator/${route}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
	if (!r.ok) throw new Error(`admin ${method} ${route}: ${r.status} ${await r.text()}`);
	return (await r.json()) as T;
}

const nodeType = `${PACKAGE_NAME}.microsoftGraphMail`;
const graphNode = (wf: string, name: string, x: number, parameters: Record<string, unknown>) => ({
	id: nodeId(wf, name),
	name,
	type: nodeType,
	typeVersion: 1,
	position: [x, 0],
	parameters: { authentication: 'clientCredentials', mailbox: SENDER, ...parameters },
	credentials: credentialRef('clientCredentials'),
});
const link = (from: string, to: string) => ({ [from]: { main: [[{ node: to, type: 'main', index: 0 }]] } });
const start = (wf: string) => ({ id: nodeId(wf, 'Start'), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} });

/** Start → N items (Set + Split Out) → Send Mail. */
function sendWorkflow(id: string, items: number, batching: boolean, prefix: string) {
	return {
		id,
		name: id,
		active: false,
		settings: {},
		nodes: [
			start(id),
			...countedItemsNodes(id, items),
			graphNode(id, 'Measured', 600, {
				operation: 'send',
				toRecipients: RECIPIENT,
				subject: `=${prefix} {{ $json.n }}`,
				bodyContentType: 'text',
				bodyContent: 'bench',
				options: { batchRequests: batching },
			}),
		],
		connections: { ...link('Start', 'Items'), ...link('Items', 'Split'), ...link('Split', 'Measured') },
	};
}

/** Start → Get Messages (the seeded folder) → the measured per-message operation. */
function perMessageWorkflow(id: string, folderId: string, batching: boolean, parameters: Record<string, unknown>) {
	return {
		id,
		name: id,
		active: false,
		settings: {},
		nodes: [
			start(id),
			graphNode(id, 'List', 200, {
				operation: 'getMany',
				folderScope: 'folder',
				folder: { __rl: true, mode: 'id', value: folderId },
				returnAll: true,
				searchMode: 'filters',
				filters: {},
				output: 'fields',
				fields: ['id'],
				options: {},
			}),
			graphNode(id, 'Measured', 400, { ...parameters, options: { batchRequests: batching } }),
		],
		connections: { ...link('Start', 'List'), ...link('List', 'Measured') },
	};
}

interface Run {
	name: string;
	items: number;
	workflow: any;
	check?: () => Promise<Record<string, number>>;
}

async function measure(n8n: N8n, emu: Emulator, run: Run): Promise<Record<string, string | number>> {
	await n8n.importWorkflow(run.workflow);
	await admin(emu, 'POST', 'reset-stats');
	const result = await n8n.execute(run.workflow.id, 15 * 60_000);
	const stats = await admin(emu, 'GET', 'stats');
	// The printed run (data.resultData) or, when n8n prints none, the stored execution (resultData).
	const [task] = (result.data ?? result).resultData.runData.Measured as Array<{ executionTime: number; data: { main: unknown[][] } }>;
	const ceiling = (run.items * LATENCY_MS) / CONCURRENCY;
	// Graph requests only (not sign-in); the List node reads the folder (…/mailFolders/…): its pages are not the measured node's.
	const requests = (stats.log as Array<{ path: string }>).filter((e) => /^(\/v1\.0\/|\$batch )/.test(e.path) && !e.path.includes('/mailFolders/'));
	const inner = (stats.log as Array<{ path: string; ms: number }>).filter((e) => e.path.startsWith('$batch '));
	return {
		[`${run.name}: node time (ms)`]: task.executionTime,
		[`${run.name}: share of ceiling ${run.items} × ${LATENCY_MS} ms / ${CONCURRENCY} = ${ceiling} ms`]: Number((ceiling / task.executionTime).toFixed(2)),
		[`${run.name}: items out`]: (task.data.main[0] ?? []).length,
		[`${run.name}: HTTP requests to Graph`]: requests.filter((e) => !e.path.startsWith('$batch ')).length,
		[`${run.name}: requests Graph ran (inner included)`]: requests.filter((e) => e.path !== '/v1.0/$batch').length,
		[`${run.name}: 429s absorbed`]: stats.throttled,
		...(inner.length ? { [`${run.name}: mean time of a request inside a batch at Graph (ms)`]: Math.round(inner.reduce((sum, e) => sum + e.ms, 0) / inner.length) } : {}),
		...Object.fromEntries(Object.entries((await run.check?.()) ?? {}).map(([k, v]) => [`${run.name}: ${k}`, v])),
	};
}

export async function run(): Promise<Record<string, string | number>> {
	const emu = await startEmulator();
	let n8n: N8n | undefined;
	try {
		let spec: unknown;
		setupTenant({ setup: (s: unknown) => (spec = s) });
		await admin(emu, 'POST', 'setup', spec);
		const folder = await admin<{ id: string }>(emu, 'POST', `mailboxes/${SENDER}/folders`, { parent: 'inbox', displayName: FOLDER });
		for (let i = 0; i < PER_MESSAGE_ITEMS; i++) await admin(emu, 'POST', `mailboxes/${SENDER}/messages`, { folder: folder.id, subject: `seeded ${i}`, isRead: false });

		n8n = await createN8n({ communityPackageDir: ROOT, extraCaCertPath: emu.certPath, env: { N8N_LOG_LEVEL: 'warn' } });
		await n8n.importCredentials(credentials(emu.url));
		const runs: Run[] = [];
		for (const items of SEND_SIZES) {
			for (const batching of [true, false]) {
				const prefix = `bench-${items}-${batching ? 'on' : 'off'}`;
				runs.push({
					name: `Send Mail ${items}, batching ${batching ? 'on' : 'off'}`,
					items,
					workflow: sendWorkflow(`benchSend${items}${batching ? 'On' : 'Off'}`, items, batching, prefix),
					check: async () => {
						const inbox = (await admin<Array<{ subject: string }>>(emu, 'GET', `mailboxes/${RECIPIENT}/messages?folder=inbox`)).filter((m) => m.subject.startsWith(`${prefix} `));
						const distinct = new Set(inbox.map((m) => m.subject)).size;
						return { 'mails lost': items - distinct, 'mails doubled': inbox.length - distinct };
					},
				});
			}
		}
		for (const batching of [true, false]) {
			const mode = batching ? 'on' : 'off';
			runs.push({ name: `Update (mark read) ${PER_MESSAGE_ITEMS}, batching ${mode}`, items: PER_MESSAGE_ITEMS, workflow: perMessageWorkflow(`benchUpdate${mode}`, folder.id, batching, { operation: 'update', message: { __rl: true, mode: 'id', value: '={{ $json.id }}' }, updateFields: { readStatus: batching ? 'read' : 'unread' } }) });
			runs.push({ name: `Get Message ${PER_MESSAGE_ITEMS}, batching ${mode}`, items: PER_MESSAGE_ITEMS, workflow: perMessageWorkflow(`benchGet${mode}`, folder.id, batching, { operation: 'get', messageId: '={{ $json.id }}', output: 'simplified' }) });
		}
		const figures: Record<string, string | number> = {};
		for (const r of runs) {
			if (process.env.BENCH_ONLY && !new RegExp(process.env.BENCH_ONLY).test(r.name)) continue;
			Object.assign(figures, await measure(n8n, emu, r));
		}
		return figures;
	} finally {
		await n8n?.stop?.();
		emu.proc.kill('SIGTERM');
	}
}

if (require.main === module) {
	run().then(
		(figures) => {
			for (const [k, v] of Object.entries(figures)) console.log(`${k}: ${v}`);
			process.exit(0);
		},
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}
