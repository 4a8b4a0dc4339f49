/**
 * End-to-end: Send and Wait for Response in a real n8n 2.41 under `n8n start` (active workflows
 * started by a Webhook trigger), the built package (dist/), the emulator over HTTPS. The test reads
 * the links out of the delivered mail's HTML, fetched from Graph as a mail client would, and calls
 * them: the execution resumes with the answer, also after an n8n restart; an altered link is
 * refused and resumes nothing; a second answer changes nothing; the time limit fires.
 */
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { credentialRef, credentials, DAEMON_APP, nodeId, setNodePackage, setupTenant, TENANT, USERS } from './fixtures';
import { watchSecret } from '../harness/leakWatch';
import { chromiumInstalled, launchEditorBrowser } from './editorBrowser';
import { createN8n, httpsRequest, N8n, nodeOutput, REPO_ROOT, waitFor, type HttpResult } from './n8nHarness';

jest.setTimeout(6 * 60_000);

const DIST = path.join(REPO_ROOT, 'dist');
/** SEND_AND_WAIT_SCREENSHOTS=docs: the browser test also writes the README's screenshots there. */
const SHOTS = process.env.SEND_AND_WAIT_SCREENSHOTS ? path.resolve(REPO_ROOT, process.env.SEND_AND_WAIT_SCREENSHOTS) : undefined;
watchSecret(DAEMON_APP.secret.value, ...Object.values(USERS).map((u) => u.password));

const WF = { approval: 'e2eSendWaitAppr1', freeText: 'e2eSendWaitText1', customForm: 'e2eSendWaitForm1' } as const;
type Kind = keyof typeof WF;
const ASK = 'Send and Wait';

function askWorkflow(kind: Kind) {
	const id = WF[kind];
	const byKind: Record<Kind, object> = {
		approval: { responseType: 'approval', approvalOptions: { values: { approvalType: 'double', approveLabel: 'Approve', disapproveLabel: 'Decline' } } },
		freeText: { responseType: 'freeText' },
		customForm: {
			responseType: 'customForm',
			formFields: {
				values: [
					{ fieldLabel: 'Amount', fieldType: 'number', requiredField: true },
					{ fieldLabel: 'Cost centre', fieldType: 'dropdown', fieldOptions: { values: [{ option: 'Sales' }, { option: 'R&D' }] } },
				],
			},
		},
	};
	return {
		id,
		name: `Ask by mail (${kind})`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: nodeId(id, 'Start'),
				name: 'Start',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: nodeId(id, 'hook'),
				parameters: { httpMethod: 'POST', path: `ask-${kind}`, responseMode: 'onReceived' },
			},
			{
				id: nodeId(id, ASK),
				name: ASK,
				type: 'CUSTOM.microsoftGraphMail',
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					authentication: 'clientCredentials',
					resource: 'message',
					operation: 'sendAndWait',
					toRecipients: '={{ $json.body.to }}',
					ccRecipients: '={{ $json.body.cc ?? "" }}',
					subject: '={{ $json.body.subject }}',
					message: 'Invoice <7> from "Fabrikam" & Co.\nPlease decide.',
					...byKind[kind],
					options: {
						limitWaitTime: { values: { resumeAmount: '={{ $json.body.limitSeconds ?? 86400 }}', resumeUnit: 'seconds' } },
						// Free text: a Timed Out output; the others: the timeout marker on the one output.
						...(kind === 'freeText' ? { onTimeout: 'output' } : {}),
					},
				},
				credentials: credentialRef('clientCredentials'),
			},
			{ id: nodeId(id, 'Record'), name: 'Record', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [440, 0], parameters: {} },
			{ id: nodeId(id, 'Timed Out'), name: 'Timed Out', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [440, 200], parameters: {} },
		],
		connections: {
			Start: { main: [[{ node: ASK, type: 'main', index: 0 }]] },
			[ASK]: { main: kind === 'freeText' ? [[{ node: 'Record', type: 'main', index: 0 }], [{ node: 'Timed Out', type: 'main', index: 0 }]] : [[{ node: 'Record', type: 'main', index: 0 }]] },
		},
	};
}

describe('Send and Wait for Response in a real n8n', () => {
	let emu: any;
	let n8n: N8n;
	let graphToken: string;

	beforeAll(async () => {
		if (!fs.existsSync(path.join(DIST, 'nodes')) || process.env.E2E_BUILD === '1') {
			execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
		}
		setNodePackage('CUSTOM');
		// eslint-disable-next-line @typescript-eslint/no-var-requires
		const { startEmulator } = require('../../emulator/src');
		emu = await startEmulator({ tokenLifetimeSeconds: 3600 });
		setupTenant(emu);
		n8n = await createN8n({ customExtensionsDir: DIST, extraCaCertPath: emu.certPath });
		await n8n.importCredentials(credentials(emu.url));
		await n8n.importWorkflow(Object.keys(WF).map((k) => askWorkflow(k as Kind)));
		for (const id of Object.values(WF)) await n8n.publishWorkflow(id);
		await n8n.start();
		const token = await httpsRequest(`${emu.url}/${TENANT.id}/oauth2/v2.0/token`, {
			method: 'POST',
			caPath: emu.certPath,
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ grant_type: 'client_credentials', client_id: DAEMON_APP.clientId, client_secret: DAEMON_APP.secret.value, scope: `${emu.url}/.default` }).toString(),
		});
		graphToken = token.json.access_token;
	});

	afterAll(async () => {
		await n8n?.dispose();
		await emu?.stop();
	});

	/** Starts one execution through the active workflow's Webhook trigger. */
	async function ask(kind: Kind, body: Record<string, unknown>) {
		// Right after start n8n may still be registering the active workflows' webhooks (404).
		const r = await waitFor(
			async () => {
				const res = await n8n.http('POST', `/webhook/ask-${kind}`, body);
				return res.status === 404 ? undefined : res;
			},
			20_000,
			`the ask-${kind} webhook`,
			500,
		);
		expect(r.status).toBe(200);
	}

	/** The mail as a mail client gets it from Graph, and the links in its HTML body. */
	async function mailTo(upn: string, subject: string): Promise<{ html: string; links: Record<string, string> }> {
		const message = await waitFor(
			async () => {
				const r = await httpsRequest(`${emu.url}/v1.0/users/${encodeURIComponent(upn)}/mailFolders/inbox/messages?$select=subject,body&$top=200`, {
					caPath: emu.certPath,
					headers: { authorization: `Bearer ${graphToken}` },
				});
				return (r.json?.value ?? []).find((m: any) => m.subject === subject);
			},
			30_000,
			`the mail "${subject}" in ${upn}'s inbox`,
			500,
		);
		const html: string = message.body.content;
		const links: Record<string, string> = {};
		for (const m of html.matchAll(/<a href="([^"]+)" target="_blank"[^>]*>([^<]+)<\/a>/g)) links[m[2]] = m[1].replace(/&amp;/g, '&');
		return { html, links };
	}

	const executionIdOf = (link: string) => new URL(link).pathname.split('/')[2];
	async function execution(id: string) {
		const [row] = await n8n.query('SELECT status FROM execution_entity WHERE id = ?', [id]);
		return row?.status as string | undefined;
	}
	/** The mail goes out a moment before n8n has saved the execution as waiting. */
	async function waiting(id: string) {
		await waitFor(async () => (await execution(id)) === 'waiting', 20_000, `execution ${id} to wait`, 250);
	}
	async function finished(id: string) {
		await waitFor(async () => (await execution(id)) === 'success', 90_000, `execution ${id} to succeed`, 500);
		const [e] = (await n8n.executions()).filter((x) => x.id === id);
		return { ask: nodeOutput(e.data, ASK), record: nodeOutput(e.data, 'Record'), timedOut: nodeOutput(e.data, 'Timed Out') };
	}
	/** A link clicked in a browser (GET), or the form on its page submitted (POST) as the page's form encodes it. */
	function call(link: string, form?: Record<string, string>, multipart = false): Promise<HttpResult> {
		if (!form) return httpsRequest(link);
		if (!multipart) return httpsRequest(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
		const boundary = `----e2e${crypto.randomUUID()}`;
		const body = Object.entries(form)
			.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
			.join('') + `--${boundary}--\r\n`;
		return httpsRequest(link, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body });
	}

	it('approval: the link from the mail shows a confirmation, the POST resumes with approved: true; an altered link and a second answer change nothing', async () => {
		const tag = crypto.randomUUID().slice(0, 8);
		const subject = `Approve invoice 7 (${tag})`;
		await ask('approval', { to: USERS.alice.upn, cc: USERS.bob.upn, subject });
		const { html, links } = await mailTo(USERS.alice.upn, subject);
		expect(html).toContain('Invoice &lt;7&gt; from &quot;Fabrikam&quot; &amp; Co.<br>Please decide.');
		expect(Object.keys(links)).toEqual(['Approve', 'Decline']);
		const id = executionIdOf(links.Approve);
		await waiting(id);

		// Decline's link with its answer turned into an approval: the signature no longer matches.
		const altered = links.Decline.replace('approved=false', 'approved=true');
		for (const bad of [altered, links.Approve.replace(/signature=[0-9a-f]{4}/, 'signature=0000'), links.Approve.replace(/[?&]signature=[^&]+/, '')]) {
			const refused = await call(bad, {});
			expect(refused.status).toBe(401);
			expect(refused.body).toContain('Invalid Form Link');
		}
		expect(await execution(id)).toBe('waiting');

		const page = await call(links.Approve);
		expect(page.status).toBe(200);
		expect(page.body).toContain('<form method="post"><button type="submit" class="primary">Approve</button>');
		expect(await execution(id)).toBe('waiting');

		const recorded = await call(links.Approve, {});
		expect(recorded.status).toBe(200);
		expect(recorded.body).toContain('Thanks, your response was recorded');
		const out = await finished(id);
		expect(out.ask).toEqual([{ data: { approved: true } }]);
		expect(out.record).toEqual([{ data: { approved: true } }]);

		// Alice clicks again: nothing more is needed, the first answer stands.
		const again = await call(links.Approve, {});
		expect([again.status, again.body.includes('No action required')]).toEqual([200, true]);

		// Bob (in CC) answers afterwards, with the other button: n8n says nothing more is needed.
		const { links: bobLinks } = await mailTo(USERS.bob.upn, subject);
		expect(bobLinks.Decline).toBe(links.Decline);
		const late = await call(bobLinks.Decline, {});
		expect([late.status, late.body.includes('No action required')]).toEqual([200, true]);
		expect((await finished(id)).ask).toEqual([{ data: { approved: true } }]);
	});

	it('free text and custom form: the form page, a refused submission, then the answer as data', async () => {
		const tag = crypto.randomUUID().slice(0, 8);
		await ask('freeText', { to: USERS.alice.upn, subject: `Why? (${tag})` });
		await ask('customForm', { to: USERS.alice.upn, subject: `Which budget? (${tag})` });
		const text = await mailTo(USERS.alice.upn, `Why? (${tag})`);
		const form = await mailTo(USERS.alice.upn, `Which budget? (${tag})`);
		for (const m of [text, form]) await waiting(executionIdOf(m.links.Respond));

		const textPage = await call(text.links.Respond);
		expect(textPage.body).toContain('<form method="post" enctype="multipart/form-data">');
		expect(textPage.body).toContain('<textarea id="field-0" name="field-0" required>');
		expect((await call(text.links.Respond, { 'field-0': 'Because <the> client asked' }, true)).status).toBe(200);
		const textOut = await finished(executionIdOf(text.links.Respond));
		expect(textOut.record).toEqual([{ data: { text: 'Because <the> client asked' } }]);
		expect(textOut.timedOut).toEqual([]);

		const refused = await call(form.links.Respond, { 'field-0': 'lots', 'field-1': 'Sales' }, true);
		expect(refused.status).toBe(400);
		expect(refused.body).toContain('&quot;Amount&quot; must be a number.');
		expect(await execution(executionIdOf(form.links.Respond))).toBe('waiting');
		expect((await call(form.links.Respond, { 'field-0': '1200', 'field-1': 'R&D' }, true)).status).toBe(200);
		expect((await finished(executionIdOf(form.links.Respond))).record).toEqual([{ data: { Amount: 1200, 'Cost centre': 'R&D' } }]);
	});

	it('survives an n8n restart while waiting; the time limit fires with the timeout marker, or on the Timed Out output; a link after the timeout resumes nothing', async () => {
		const tag = crypto.randomUUID().slice(0, 8);
		await ask('approval', { to: USERS.alice.upn, subject: `Across a restart (${tag})` });
		await ask('approval', { to: USERS.alice.upn, subject: `Nobody answers (${tag})`, limitSeconds: 4 });
		await ask('freeText', { to: USERS.alice.upn, subject: `Nobody writes (${tag})`, limitSeconds: 4 });
		const across = await mailTo(USERS.alice.upn, `Across a restart (${tag})`);
		const expiring = await mailTo(USERS.alice.upn, `Nobody answers (${tag})`);
		const waitingId = executionIdOf(across.links.Decline);
		const expiringId = executionIdOf(expiring.links.Approve);
		const unwritten = await mailTo(USERS.alice.upn, `Nobody writes (${tag})`);
		const unwrittenId = executionIdOf(unwritten.links.Respond);
		await waiting(waitingId);
		await waiting(expiringId).catch(() => undefined); // may already have timed out

		await n8n.stop();
		await n8n.start();
		expect(await execution(waitingId)).toBe('waiting');

		expect((await call(across.links.Decline, {})).status).toBe(200);
		expect((await finished(waitingId)).record).toEqual([{ data: { approved: false } }]);

		const timedOut = await finished(expiringId);
		expect(timedOut.record).toEqual([{ timedOut: true, data: {}, waitedUntil: expect.any(String), messageSubject: `Nobody answers (${tag})` }]);
		// Timed Out output: the marker leaves on it; the Response branch does not run.
		const unwrittenOut = await finished(unwrittenId);
		expect(unwrittenOut.timedOut).toEqual([expect.objectContaining({ timedOut: true, messageSubject: `Nobody writes (${tag})` })]);
		expect(unwrittenOut.record).toEqual([]);
		const late = await call(expiring.links.Approve, {});
		expect([late.status, late.body.includes('No action required')]).toEqual([200, true]);
		expect((await finished(expiringId)).record[0].timedOut).toBe(true);
	});
	(chromiumInstalled() ? it : it.skip)('in a browser: the person opens the link from the mail, confirms, and the workflow continues (n8n\'s sandboxed page lets the form post)', async () => {
		const tag = crypto.randomUUID().slice(0, 8);
		const subject = `Approve purchase order 4711 (${tag})`;
		await ask('approval', { to: USERS.alice.upn, subject });
		const { html, links } = await mailTo(USERS.alice.upn, subject);
		const id = executionIdOf(links.Approve);
		await waiting(id);
		const browser = await launchEditorBrowser();
		try {
			const { page } = browser;
			await page.setViewportSize({ width: 900, height: 640 });
			if (SHOTS) {
				// The mail roughly as a mail client shows it: headers, then the HTML body.
				const header = `<div style="font-family:Segoe UI,Arial,sans-serif;border-bottom:1px solid #ddd;padding:12px 16px;background:#fafafa"><div style="font-size:18px;font-weight:600">${subject.replace(/</g, '&lt;')}</div><div style="color:#555;font-size:13px;margin-top:4px">From: Service Mailbox &lt;${USERS.service.upn}&gt; · To: ${USERS.alice.upn}</div></div>`;
				await page.setContent(html.replace(/<body([^>]*)>/, `<body$1>${header}<div style="padding:8px 16px">`));
				await page.screenshot({ path: path.join(SHOTS, 'send-and-wait-mail.png') });
			}
			await page.goto(links.Approve);
			await page.getByRole('button', { name: 'Approve' }).waitFor();
			if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'send-and-wait-confirm.png') });
			expect(await execution(id)).toBe('waiting');
			await page.getByRole('button', { name: 'Approve' }).click();
			await page.getByText('Thanks, your response was recorded').waitFor();
			if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'send-and-wait-recorded.png') });
			expect((await finished(id)).record).toEqual([{ data: { approved: true } }]);

			if (SHOTS) {
				const formSubject = `Which budget? (${tag})`;
				await ask('customForm', { to: USERS.alice.upn, subject: formSubject });
				const form = await mailTo(USERS.alice.upn, formSubject);
				await waiting(executionIdOf(form.links.Respond));
				await page.goto(form.links.Respond);
				await page.getByRole('button', { name: 'Submit' }).waitFor();
				await page.screenshot({ path: path.join(SHOTS, 'send-and-wait-form.png') });
				await page.getByLabel(/Amount/).fill('1200');
				await page.getByLabel(/Cost centre/).selectOption('R&D');
				await page.getByRole('button', { name: 'Submit' }).click();
				await page.getByText('Thanks, your response was recorded').waitFor();
				expect((await finished(executionIdOf(form.links.Respond))).record).toEqual([{ data: { Amount: 1200, 'Cost centre': 'R&D' } }]);
			}
		} finally {
			await browser.close();
		}
	});
});
