/**
 * End-to-end: the New Mail trigger's "from now" under n8n 2.41's durable poll cursors (the
 * scheduler dispatches every poll; a poll's node static data is a staged copy, and the activation
 * poll's copy is dropped when it emits nothing). Active workflow, "every minute" schedule, the
 * built package (dist/) in a real n8n, the emulator over HTTPS.
 *
 * Mail that arrives in the first minute after activation (before the first scheduled poll) is
 * emitted exactly once; mail that was there before activation never is.
 */
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { credentialRef, credentials, DAEMON_APP, nodeId, setNodePackage, setupTenant, triggerParams, USERS } from './fixtures';
import { watchSecret } from '../harness/leakWatch';
import { createN8n, N8n, nodeOutput, REPO_ROOT, sleep, waitFor } from './n8nHarness';

jest.setTimeout(6 * 60_000);

const DIST = path.join(REPO_ROOT, 'dist');
const WF_ID = 'e2eFromNow000001';
watchSecret(DAEMON_APP.secret.value, ...Object.values(USERS).map((u) => u.password));

/** n8n 2.41's scheduler with durable poll cursors (all off by default). */
const DURABLE_POLL_CURSORS = {
	N8N_SCHEDULER_ENABLED: 'true',
	N8N_SCHEDULER_POLL_TRIGGERS_ENABLED: 'true',
	N8N_POLLER_DURABLE_CURSORS_ENABLED: 'true',
	N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'true',
	N8N_SCHEDULER_EXECUTOR_INTERVAL: '1',
	N8N_SCHEDULER_MATERIALIZATION_INTERVAL: '1',
};

function everyMinuteWorkflow() {
	return {
		id: WF_ID,
		name: 'New Mail every minute',
		active: false,
		settings: {},
		nodes: [
			{
				id: nodeId(WF_ID, 'New Mail'),
				name: 'New Mail',
				type: 'CUSTOM.microsoftGraphMailTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: { ...triggerParams({ auth: 'clientCredentials', mailbox: USERS.service.upn }), pollTimes: { item: [{ mode: 'everyMinute' }] } },
				credentials: credentialRef('clientCredentials'),
			},
		],
		connections: {},
	};
}

describe('New Mail trigger in a real n8n with durable poll cursors', () => {
	let emu: any;
	let n8n: N8n;

	beforeAll(async () => {
		if (!fs.existsSync(path.join(DIST, 'nodes')) || process.env.E2E_BUILD === '1') {
			execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
		}
		setNodePackage('CUSTOM');
		// eslint-disable-next-line @typescript-eslint/no-var-requires
		const { startEmulator } = require('../../emulator/src');
		emu = await startEmulator({ tokenLifetimeSeconds: 3600 });
		setupTenant(emu);
		n8n = await createN8n({ customExtensionsDir: DIST, extraCaCertPath: emu.certPath, env: DURABLE_POLL_CURSORS });
		await n8n.importCredentials(credentials(emu.url));
		await n8n.importWorkflow(everyMinuteWorkflow());
		await n8n.publishWorkflow(WF_ID);
	});

	afterAll(async () => {
		await n8n?.dispose();
		await emu?.stop();
	});

	it('emits mail arriving in the first minute after activation exactly once, and none from before', async () => {
		const tag = crypto.randomUUID().slice(0, 8);
		const seed = (subject: string) => emu.seedMessage(USERS.service.upn, 'inbox', { subject: `${subject} ${tag}` });
		const deltaCalls = () => (emu.stats().log as Array<{ path: string }>).filter((e) => e.path.includes(encodeURIComponent(USERS.service.upn)) || e.path.includes(USERS.service.upn)).filter((e) => e.path.endsWith('/delta')).length;
		seed('before');
		await n8n.start();
		// The activation poll: a baseline round; mail already there is not new.
		await waitFor(() => deltaCalls() >= 1, 60_000, 'the activation poll');
		const activationPolls = deltaCalls();
		seed('after');
		const emitted = async () => {
			const runs = await n8n.executions(WF_ID);
			return runs.flatMap((r) => nodeOutput(r.data, 'New Mail').map((m) => String(m.subject)));
		};
		// The first scheduled poll comes at the next full minute.
		await waitFor(() => deltaCalls() > activationPolls, 75_000, 'the first scheduled poll', 500);
		await waitFor(async () => (await emitted()).length > 0, 15_000, 'an execution', 500).catch(() => undefined);
		expect(await emitted()).toEqual([`after ${tag}`]);
		// One more scheduled poll: nothing comes out twice (the cursor was committed with the execution).
		const afterFirst = deltaCalls();
		await waitFor(() => deltaCalls() > afterFirst, 75_000, 'the second scheduled poll', 500);
		await sleep(3000);
		expect(await emitted()).toEqual([`after ${tag}`]);
		const rows = await n8n.query('SELECT * FROM poller_state');
		expect(rows.length).toBe(1);
	});
});
