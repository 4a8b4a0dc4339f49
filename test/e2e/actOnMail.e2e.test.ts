/**
 * End-to-end in a real n8n (the built package installed as a community package): an active
 * workflow New Mail trigger → Reply → Move → Update (mark read) handles every mail exactly once.
 */
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { credentials, DAEMON_APP, DELEGATED_APP, replyMoveReadWorkflow, setupTenant, USERS } from './fixtures';
import { watchSecret } from '../harness/leakWatch';
import { createN8n, N8n, REPO_ROOT, sleep, waitFor } from './n8nHarness';

jest.setTimeout(15 * 60_000);

watchSecret(DAEMON_APP.secret.value, DELEGATED_APP.secret.value, ...Object.values(USERS).map((u) => u.password));

describe('active workflow under n8n start: New Mail → Reply → Move → Mark read', () => {
  const WF_ID = 'e2eReplyMove0001';
  let emu: any;
  let n8n: N8n;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'nodes')) || process.env.E2E_BUILD === '1') {
      execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    }
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { startEmulator } = require('../../emulator/src');
    emu = await startEmulator({ tokenLifetimeSeconds: 3600 });
    n8n = await createN8n({ communityPackageDir: REPO_ROOT, extraCaCertPath: emu.certPath });
    setupTenant(emu);
    emu.createFolder(USERS.service.upn, 'inbox', 'Handled');
    await n8n.importCredentials(credentials(emu.url));
    await n8n.importWorkflow(replyMoveReadWorkflow(WF_ID, { watch: USERS.service.upn, folderPath: 'Inbox/Handled', pollSeconds: 5 }));
    await n8n.publishWorkflow(WF_ID);
    await n8n.start();
  });
  afterAll(async () => {
    await n8n?.stop();
    await n8n?.dispose();
    await emu?.stop();
  });

  it('each mail: one reply in the sender\'s inbox, moved to Inbox/Handled (same id), read', async () => {
    await waitFor(() => emu.stats().log.some((e: any) => e.path.includes('/delta')), 60_000, 'the first poll');
    const tag = crypto.randomUUID().slice(0, 8);
    const seeded: any[] = [];
    const seed = (i: number) =>
      seeded.push(
        emu.seedMessage(USERS.service.upn, 'inbox', {
          subject: `Question ${tag} #${i}`,
          from: { emailAddress: { address: USERS.alice.upn } },
          toRecipients: [{ emailAddress: { address: USERS.service.upn } }],
          body: { contentType: 'text', content: `question ${i}` },
        }),
      );
    const replies = () => (emu.messages(USERS.alice.upn, 'inbox') as any[]).filter((m) => m.subject.includes(tag));
    for (let i = 1; i <= 3; i++) seed(i);
    await waitFor(() => replies().length >= 3, 90_000, '3 replies');
    for (let i = 4; i <= 5; i++) seed(i);
    await waitFor(() => (emu.messages(USERS.service.upn, 'Inbox/Handled') as any[]).filter((m) => m.subject.includes(tag) && m.isRead).length >= 5, 90_000, '5 handled mails');
    // Two more poll intervals: nothing is handled twice.
    await sleep(12_000);
    expect(replies().map((m) => m.subject).sort()).toEqual([1, 2, 3, 4, 5].map((i) => `RE: Question ${tag} #${i}`).sort());
    expect(replies().every((m) => m.body.content.includes('Thanks, we got your mail') && m.body.content.includes('question'))).toBe(true);
    const handled = (emu.messages(USERS.service.upn, 'Inbox/Handled') as any[]).filter((m) => m.subject.includes(tag));
    expect(handled.map((m) => m.id).sort()).toEqual(seeded.map((m) => m.id).sort());
    expect(handled.every((m) => m.isRead)).toBe(true);
    expect((emu.messages(USERS.service.upn, 'inbox') as any[]).some((m) => m.subject.includes(tag))).toBe(false);
    const runs = await n8n.executions(WF_ID);
    expect(runs.every((r) => r.status === 'success')).toBe(true);
  });
});
