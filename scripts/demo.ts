/**
 * `npm start`: the package inside a real n8n, against the Microsoft 365 emulator.
 *
 *  1. builds the package (npm run build) unless --no-build,
 *  2. installs the pinned n8n into .cache/ if missing (scripts/n8n/install.sh),
 *  3. starts the emulator with a demo tenant and mailboxes,
 *  4. starts n8n with the package installed as a community package (packed, under
 *     <user folder>/.n8n/nodes), the emulator's certificate
 *     trusted (NODE_EXTRA_CA_CERTS), demo credentials and workflows imported, the owner account
 *     created and the OAuth2 credential connected,
 *  5. prints where to click, and keeps running until Ctrl-C.
 *
 * `--once` (also when CI=true): runs the demo workflows, prints a short report, exits 0 or 1.
 * `--screenshots [dir]`: after the --once run, screenshots of n8n's editor (Debian's headless Chromium,
 * driven by playwright-core) and of the report into dir (default docs/), then exits.
 * Options: --port N (n8n, default 5678 when free), --emulator-port N, --no-build.
 */
import { spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import {
  CRED_IDS,
  credentials,
  forwardWorkflow,
  replyMoveReadWorkflow,
  getMessagesWorkflow,
  sendMailWorkflow,
  setupTenant,
  TENANT,
  USERS,
} from '../test/e2e/fixtures';
import { createN8n, emulatorSignIn, ensureN8nInstalled, freePort, N8n, nodeOutput, OWNER, REPO_ROOT, waitFor } from '../test/e2e/n8nHarness';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const opt = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const SHOTS = flag('--screenshots');
const SHOTS_DIR = path.resolve(REPO_ROOT, (opt('--screenshots') && !opt('--screenshots')!.startsWith('--') ? opt('--screenshots') : 'docs')!);
const ONCE = SHOTS || flag('--once') || process.env.CI === 'true' || process.env.CI === '1';

const WF = {
  sendCC: 'demoSendCC000001',
  sendPW: 'demoSendPW000001',
  sendOA: 'demoSendOA000001',
  getFiltered: 'demoGetFilter001',
  forward: 'demoForward00001',
  replyMove: 'demoReplyMove001',
};

const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1);
const say = (s: string) => console.log(`[demo ${secs()}s] ${s}`);

function sh(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`))));
  });
}

async function portOr(preferred: number): Promise<number> {
  const net = await import('net');
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => freePort().then(resolve));
    s.listen(preferred, '127.0.0.1', () => s.close(() => resolve(preferred)));
  });
}

function seedDemoMail(emu: any) {
  const from = (address: string, name: string) => ({ emailAddress: { address, name } });
  const seeds = [
    { subject: 'Invoice 2024-001 from Fabrikam', from: from('billing@fabrikam.example', 'Fabrikam Billing') },
    { subject: 'Lunch on Friday?', from: from(USERS.bob.upn, USERS.bob.displayName) },
    { subject: 'Invoice 2024-002 from Fabrikam', from: from('billing@fabrikam.example', 'Fabrikam Billing') },
    { subject: 'Your weekly report', from: from('reports@northwind.example', 'Northwind Reports') },
  ];
  for (const s of seeds)
    emu.seedMessage(USERS.service.upn, 'inbox', {
      ...s,
      toRecipients: [from(USERS.service.upn, USERS.service.displayName)],
      body: { contentType: 'text', content: `${s.subject}\n\nSeeded by the demo.` },
    });
}

function mailboxSummary(emu: any): string {
  const lines: string[] = [];
  for (const u of Object.values(USERS)) {
    for (const folder of ['inbox', 'sentitems']) {
      const msgs = emu.messages(u.upn, folder) as any[];
      lines.push(`  ${u.upn.padEnd(26)} ${folder.padEnd(9)} ${String(msgs.length).padStart(3)} message(s)`);
      for (const m of msgs.slice(-5)) {
        const att = (m.attachments ?? []).map((a: any) => `${a.name} ${(a.size / 1048576).toFixed(1)} MB`).join(', ');
        lines.push(`      · ${m.subject}${att ? `  [${att}]` : ''}`);
      }
    }
  }
  return lines.join('\n');
}

async function main() {
  if (!flag('--no-build')) {
    say('building the package (npm run build)');
    await sh('npm', ['run', '--silent', 'build']);
  }
  const dist = path.join(REPO_ROOT, 'dist');
  if (!fs.existsSync(dist)) throw new Error('dist/ missing: run npm run build');

  say('ensuring n8n is installed (scripts/n8n/install.sh; about 5 minutes the first time)');
  await ensureN8nInstalled();

  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { startEmulator } = require(path.join(REPO_ROOT, 'emulator', 'src'));
  const emuPort = opt('--emulator-port') ? Number(opt('--emulator-port')) : 0;
  const emu = await startEmulator({ port: emuPort, tokenLifetimeSeconds: 3600 });
  const n8nPort = opt('--port') ? Number(opt('--port')) : await portOr(5678);
  const redirectUri = `http://127.0.0.1:${n8nPort}/rest/oauth2-credential/callback`;
  setupTenant(emu, { redirectUri });
  seedDemoMail(emu);
  emu.createFolder(USERS.bob.upn, 'inbox', 'Handled');
  say(`emulator at ${emu.url} (certificate ${emu.certPath})`);

  const n8n = await createN8n({ communityPackageDir: REPO_ROOT, extraCaCertPath: emu.certPath, port: n8nPort });
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping n8n and the emulator');
    await n8n.dispose().catch(() => undefined);
    await emu.stop().catch(() => undefined);
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    const attachment = path.join(n8n.filesDir, 'quarterly-report.pdf');
    fs.writeFileSync(attachment, crypto.randomBytes(5 * 1024 * 1024));

    await n8n.importCredentials(credentials(emu.url));
    await n8n.importWorkflow([
      sendMailWorkflow(WF.sendCC, 'clientCredentials', {
        to: USERS.alice.upn,
        subject: 'Quarterly report (client credentials, 5 MB attachment)',
        body: 'Sent by n8n from the service mailbox with an app-only token.',
        attachmentPath: attachment,
      }),
      sendMailWorkflow(WF.sendPW, 'password', {
        to: USERS.bob.upn,
        subject: 'Hello Bob (username & password)',
        body: 'Sent by n8n as Alice with a ROPC token.',
      }),
      sendMailWorkflow(WF.sendOA, 'oAuth2', {
        to: USERS.alice.upn,
        subject: 'Hello Alice (OAuth2)',
        body: "Sent by n8n as Bob with a token from n8n's OAuth2 sign-in.",
      }),
      getMessagesWorkflow(WF.getFiltered, 'clientCredentials', { filters: { subjectContains: 'Invoice', from: 'billing@fabrikam.example' } }),
      forwardWorkflow(WF.forward, { watch: USERS.service.upn, forwardTo: USERS.archive.upn, pollSeconds: 5 }),
      // Inactive: watches Bob's inbox (activate it in the editor); replies, files the mail under Inbox/Handled, marks it read.
      replyMoveReadWorkflow(WF.replyMove, { watch: USERS.bob.upn, folderPath: 'Inbox/Handled', pollSeconds: 5 }),
    ]);
    await n8n.publishWorkflow(WF.forward);
    say('credentials and workflows imported; starting n8n');
    await n8n.start();
    await n8n.login();
    await n8n.connectOAuth2(CRED_IDS.oAuth2, (authUrl) => emulatorSignIn(authUrl, USERS.bob.upn, USERS.bob.password, emu.certPath));
    say("OAuth2 credential connected through n8n's own callback (signed in as Bob)");

    if (ONCE) {
      const { ok, report } = await runOnce(n8n, emu);
      if (SHOTS) await screenshots(n8n, report);
      await shutdown(ok ? 0 : 1);
      return;
    }

    console.log(`
────────────────────────────────────────────────────────────────────────────
 n8n with n8n-nodes-graph-mail is running:   ${n8n.url}
   sign in as ${OWNER.email} / ${OWNER.password}

 Demo workflows (open, then "Execute workflow"):
   ${n8n.url}/workflow/${WF.sendCC}   Send Mail, client credentials, 5 MB attachment
   ${n8n.url}/workflow/${WF.sendPW}   Send Mail, username & password
   ${n8n.url}/workflow/${WF.sendOA}   Send Mail, OAuth2 (already connected as Bob)
   ${n8n.url}/workflow/${WF.getFiltered}   Get Messages with a filter
   ${n8n.url}/workflow/${WF.forward}   New Mail → forward (active, polls every 5 s)
   ${n8n.url}/workflow/${WF.replyMove}   New Mail (Bob) → Reply → Move to Inbox/Handled → Mark read (activate it to try)
 Credentials: ${n8n.url}/home/credentials  (open one and press "Retry"/"Test")

 Microsoft 365 emulator: ${emu.url}   tenant ${TENANT.domain} (${TENANT.id})
   sign-in page users: ${USERS.alice.upn} / ${USERS.alice.password}, ${USERS.bob.upn} / ${USERS.bob.password}
   new mail for the trigger (forwarded to ${USERS.archive.upn} within 5 s):
     curl --cacert ${emu.certPath} -H 'content-type: application/json' \\
       -d '{"subject":"Hello trigger","body":{"contentType":"text","content":"hi"}}' \\
       ${emu.url}/_emulator/mailboxes/${USERS.service.upn}/messages

 Mailboxes now:
${mailboxSummary(emu)}

 Ctrl-C stops everything.
────────────────────────────────────────────────────────────────────────────`);
    // Keep printing what arrives.
    let last = '';
    setInterval(() => {
      const now = mailboxSummary(emu);
      if (now !== last && last) console.log(`[demo ${secs()}s] mailboxes changed:\n${now}`);
      last = now;
    }, 5000);
  } catch (e) {
    console.error(e);
    console.error(n8n.log.slice(-3000));
    await shutdown(1);
  }
}

async function runOnce(n8n: N8n, emu: any): Promise<{ ok: boolean; report: string }> {
  const results: Array<{ what: string; ok: boolean; detail: string; ms: number }> = [];
  const check = async (what: string, fn: () => Promise<string>) => {
    const t = Date.now();
    try {
      const detail = await fn();
      results.push({ what, ok: true, detail, ms: Date.now() - t });
    } catch (e) {
      results.push({ what, ok: false, detail: String((e as Error).message).split('\n')[0].slice(0, 300), ms: Date.now() - t });
    }
  };

  for (const [kind, id] of Object.entries({ clientCredentials: CRED_IDS.clientCredentials, password: CRED_IDS.password, oAuth2: CRED_IDS.oAuth2 })) {
    await check(`credential test: ${kind}`, async () => {
      const r = await n8n.testCredential(id);
      if (r.status !== 'OK') throw new Error(r.message);
      return r.message;
    });
  }
  const inboxCount = (upn: string) => (emu.messages(upn, 'inbox') as any[]).length;
  const sent = async (wf: string, to: string, label: string) =>
    check(label, async () => {
      const before = inboxCount(to);
      await n8n.execute(wf);
      const after = inboxCount(to);
      if (after !== before + 1) throw new Error(`${to} inbox: ${before} → ${after}`);
      const m = (emu.messages(to, 'inbox') as any[]).slice(-1)[0];
      const att = (m.attachments ?? []).map((a: any) => `${a.name} (${a.size} bytes)`).join(', ');
      return `"${m.subject}" delivered to ${to}${att ? ` with ${att}` : ''}`;
    });
  await sent(WF.sendCC, USERS.alice.upn, 'Send Mail, client credentials, 5 MB attachment');
  await sent(WF.sendPW, USERS.bob.upn, 'Send Mail, username & password');
  await sent(WF.sendOA, USERS.alice.upn, 'Send Mail, OAuth2');
  await check('Get Messages with a filter', async () => {
    const run = await n8n.execute(WF.getFiltered);
    const subjects = nodeOutput(run, 'Get Messages').map((m) => m.subject);
    const expected = (emu.messages(USERS.service.upn, 'inbox') as any[]).map((m) => m.subject).filter((s: string) => s.startsWith('Invoice'));
    if (subjects.sort().join('|') !== expected.sort().join('|')) throw new Error(`got ${JSON.stringify(subjects)}, expected ${JSON.stringify(expected)}`);
    return `${subjects.length} matching message(s): ${subjects.join('; ')}`;
  });
  await check('New Mail trigger → forward (active workflow)', async () => {
    const subject = `Urgent: demo mail ${new Date().toISOString()}`;
    emu.seedMessage(USERS.service.upn, 'inbox', {
      subject,
      from: { emailAddress: { address: 'customer@fabrikam.example', name: 'A Customer' } },
      toRecipients: [{ emailAddress: { address: USERS.service.upn } }],
      body: { contentType: 'text', content: 'Please forward me.' },
    });
    const fwd = await waitFor(
      () => (emu.messages(USERS.archive.upn, 'inbox') as any[]).find((m) => m.subject.includes(subject)),
      90_000,
      'the forwarded mail',
      1000,
    );
    return `"${fwd.subject}" arrived at ${USERS.archive.upn}`;
  });

  const failed = results.filter((r) => !r.ok).length;
  const report = [
    '',
    ' Demo report',
    ' ───────────',
    ...results.map((r) => ` ${r.ok ? 'PASS' : 'FAIL'}  ${r.what.padEnd(48)} ${(r.ms / 1000).toFixed(1).padStart(5)} s  ${r.detail}`),
    '',
    ' Mailboxes:',
    mailboxSummary(emu),
    '',
    `${results.length - failed} passed, ${failed} failed`,
  ].join('\n');
  console.log(report);
  return { ok: failed === 0, report };
}

/**
 * Screenshots of the editor (signed in as the owner) and of the report, with Debian's Chromium
 * driven by playwright-core (test/e2e/editorBrowser.ts; the same helpers as the browser test).
 * Each shot waits for what it shows: the trigger's folder list is shot once its options loaded.
 */
async function screenshots(n8n: N8n, report: string) {
  const { launchEditorBrowser, signInAsOwner, openNodePanel, waitForOptionsLoaded, screenshot } = await import('../test/e2e/editorBrowser');
  const { nodeId } = await import('../test/e2e/fixtures');
  say(`taking screenshots into ${SHOTS_DIR}`);
  const browser = await launchEditorBrowser();
  const page = browser.page;
  try {
    await signInAsOwner(page, n8n.url);
    const canvas = async (id: string, text: string, file: string) => {
      await page.goto(`${n8n.url}/workflow/${id}`);
      await page.getByText(text, { exact: true }).first().waitFor({ timeout: 60_000 });
      await screenshot(page, SHOTS_DIR, file);
    };
    const panel = async (id: string, node: string, label: string, file: string) => {
      await openNodePanel(page, n8n.url, id, nodeId(id, node), label);
      await screenshot(page, SHOTS_DIR, file);
    };
    await canvas(WF.forward, 'Forward', 'n8n-workflow-new-mail-forward.png');
    await openNodePanel(page, n8n.url, WF.forward, nodeId(WF.forward, 'New Mail'), 'Folder Names or IDs');
    await waitForOptionsLoaded(page, 'folders');
    await page.getByText('Event', { exact: true }).first().scrollIntoViewIfNeeded();
    await screenshot(page, SHOTS_DIR, 'n8n-node-new-mail-trigger.png');
    await canvas(WF.sendCC, 'Read Attachment', 'n8n-workflow-send-mail.png');
    await panel(WF.sendCC, 'Send Mail', 'Body Content Type', 'n8n-node-send-mail.png');
    await panel(WF.getFiltered, 'Get Messages', 'Find By', 'n8n-node-get-messages.png');
    for (const [id, file] of [
      [CRED_IDS.clientCredentials, 'n8n-credential-client-credentials.png'],
      [CRED_IDS.oAuth2, 'n8n-credential-oauth2.png'],
    ]) {
      await page.goto(`${n8n.url}/home/credentials/${id}`);
      await page.getByText('Tenant ID').first().waitFor({ timeout: 60_000 });
      await screenshot(page, SHOTS_DIR, file);
    }
    const esc = (t: string) => t.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
    const lines = report.split('\n').length + 2;
    await page.setViewportSize({ width: 1800, height: 40 + lines * 20 });
    await page.setContent(
      `<html><body style="margin:0;background:#1e1e1e"><pre style="color:#ddd;font:14px/1.4 'DejaVu Sans Mono',monospace;padding:16px;margin:0">$ npm start -- --once\n${esc(report)}</pre></body></html>`,
    );
    await page.screenshot({ path: path.join(SHOTS_DIR, 'demo-once-report.png') });
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
