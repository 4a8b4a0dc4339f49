/**
 * The instant trigger in-process, against the emulator's subscriptions over HTTPS: a small https host
 * plays n8n's webhook server (real n8n-core Hook/Webhook contexts; the workflow's static data loaded
 * afresh for every call and saved after it, as n8n 2.41 does), so Graph's handshake and notifications
 * reach the node's webhook(). What the real n8n shows is in test/e2e/instantTrigger.e2e.test.ts;
 * these are the cases that are slow or awkward there.
 */
import * as https from 'https';
import type { AddressInfo } from 'net';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { MicrosoftGraphMailInstantTrigger } from '../../../nodes/MicrosoftGraphMailTrigger/MicrosoftGraphMailInstantTrigger.node';
import { ensureCertificate } from '../../../emulator/src';
import { startContoso, type Contoso } from '../../fixtures/contoso';
import { hookContext, webhookCallContext, type WebhookRun } from '../../harness/n8nContext';
import { addMailbox } from './triggerFixture';

const node = new MicrosoftGraphMailInstantTrigger();
const WEBHOOK_ID = 'instant-test-hook';

/** n8n's webhook server, reduced to what this trigger needs. */
class Host {
	/** The workflow's static data as the database holds it. */
	db: IDataObject = {};
	emitted: INodeExecutionData[][] = [];
	/** Notification calls (not handshakes): status answered and how long webhook() took. */
	calls: Array<{ status: number; ms: number }> = [];
	errors: Error[] = [];
	private server?: https.Server;
	baseUrl = '';

	constructor(private readonly contoso: Contoso, private readonly parameters: INodeParameters) {}

	run(webhookBaseUrl = this.baseUrl): WebhookRun {
		return {
			nodeType: node,
			parameters: { authentication: 'clientCredentials', event: 'newMail', folders: ['inbox'], ...this.parameters },
			credentials: { microsoftGraphMailClientCredentialsApi: this.contoso.clientCredentials },
			staticData: JSON.parse(JSON.stringify(this.db)) as IDataObject,
			webhookBaseUrl,
			webhookId: WEBHOOK_ID,
			// One workflow per host: the trigger's lane is per workflow and node.
			workflowId: `wf-${String(this.parameters.mailbox)}`,
		};
	}

	private save(staticData: IDataObject & { __dataChanged?: boolean }) {
		if (staticData.__dataChanged) this.db = JSON.parse(JSON.stringify(staticData)) as IDataObject;
	}

	async start(): Promise<void> {
		const cert = await ensureCertificate();
		this.server = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, sr) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', async () => {
				const started = Date.now();
				const text = Buffer.concat(chunks).toString('utf8');
				const query = Object.fromEntries(new URL(req.url ?? '/', 'https://x').searchParams);
				const res = {
					status: (code: number) => ((sr.statusCode = code), res),
					type: (t: string) => (sr.setHeader('Content-Type', t === 'text/plain' ? 'text/plain; charset=utf-8' : t), res),
					send: (body: string) => (sr.end(body), res),
					end: () => (sr.end(), res),
					get headersSent() {
						return sr.headersSent;
					},
				};
				const { context, workflow } = webhookCallContext(this.run(), { body: text ? JSON.parse(text) : {}, query, headers: req.headers as Record<string, string> }, res);
				try {
					const out = await node.webhook!.call(context);
					if (!query.validationToken) this.calls.push({ status: sr.statusCode, ms: Date.now() - started });
					this.save(workflow.staticData as IDataObject);
					if (out.workflowData) this.emitted.push(out.workflowData[0]);
				} catch (error) {
					this.errors.push(error as Error);
					if (!sr.headersSent) sr.writeHead(500).end();
				}
			});
		});
		await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
		this.baseUrl = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhook`;
	}

	async activate(webhookBaseUrl = this.baseUrl): Promise<void> {
		const { context, workflow } = hookContext(this.run(webhookBaseUrl));
		const exists = await node.webhookMethods!.default.checkExists.call(context);
		if (!exists) await node.webhookMethods!.default.create.call(context);
		this.save(workflow.staticData as IDataObject);
	}

	/** The trigger's own state (n8n keeps a node's static data under "node:<name>"). */
	state(): IDataObject {
		return ((this.db['node:Graph Mail'] as IDataObject | undefined)?.['instant'] ?? {}) as IDataObject;
	}

	subjects(): string[] {
		return this.emitted.flat().map((i) => String(i.json.subject));
	}

	async stop(): Promise<void> {
		this.server?.closeAllConnections();
		await new Promise((r) => this.server?.close(r));
	}
}

let contoso: Contoso;
beforeAll(async () => {
	contoso = await startContoso();
	contoso.emu.notifications.retryDelaysMs = [300, 300];
});
afterAll(() => contoso.emu.stop());
afterEach(() => {
	contoso.emu.setLatency(0);
	contoso.emu.notifications.clearFaults();
	contoso.emu.notifications.maxLifetimeMinutes = 10_080;
	for (const s of contoso.emu.notifications.list()) contoso.emu.notifications.forget(s.id);
});

const until = async (what: () => boolean, ms = 10_000) => {
	const end = Date.now() + ms;
	while (!what()) {
		if (Date.now() > end) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 25));
	}
};

test('activation with a non-https webhook URL fails with advice, and creates nothing', async () => {
	const mailbox = addMailbox(contoso, 'instant-http');
	const host = new Host(contoso, { mailbox });
	await expect(host.activate('http://n8n.internal:5678/webhook')).rejects.toMatchObject({
		message: expect.stringMatching(/only to https URLs.*http:\/\/n8n\.internal:5678\/webhook\/instant-test-hook\/graph-mail/),
		description: expect.stringMatching(/WEBHOOK_URL=https:/),
	});
	expect(contoso.emu.notifications.list()).toHaveLength(0);
});

test('the same notification five times at once, loaded from the same stored state: the mail is emitted once', async () => {
	const mailbox = addMailbox(contoso, 'instant-dup');
	const host = new Host(contoso, { mailbox });
	await host.start();
	try {
		await host.activate();
		contoso.emu.notifications.injectFault({ kind: 'duplicate', copies: 4, times: 2 });
		contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'one' });
		contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'two' });
		// Ten notifications: the first four POSTed at once (each call loads the same stored state), the rest batched.
		await until(() => contoso.emu.notifications.stats.delivered >= 10);
		await new Promise((r) => setTimeout(r, 300));
		expect(host.calls.length).toBeGreaterThanOrEqual(5);
		expect(host.subjects().sort()).toEqual(['one', 'two']);
		expect(host.errors).toEqual([]);
		// Answered by fewer rounds than calls: a call that arrived before a round that has since run needs none.
		const deltaRequests = contoso.emu.stats().log.filter((e) => e.path.endsWith('/delta') && e.path.includes(mailbox)).length;
		expect(deltaRequests).toBeLessThan(host.calls.length);
	} finally {
		await host.stop();
	}
});

test('a round slower than Graph allows is answered 202 first (within 3 s), and its mail still comes', async () => {
	const mailbox = addMailbox(contoso, 'instant-slow');
	const host = new Host(contoso, { mailbox });
	await host.start();
	try {
		await host.activate();
		contoso.emu.setLatency(3200); // one delta call slower than Graph's 3 s
		contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'slow' });
		await until(() => host.subjects().length === 1, 20_000);
		const [delivery] = contoso.emu.notifications.stats.deliveries.filter((d) => d.kind === 'change' && d.resourceId);
		expect(delivery.status).toBe(202);
		expect(delivery.ms).toBeLessThan(3000);
		expect(host.calls[0].ms).toBeGreaterThan(3000);
	} finally {
		await host.stop();
	}
}, 30_000);

test('a Graph that allows only 4,230 minutes: the refused maximum is retried with what Graph names, and kept', async () => {
	const mailbox = addMailbox(contoso, 'instant-older');
	contoso.emu.notifications.maxLifetimeMinutes = 4230;
	const host = new Host(contoso, { mailbox });
	await host.start();
	try {
		await host.activate();
		const [sub] = contoso.emu.notifications.list();
		const minutes = (Date.parse(sub.expirationDateTime) - Date.now()) / 60_000;
		expect(minutes).toBeGreaterThan(4200);
		expect(minutes).toBeLessThanOrEqual(4230);
		expect(host.state().subscription).toMatchObject({ id: sub.id, expiresAt: Date.parse(sub.expirationDateTime) });
	} finally {
		await host.stop();
	}
});

test('the clientState secret never appears in what the trigger emits or throws', async () => {
	const mailbox = addMailbox(contoso, 'instant-secret');
	const host = new Host(contoso, { mailbox });
	await host.start();
	try {
		await host.activate();
		const secret = String(host.state().clientState);
		expect(secret.length).toBeGreaterThanOrEqual(40);
		contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'visible' });
		await until(() => host.subjects().length === 1);
		expect(JSON.stringify(host.emitted)).not.toContain(secret);
		await expect(host.activate('http://plain')).rejects.not.toMatchObject({ message: expect.stringContaining(secret) });
	} finally {
		await host.stop();
	}
});

test('a lapse noticed by a notification (renewal finds the subscription gone): one error answered 500, a new subscription, and the retry emits the gap', async () => {
	const mailbox = addMailbox(contoso, 'instant-lapse');
	const host = new Host(contoso, { mailbox });
	await host.start();
	try {
		await host.activate();
		const [old] = contoso.emu.notifications.list();
		// Graph dropped it without a word, and half of its lifetime has passed: the next call renews.
		contoso.emu.notifications.forget(old.id);
		const sub = host.state().subscription as IDataObject;
		sub.grantedAt = Date.now() - 10 * 24 * 3600_000;
		contoso.emu.seedMessage(mailbox, 'inbox', { subject: 'in the gap' });
		// A notification still reaches us (an older subscription of ours to the same URL, say).
		const notify = () =>
			new Promise<number>((resolve, reject) => {
				const body = JSON.stringify({ value: [{ subscriptionId: old.id, clientState: host.state().clientState, changeType: 'created' }] });
				const req = https.request(`${host.baseUrl}/${WEBHOOK_ID}/graph-mail`, { method: 'POST', ca: contoso.emu.certPem, headers: { 'content-type': 'application/json' } }, (res) => {
					res.resume();
					res.on('end', () => resolve(res.statusCode ?? 0));
				});
				req.on('error', reject);
				req.end(body);
			});
		expect(await notify()).toBe(500);
		expect(host.errors.map((e) => e.message)).toEqual([expect.stringMatching(/subscription lapsed.*removed by Graph without a lifecycle notification/)]);
		const [fresh] = contoso.emu.notifications.list();
		expect(fresh.id).not.toBe(old.id);
		expect(host.subjects()).toEqual([]);
		// Graph retries the notification answered 500: the round emits the gap's mail, and no second error.
		expect(await notify()).toBe(202);
		expect(host.subjects()).toEqual(['in the gap']);
		expect(host.errors).toHaveLength(1);
	} finally {
		await host.stop();
	}
});
