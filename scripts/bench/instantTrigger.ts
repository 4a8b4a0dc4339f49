/**
 * Instant trigger vs polling trigger, in a real n8n 2.41.1 under `n8n start` on HTTPS (as the
 * end-to-end suite runs it): latency from a mail's arrival to its workflow's start (median and 95th
 * percentile over 100 mails each), and Graph requests per hour when the mailbox is idle. The instant
 * trigger watches one mailbox, the polling trigger (at the fastest schedule n8n runs: 12 poll times a
 * minute, every 5 s) another; both get their mails at the same moments. Then a burst of 1,000 mails
 * at once to the instant trigger: time until all started a workflow, executions, Graph requests.
 * 50 ms of Graph latency.
 *
 * Needs the pinned n8n (`npm run n8n:install`, or N8N_E2E_CACHE). About 3 minutes.
 *
 *   npx ts-node --transpile-only scripts/bench/instantTrigger.ts
 *   npm run bench -- --with-n8n
 */
import * as fs from 'fs';
import * as path from 'path';
import { credentialRef, credentials, nodeId, setNodePackage, setupTenant, triggerParams, USERS } from '../../test/e2e/fixtures';
import { createN8n, nodeOutput, REPO_ROOT, sleep, waitFor, type N8n } from '../../test/e2e/n8nHarness';

const MAILS = 100;
const BURST = 1000;
const SPACING_MS = 300;
const IDLE_SECONDS = 60;
const LATENCY_MS = 50;
const INSTANT = { id: 'benchInstant0001', mailbox: USERS.service.upn };
const POLLING = { id: 'benchPolling0001', mailbox: USERS.alice.upn };

function workflow(id: string, node: Record<string, unknown>) {
	return {
		id,
		name: id,
		active: false,
		settings: {},
		nodes: [{ id: nodeId(id, 'New Mail'), name: 'New Mail', typeVersion: 1, position: [0, 0], credentials: credentialRef('clientCredentials'), ...node }],
		connections: {},
	};
}

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** ms from each mail's arrival to the start of the execution that carried it. */
async function latencies(n8n: N8n, workflowId: string, seededAt: Map<string, number>): Promise<number[]> {
	const out: number[] = [];
	for (const e of await n8n.executions(workflowId, 5000)) {
		const started = Date.parse(`${String(e.startedAt).replace(' ', 'T')}${/Z$/.test(String(e.startedAt)) ? '' : 'Z'}`);
		for (const mail of nodeOutput(e.data, 'New Mail')) {
			const at = seededAt.get(String(mail.subject));
			if (at !== undefined) out.push(started - at);
		}
	}
	return out.sort((a, b) => a - b);
}

export async function run(): Promise<Record<string, string | number>> {
	const dist = path.join(REPO_ROOT, 'dist');
	if (!fs.existsSync(path.join(dist, 'nodes', 'MicrosoftGraphMailTrigger', 'MicrosoftGraphMailInstantTrigger.node.js'))) throw new Error('run `npm run build` first');
	setNodePackage('CUSTOM');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { startEmulator } = require('../../emulator/src') as typeof import('../../emulator/src');
	const emu = await startEmulator({ tokenLifetimeSeconds: 3600 });
	let n8n: N8n | undefined;
	try {
		setupTenant(emu);
		emu.setLatency(LATENCY_MS);
		n8n = await createN8n({
			customExtensionsDir: dist,
			extraCaCertPath: emu.certPath,
			tls: { certPath: emu.certPath, keyPath: path.join(path.dirname(emu.certPath), 'key.pem'), caPath: emu.certPath },
		});
		await n8n.importCredentials(credentials(emu.url));
		await n8n.importWorkflow([
			workflow(INSTANT.id, {
				type: 'CUSTOM.microsoftGraphMailInstantTrigger',
				webhookId: '0b7a3c1e-1d2f-4e5a-9b6c-7d8e9f0a1b2c',
				parameters: { authentication: 'clientCredentials', event: 'newMail', mailbox: INSTANT.mailbox, folders: ['inbox'] },
			}),
			workflow(POLLING.id, { type: 'CUSTOM.microsoftGraphMailTrigger', parameters: triggerParams({ auth: 'clientCredentials', mailbox: POLLING.mailbox, pollSeconds: 5 }) }),
		]);
		await n8n.publishWorkflow(INSTANT.id);
		await n8n.publishWorkflow(POLLING.id);
		await n8n.start();
		await waitFor(() => emu.notifications.list().length === 1, 30_000, 'the subscription');
		await sleep(10_000);

		// Idle: every Graph request either trigger makes for its mailbox (or for subscriptions).
		const mark = emu.stats().log.length;
		await sleep(IDLE_SECONDS * 1000);
		const idleLog = emu.stats().log.slice(mark);
		const perHour = (n: number) => Math.round((n * 3600) / IDLE_SECONDS);
		const isFor = (upn: string) => (e: { path: string }) => e.path.includes(upn) || e.path.includes(encodeURIComponent(upn));
		const instantIdle = idleLog.filter((e) => isFor(INSTANT.mailbox)(e) || e.path.startsWith('/v1.0/subscriptions')).length;
		const pollingIdle = idleLog.filter(isFor(POLLING.mailbox)).length;

		// Latency: the same arrival moments for both mailboxes.
		const seededAt = new Map<string, number>();
		for (let i = 0; i < MAILS; i++) {
			for (const { mailbox } of [INSTANT, POLLING]) {
				const subject = `bench ${mailbox} ${i}`;
				seededAt.set(subject, Date.now());
				emu.seedMessage(mailbox, 'inbox', { subject });
			}
			await sleep(SPACING_MS);
		}
		const done = async (id: string) => (await latencies(n8n!, id, seededAt)).length >= MAILS;
		await waitFor(async () => (await done(INSTANT.id)) && (await done(POLLING.id)), 60_000, 'every mail emitted', 1000);
		const instant = await latencies(n8n, INSTANT.id, seededAt);
		const polling = await latencies(n8n, POLLING.id, seededAt);
		if (instant.length !== MAILS || polling.length !== MAILS) throw new Error(`emitted ${instant.length} / ${polling.length} of ${MAILS} (a mail twice?)`);
		const slow = emu.notifications.stats.deliveries.filter((d) => d.kind === 'change' && d.ms > 3000).length;

		// A burst: 1,000 mails at once, each its own notification.
		const burstSubjects = new Map<string, number>();
		const burstMark = emu.stats().log.length;
		emu.notifications.resetStats();
		const burstStart = Date.now();
		for (let i = 0; i < BURST; i++) {
			const subject = `burst ${i}`;
			burstSubjects.set(subject, Date.now());
			emu.seedMessage(INSTANT.mailbox, 'inbox', { subject });
		}
		const burstDone = async () => (await latencies(n8n!, INSTANT.id, burstSubjects)).length >= BURST;
		await waitFor(burstDone, 240_000, 'the burst emitted', 2000);
		const burstMs = Date.now() - burstStart;
		await sleep(3000);
		const burst = await latencies(n8n, INSTANT.id, burstSubjects);
		if (burst.length !== BURST) throw new Error(`burst: emitted ${burst.length} of ${BURST}`);
		const burstExecutions = (await n8n.executions(INSTANT.id, 5000)).filter((e) => nodeOutput(e.data, 'New Mail').some((m) => burstSubjects.has(String(m.subject)))).length;
		const burstRequests = emu.stats().log.slice(burstMark).filter(isFor(INSTANT.mailbox)).length;
		const burstStats = emu.notifications.stats;
		return {
			mails: MAILS,
			latencyMs: LATENCY_MS,
			'instant.latency.medianMs': percentile(instant, 50),
			'instant.latency.p95Ms': percentile(instant, 95),
			'instant.notificationsAnsweredOver3s': slow,
			'polling5s.latency.medianMs': percentile(polling, 50),
			'polling5s.latency.p95Ms': percentile(polling, 95),
			'instant.burst1000.allEmittedMs': burstMs,
			'instant.burst1000.executions': burstExecutions,
			'instant.burst1000.graphRequests': burstRequests,
			'instant.burst1000.latency.p95Ms': percentile(burst, 95),
			'instant.burst1000.notificationsSlowOrFailed': `${burstStats.slow} slow, ${burstStats.failed} failed of ${burstStats.sent} sent`,
			'instant.idle.requestsPerHour': `${perHour(instantIdle)} (measured over ${IDLE_SECONDS} s; the keep-alive round adds 4/h)`,
			'polling5s.idle.requestsPerHour': `${perHour(pollingIdle)} (measured over ${IDLE_SECONDS} s)`,
		};
	} finally {
		await n8n?.dispose();
		await emu.stop();
	}
}

if (require.main === module) {
	run().then(
		(figures) => {
			for (const [name, value] of Object.entries(figures)) console.log(`${name.padEnd(40)} ${value}`);
			process.exit(0);
		},
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}
