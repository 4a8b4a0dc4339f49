/**
 * Debian's headless Chromium driven by playwright-core, for what a person sees in n8n's editor
 * (test/e2e/editor.e2e.test.ts) and for the README's screenshots (scripts/demo.ts --screenshots).
 *
 * The browser reaches 127.0.0.1 only: every other host name resolves to nothing, so the editor
 * cannot call out to n8n's or anyone's servers.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OWNER } from './n8nHarness';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for a quiet, offline, throw-away headless browser. */
const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--hide-scrollbars',
	'--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

export const VIEWPORT = { width: 1440, height: 1000 };

export function chromiumInstalled(): boolean {
	return fs.existsSync(CHROMIUM_PATH);
}

// playwright-core's own types are not used: the test must type-check before it is a devDependency.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type Page = any;
export type BrowserContext = any;

export interface EditorBrowser {
	context: BrowserContext;
	page: Page;
	close(): Promise<void>;
}

/** A fresh profile (its own --user-data-dir), removed on close. */
export async function launchEditorBrowser(): Promise<EditorBrowser> {
	// eslint-disable-next-line @typescript-eslint/no-var-requires
	const { chromium } = require('playwright-core');
	const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-e2e-'));
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: CHROMIUM_PATH,
		headless: true,
		args: CHROMIUM_FLAGS,
		viewport: VIEWPORT,
		deviceScaleFactor: 1,
	});
	const page = context.pages()[0] ?? (await context.newPage());
	return {
		context,
		page,
		async close() {
			await context.close().catch(() => undefined);
			fs.rmSync(userDataDir, { recursive: true, force: true });
		},
	};
}

/** Signs in on n8n's sign-in page as the owner, the way a person does. */
export async function signInAsOwner(page: Page, n8nUrl: string): Promise<void> {
	await page.goto(`${n8nUrl}/signin`);
	await page.getByLabel(/email/i).first().fill(OWNER.email);
	await page.getByLabel(/password/i).first().fill(OWNER.password);
	await page.getByRole('button', { name: /sign in/i }).click();
	await page.waitForURL((u: URL) => !u.pathname.startsWith('/signin'), { timeout: 30_000 });
}

/** Opens a node's panel by its link (/workflow/<id>/<node id>) and waits until its parameters show. */
export async function openNodePanel(page: Page, n8nUrl: string, workflowId: string, nodeId: string, firstLabel: string): Promise<void> {
	await page.goto(`${n8nUrl}/workflow/${workflowId}/${nodeId}`);
	await page.getByText(firstLabel, { exact: true }).first().waitFor({ timeout: 60_000 });
}

/** A node parameter's input (n8n marks each with data-parameter-path). */
export const parameterInput = (page: Page, name: string) => page.locator(`[data-parameter-path="parameters.${name}"]`).first();

/**
 * Waits until a dropdown filled by a loadOptions method has its options. While the request runs,
 * n8n shows the field disabled with an empty "Select" and no chips.
 */
export async function waitForOptionsLoaded(page: Page, name: string, timeoutMs = 60_000): Promise<void> {
	await parameterInput(page, name).locator('.el-select:not(.el-select--disabled)').first().waitFor({ timeout: timeoutMs });
}

/** Option names visible in the open dropdown. */
export async function visibleOptions(page: Page): Promise<string[]> {
	return (await page.locator('.el-select-dropdown__item:visible').allInnerTexts()).map((t: string) => t.trim());
}

/**
 * Opens a credential, changes nothing but touches a field so Save is enabled, and saves: n8n
 * then runs the credential's test and shows its banner. Returns the banner's words.
 */
export async function saveAndTestCredential(page: Page, n8nUrl: string, credentialId: string, fieldToTouch: string): Promise<string> {
	await page.goto(`${n8nUrl}/home/credentials/${credentialId}`);
	const input = page.locator(`[data-test-id="parameter-input-${fieldToTouch}"] input`).first();
	await input.waitFor({ timeout: 60_000 });
	const value = await input.inputValue();
	await input.fill(`${value} `);
	await input.fill(value);
	await page.locator('[data-test-id="credential-save-button"]').click();
	const banner = page.getByText(/Connection tested successfully|Couldn.t connect with these settings/).first();
	await banner.waitFor({ timeout: 60_000 });
	const details = page.getByText('More details', { exact: true });
	if (await details.isVisible()) await details.click();
	return page.locator('[data-test-id="editCredential-modal"]').innerText();
}

/** Hides n8n's "Production Checklist" popover, which covers the canvas in screenshots. */
export async function hidePopovers(page: Page): Promise<void> {
	await page
		.evaluate(() => {
			const doc = (globalThis as any).document;
			const title = [...doc.querySelectorAll('body *')].find((e: any) =>
				[...e.childNodes].some((n: any) => n.nodeType === 3 && n.textContent.trim() === 'Production Checklist'),
			);
			for (let e = title; e && e !== doc.body; e = e.parentElement) {
				const pos = (globalThis as any).getComputedStyle(e).position;
				if (pos === 'absolute' || pos === 'fixed') {
					e.style.display = 'none';
					break;
				}
			}
		})
		.catch(() => undefined);
}

/** Writes a screenshot into dir (when dir is set). */
export async function screenshot(page: Page, dir: string | undefined, file: string): Promise<void> {
	if (!dir) return;
	fs.mkdirSync(dir, { recursive: true });
	await hidePopovers(page);
	await page.screenshot({ path: path.join(dir, file) });
}
