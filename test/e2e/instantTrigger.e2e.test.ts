/**
 * End-to-end: the Instant New Mail trigger in a real n8n under `n8n start`, served over HTTPS (n8n's
 * own TLS settings, a certificate from the emulator's CA), the emulator's Graph subscriptions calling
 * it. The workflow is active; every mail must start the workflow exactly once, whatever the
 * notifications do (dropped, duplicated, reordered), across an n8n restart with a subscription that
 * vanished meanwhile (a lapse: an error execution, then the gap's mail), a removed subscription, and
 * a lifetime shortened to seconds that only renewal keeps alive, and deactivation.
 *
 * The cases share one n8n (one restart) and run in order.
 */
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { credentialRef, credentials, DAEMON_APP, nodeId, setNodePackage, setupTenant, USERS } from './fixtures';
import { watchSecret } from '../harness/leakWatch';
import { createN8n, httpsRequest, N8n, nodeOutput, REPO_ROOT, sleep, waitFor } from './n8nHarness';

jest.setTimeout(5 * 60_000);

const DIST = path.join(REPO_ROOT, 'dist');
const WF_ID = 'e2eInstantMail01';
const WEBHOOK_ID = '5d1c2a40-7c1e-4a53-9a5e-16e0c0ffee16';
watchSecret(DAEMON_APP.secret.value, ...Object.values(USERS).map((u) => u.password));

function instantWorkflow() {
	return {
		id: WF_ID,
		name: 'Instant New Mail',
		active: false,
		settings: {},
		nodes: [
			{
				id: nodeId(WF_ID, 'New Mail'),
				name: 'New Mail',
				type: 'CUSTOM.microsoftGraphMailInstantTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId: WEBHOOK_ID,
				parameters: { authentication: 'clientCredentials', event: 'newMail', mailbox: USERS.service.upn, folders: ['inbox'] },
				credentials: credentialRef('clientCredentials'),
			},
		],
		connections: {},
	};
}

describe('Instant New Mail trigger in a real n8n on HTTPS', () => {
	let emu: any;
	let n8n: N8n;
	const tag = crypto.randomUUID().slice(0, 8);
	const sent: string[] = [];
	const seed = (subject: string) => {
		const s = `${subject} ${tag}`;
		sent.push(s);
		return emu.seedMessage(USERS.service.upn, 'inbox', { subject: s });
	};
	const subscriptions = (): any[] => emu.notifications.list();
	const executions = async () => await n8n.executions(WF_ID, 500);
	const emitted = async () => (await executions()).flatMap((r) => nodeOutput(r.data, 'New Mail').map((m) => String(m.subject)));
	/** Every mail sent so far started the workflow once, none twice, nothing else. */
	const allOnce = async (timeoutMs = 30_000) => {
		await waitFor(async () => (await emitted()).length >= sent.length, timeoutMs, `${sent.length} mails emitted`, 300).catch(() => undefined);
		await sleep(1500);
		expect([...(await emitted())].sort()).toEqual([...sent].sort());
	};

	beforeAll(async () => {
		if (!fs.existsSync(path.join(DIST, 'nodes')) || process.env.E2E_BUILD === '1') {
			execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
		}
		setNodePackage('CUSTOM');
		// eslint-disable-next-line @typescript-eslint/no-var-requires
		const { startEmulator } = require('../../emulator/src');
		emu = await startEmulator({ tokenLifetimeSeconds: 3600 });
		setupTenant(emu);
		const tlsDir = path.dirname(emu.certPath);
		n8n = await createN8n({
			customExtensionsDir: DIST,
			extraCaCertPath: emu.certPath,
			tls: { certPath: emu.certPath, keyPath: path.join(tlsDir, 'key.pem'), caPath: emu.certPath },
		});
		await n8n.importCredentials(credentials(emu.url));
		await n8n.importWorkflow(instantWorkflow());
		await n8n.publishWorkflow(WF_ID);
		await n8n.start();
	});

	afterAll(async () => {
		await n8n?.dispose();
		await emu?.stop();
	});

	it('activation creates a subscription to its https webhook (handshake answered); each mail starts the workflow once', async () => {
		const [sub] = await waitFor(() => (subscriptions().length ? subscriptions() : undefined), 30_000, 'a subscription');
		expect(sub.notificationUrl).toBe(`${n8n.url}/webhook/${WEBHOOK_ID}/graph-mail`);
		expect(sub.lifecycleNotificationUrl).toBe(sub.notificationUrl);
		expect(sub.resource).toBe(`/users/${encodeURIComponent(USERS.service.upn)}/mailFolders('inbox')/messages`);
		// The maximum lifetime was asked for and granted (10,080 minutes less a margin).
		expect(Date.parse(sub.expirationDateTime) - Date.now()).toBeGreaterThan(10_000 * 60_000);
		for (let i = 1; i <= 4; i++) {
			seed(`plain ${i}`);
			await sleep(300);
		}
		await allOnce();
		const slow = emu.notifications.stats.deliveries.filter((d: any) => d.kind === 'change' && d.ms > 3000);
		expect(slow).toEqual([]);
	});

	it('a forged notification (wrong clientState) is refused and starts nothing', async () => {
		const before = (await executions()).length;
		const body = JSON.stringify({ value: [{ subscriptionId: subscriptions()[0].id, clientState: 'guess', changeType: 'created', resource: 'x', resourceData: { id: 'x' } }] });
		const r = await httpsRequest(subscriptions()[0].notificationUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body, caPath: emu.certPath });
		expect(r.status).toBe(403);
		await sleep(1000);
		expect((await executions()).length).toBe(before);
	});

	it('a round that fails after the 202 went out: a failed execution, n8n keeps serving, the mail comes with the next notification', async () => {
		emu.setLatency(2500);
		emu.inject({ kind: 'status', status: 400, afterActing: true, match: { path: '/delta' } });
		const failing = seed('failing round');
		await waitFor(async () => (await executions()).some((e) => e.status === 'error'), 30_000, 'a failed execution', 300);
		emu.setLatency(0);
		const [delivery] = emu.notifications.stats.deliveries.filter((d: any) => d.resourceId === failing.id);
		expect(delivery).toMatchObject({ status: 202 });
		expect(delivery.ms).toBeLessThan(3000);
		seed('after the failure');
		await allOnce();
		expect((await executions()).filter((e) => e.status === 'error')).toHaveLength(1);
	});

	it('dropped, duplicated and reordered notifications: still each mail once', async () => {
		emu.notifications.injectFault({ kind: 'drop', times: 2 });
		emu.notifications.injectFault({ kind: 'duplicate', copies: 3, times: 2 });
		for (let i = 1; i <= 4; i++) seed(`faulty ${i}`);
		await sleep(500);
		emu.notifications.injectFault({ kind: 'reorder', count: 3 });
		for (let i = 1; i <= 3; i++) seed(`reordered ${i}`);
		await allOnce();
	});

	it('n8n restarts while mail arrives and the subscription vanishes meanwhile: a lapse failed execution, then every mail once', async () => {
		const old = subscriptions()[0];
		await n8n.stop();
		seed('while down 1');
		emu.notifications.forget(old.id);
		seed('while down 2');
		await n8n.start();
		// n8n does not run checkExists on a restart; the trigger's own start asks Graph, finds it gone, creates a new one.
		const [fresh] = await waitFor(() => (subscriptions().length ? subscriptions() : undefined), 30_000, 'a new subscription');
		expect(fresh.id).not.toBe(old.id);
		const lapsed = async () => (await executions()).some((e) => e.status === 'error' && /subscription lapsed/.test(JSON.stringify(e.data?.resultData?.error ?? e.data)));
		await waitFor(lapsed, 30_000, 'the lapse as a failed execution', 300);
		const failed = (await executions()).filter((e) => e.status === 'error' && /subscription lapsed/.test(JSON.stringify(e.data?.resultData?.error ?? e.data)));
		expect(failed).toHaveLength(1);
		// The same start ran the delta round: the gap's mail; and new mail comes instantly again.
		seed('after restart');
		await allOnce();
	});

	it('subscriptionRemoved: a new subscription, and mail keeps coming once', async () => {
		const old = subscriptions()[0];
		emu.notifications.lifecycle(old.id, 'subscriptionRemoved');
		const [fresh] = await waitFor(() => (subscriptions().length && subscriptions()[0].id !== old.id ? subscriptions() : undefined), 20_000, 'a re-created subscription', 200);
		expect(fresh.id).not.toBe(old.id);
		seed('after removal');
		await allOnce();
	});

	it('a lifetime shortened to seconds is kept alive by renewal on notifications and reauthorizationRequired', async () => {
		const sub = subscriptions()[0];
		emu.notifications.shortenLifetime(sub.id, 8);
		const renewedBefore = emu.notifications.stats.renewed;
		emu.notifications.lifecycle(sub.id, 'reauthorizationRequired');
		await waitFor(() => emu.notifications.stats.renewed > renewedBefore, 10_000, 'a renewal on reauthorizationRequired', 200);
		const until = Date.now() + 20_000;
		for (let i = 1; Date.now() < until; i++) {
			seed(`short-lived ${i}`);
			await sleep(2000);
		}
		// 20 s with an 8 s lifetime: alive only because notifications past half of it renewed it.
		expect(subscriptions().map((s) => s.id)).toEqual([sub.id]);
		expect(emu.notifications.stats.renewed).toBeGreaterThan(renewedBefore + 2);
		await allOnce();
	});

	it('deactivation deletes the subscription', async () => {
		expect(subscriptions()).toHaveLength(1);
		await n8n.login();
		await n8n.rest('POST', `/workflows/${WF_ID}/deactivate`, {});
		await waitFor(() => subscriptions().length === 0, 20_000, 'the subscription deleted', 200);
		expect(emu.notifications.stats.deleted).toBe(1);
	});
});
