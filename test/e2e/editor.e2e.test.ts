/**
 * What a person sees in n8n's editor (a real n8n 2.41.1, Debian's headless Chromium driven by
 * playwright-core): the trigger's folder list filled, the action node's folder picker searchable,
 * a credential's test banner for a good and for a wrong secret.
 *
 * E2E_SCREENSHOTS=docs (a folder, relative to the repository) also writes the README's screenshots.
 * Without /usr/bin/chromium the file is skipped, unless CI is set (CI must run it).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
	CRED_IDS,
	DAEMON_APP,
	credentials,
	forwardWorkflow,
	getMessagesWorkflow,
	nodeId,
	sendMailWorkflow,
	setupTenant,
	USERS,
} from './fixtures';
import { watchSecret } from '../harness/leakWatch';
import {
	chromiumInstalled,
	CHROMIUM_PATH,
	launchEditorBrowser,
	openNodePanel,
	parameterInput,
	saveAndTestCredential,
	screenshot,
	signInAsOwner,
	visibleOptions,
	waitForOptionsLoaded,
	type EditorBrowser,
	type Page,
} from './editorBrowser';
import { createN8n, emulatorSignIn, N8n, REPO_ROOT } from './n8nHarness';

jest.setTimeout(10 * 60_000);

const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
const RUN = chromiumInstalled() || IN_CI;
if (!RUN) console.warn(`editor.e2e skipped: ${CHROMIUM_PATH} not found (apt-get install -y chromium); under CI=true it runs`);

const SHOTS = process.env.E2E_SCREENSHOTS ? path.resolve(REPO_ROOT, process.env.E2E_SCREENSHOTS) : undefined;
const WF = { forward: 'edForward0000001', get: 'edGetMessages001', send: 'edSendMail000001' };

watchSecret(DAEMON_APP.secret.value, ...Object.values(USERS).map((u) => u.password));

(RUN ? describe : describe.skip)(`n8n's editor in a browser${RUN ? '' : ` (skipped: ${CHROMIUM_PATH} not installed)`}`, () => {
	let emu: any;
	let n8n: N8n;
	let browser: EditorBrowser;
	let page: Page;

	beforeAll(async () => {
		if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'nodes'))) {
			execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
		}
		// eslint-disable-next-line @typescript-eslint/no-var-requires
		const { startEmulator } = require('../../emulator/src');
		emu = await startEmulator({ tokenLifetimeSeconds: 3600 });
		n8n = await createN8n({ communityPackageDir: REPO_ROOT, extraCaCertPath: emu.certPath });
		setupTenant(emu, { redirectUri: `${n8n.url}/rest/oauth2-credential/callback` });
		// The service mailbox's own folders, beside the well-known ones.
		emu.createFolder(USERS.service.upn, 'inbox', 'Invoices');
		emu.createFolder(USERS.service.upn, 'msgfolderroot', 'Projects');
		await n8n.importCredentials(credentials(emu.url));
		const get = getMessagesWorkflow(WF.get, 'clientCredentials', { filters: { subjectContains: 'Invoice' }, mailbox: USERS.service.upn });
		// The Folder field as a person leaves it: picked From List.
		Object.assign(get.nodes[1].parameters, { folder: { __rl: true, mode: 'list', value: 'inbox', cachedResultName: 'Inbox' } });
		await n8n.importWorkflow([
			forwardWorkflow(WF.forward, { watch: USERS.service.upn, forwardTo: USERS.archive.upn }),
			get,
			sendMailWorkflow(WF.send, 'clientCredentials', {
				to: USERS.alice.upn,
				subject: 'Quarterly report',
				body: 'Sent by n8n from the service mailbox.',
				attachmentPath: path.join(n8n.filesDir, 'quarterly-report.pdf'),
			}),
		]);
		await n8n.start();
		await n8n.login(); // creates the owner the browser signs in as
		// Only the OAuth2 credential's screenshot needs it connected.
		if (SHOTS) await n8n.connectOAuth2(CRED_IDS.oAuth2, (authUrl) => emulatorSignIn(authUrl, USERS.bob.upn, USERS.bob.password, emu.certPath));
		browser = await launchEditorBrowser();
		page = browser.page;
		await signInAsOwner(page, n8n.url);
	});

	afterAll(async () => {
		await browser?.close();
		await n8n?.dispose();
		await emu?.stop();
	});

	it("the trigger's Folder Names or IDs list shows the mailbox's folders", async () => {
		if (SHOTS) {
			await page.goto(`${n8n.url}/workflow/${WF.forward}`);
			await page.getByText('Forward', { exact: true }).first().waitFor({ timeout: 60_000 });
			await screenshot(page, SHOTS, 'n8n-workflow-new-mail-forward.png');
		}
		const asked = page.waitForResponse((r: any) => r.url().includes('/rest/dynamic-node-parameters/options'), { timeout: 90_000 });
		await openNodePanel(page, n8n.url, WF.forward, nodeId(WF.forward, 'New Mail'), 'Folder Names or IDs');
		const answer = await asked;
		expect(answer.status()).toBe(200);
		// The field stays disabled and empty until this answer: on a busy machine the first one took 16 s.
		await answer.finished();
		console.log(`first folder list answered ${Math.round(answer.request().timing().responseEnd)} ms after the editor asked`);
		// While the editor waits for the list it shows the field disabled and empty; then the chip.
		await waitForOptionsLoaded(page, 'folders');
		const field = parameterInput(page, 'folders');
		await expect(field.innerText()).resolves.toContain('Inbox');
		await field.click();
		await page.getByRole('option', { name: 'Inbox/Invoices' }).waitFor({ timeout: 10_000 });
		const options = await visibleOptions(page);
		expect(options).toEqual(expect.arrayContaining(['Inbox', 'Sent Items', 'Drafts', 'Projects', 'Inbox/Invoices']));
		await field.scrollIntoViewIfNeeded();
		await screenshot(page, SHOTS, 'n8n-node-new-mail-trigger.png');
		await page.keyboard.press('Escape');
	});

	it("the action node's Folder picker finds a folder by a part of its name", async () => {
		await openNodePanel(page, n8n.url, WF.get, nodeId(WF.get, 'Get Messages'), 'Look In');
		await page.locator('[data-test-id="rlc-input"]').first().click();
		// The list opens with the search box focused, filled by the searchFolders method.
		await page.locator('[data-test-id="rlc-item"]', { hasText: 'Projects' }).first().waitFor({ timeout: 60_000 });
		await page.keyboard.type('invoi');
		const match = page.locator('[data-test-id="rlc-item"]', { hasText: 'Inbox/Invoices' });
		await match.first().waitFor({ timeout: 30_000 });
		await page.locator('[data-test-id="rlc-item"]', { hasText: 'Projects' }).first().waitFor({ state: 'detached', timeout: 30_000 });
		await screenshot(page, SHOTS, 'n8n-node-get-messages.png');
		await page.keyboard.press('Escape');
	});

	it("a credential's test shows success for the right secret", async () => {
		const modal = await saveAndTestCredential(page, n8n.url, CRED_IDS.clientCredentials, 'defaultMailbox');
		expect(modal).toContain('Connection tested successfully');
		await screenshot(page, SHOTS, 'n8n-credential-client-credentials.png');
	});

	it('a secret ID pasted instead of the secret value shows the AADSTS advice', async () => {
		const modal = await saveAndTestCredential(page, n8n.url, CRED_IDS.badSecret, 'defaultMailbox');
		expect(modal).toMatch(/Couldn.t connect with these settings/);
		expect(modal).toContain('AADSTS7000215');
		expect(modal).toContain('Copy the secret VALUE (shown once when created), not the Secret ID.');
		await screenshot(page, SHOTS, 'n8n-credential-wrong-secret.png');
	});

	if (SHOTS) {
		it('screenshots of the Send Mail workflow and the OAuth2 credential', async () => {
			await page.goto(`${n8n.url}/workflow/${WF.send}`);
			await page.getByText('Read Attachment', { exact: true }).first().waitFor({ timeout: 60_000 });
			await screenshot(page, SHOTS, 'n8n-workflow-send-mail.png');
			await openNodePanel(page, n8n.url, WF.send, nodeId(WF.send, 'Send Mail'), 'Body Content Type');
			await screenshot(page, SHOTS, 'n8n-node-send-mail.png');
			await page.goto(`${n8n.url}/home/credentials/${CRED_IDS.oAuth2}`);
			await page.getByText('Tenant ID').first().waitFor({ timeout: 60_000 });
			await screenshot(page, SHOTS, 'n8n-credential-oauth2.png');
		});
	}
});
