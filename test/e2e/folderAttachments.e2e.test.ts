/**
 * End-to-end in a real n8n (issue 12): Get Messages (with attachments) → Folder Create (return the
 * existing folder) → Move → Attachment Download, run twice with `n8n execute`. The second run finds
 * the folder already there and reuses it; mails moved by the first run are not found again.
 */
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { credentials, DAEMON_APP, DELEGATED_APP, folderAttachmentsWorkflow, setupTenant, USERS } from './fixtures';
import { watchSecret } from '../harness/leakWatch';
import { createN8n, N8n, nodeOutput, REPO_ROOT } from './n8nHarness';

jest.setTimeout(15 * 60_000);

watchSecret(DAEMON_APP.secret.value, DELEGATED_APP.secret.value, ...Object.values(USERS).map((u) => u.password));

const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/** The items (json and binary) a node produced in the run data. */
function nodeItems(run: any, nodeName: string): any[] {
  const runs = run?.data?.resultData?.runData?.[nodeName] ?? [];
  return runs.flatMap((r: any) => r?.data?.main?.[0] ?? []);
}

/** A binary entry's bytes: the file n8n's filesystem mode wrote (n8n 2.41.1's default here), or inline base64. */
function binaryBytes(n8n: N8n, binary: any): Buffer {
  if (typeof binary.id === 'string' && binary.id.includes(':')) {
    const rel = binary.id.slice(binary.id.indexOf(':') + 1);
    const candidates = [path.join(n8n.userFolder, '.n8n', 'storage', rel), path.join(n8n.userFolder, '.n8n', 'binaryData', rel)];
    const file = candidates.find((f) => fs.existsSync(f));
    if (!file) throw new Error(`binary ${binary.id} not found under ${candidates.join(', ')}`);
    return fs.readFileSync(file);
  }
  return Buffer.from(binary.data, 'base64');
}

describe('Get Messages → Folder Create (if missing) → Move → Attachment Download, run twice', () => {
  const WF_ID = 'e2eFolderAttach1';
  const mailbox = USERS.service.upn;
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
    await n8n.importCredentials(credentials(emu.url));
  });
  afterAll(async () => {
    await n8n?.dispose();
    await emu?.stop();
  });

  it('files each mail once into one Inbox/Customers folder and downloads its attachment byte-identical', async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    await n8n.importWorkflow(folderAttachmentsWorkflow(WF_ID, { mailbox, filters: { subjectContains: tag }, parent: 'inbox', folderName: 'Customers' }));
    const pdfs = new Map<string, Buffer>(); // message id → attachment bytes
    const seed = (i: number) => {
      const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), crypto.randomBytes(48 * 1024 + i)]);
      const m = emu.seedMessage(mailbox, 'inbox', {
        subject: `Invoice ${tag} #${i}`,
        from: { emailAddress: { address: USERS.alice.upn } },
        toRecipients: [{ emailAddress: { address: mailbox } }],
        body: { contentType: 'text', content: `invoice ${i}` },
        hasAttachments: true,
        attachments: [{ name: `invoice-${i}.pdf`, contentType: 'application/pdf', contentBytes: bytes }],
      });
      pdfs.set(m.id, bytes);
      return m.id as string;
    };
    const customers = () => (emu.messages(mailbox, 'Inbox/Customers') as any[]).filter((m) => m.subject.includes(tag));
    const inInbox = () => (emu.messages(mailbox, 'inbox') as any[]).filter((m) => m.subject.includes(tag));
    const checkDownloads = (run: any, ids: string[]) => {
      const downloads = nodeItems(run, 'Attachment Download');
      expect(downloads).toHaveLength(ids.length);
      const moved = nodeOutput(run, 'Move');
      expect(moved.map((m) => m.id).sort()).toEqual([...ids].sort());
      downloads.forEach((item: any, i: number) => {
        expect(item.json.fileName).toBe(`invoice-${[...pdfs.keys()].indexOf(moved[i].id) + 1}.pdf`);
        expect(item.binary.data.mimeType).toBe('application/pdf');
        expect(sha256(binaryBytes(n8n, item.binary.data))).toBe(sha256(pdfs.get(moved[i].id)!));
      });
    };

    // Run 1: two mails; the folder is created for the first and returned as existing for the second.
    const first = [seed(1), seed(2)];
    const run1 = await n8n.execute(WF_ID);
    expect(nodeOutput(run1, 'Get Messages').map((m) => m.id).sort()).toEqual([...first].sort());
    expect(nodeOutput(run1, 'Folder Create').map((f) => f.existed)).toEqual([false, true]);
    checkDownloads(run1, first);
    const folderId = nodeOutput(run1, 'Folder Create')[0].id;
    expect(nodeOutput(run1, 'Folder Create')[1].id).toBe(folderId);

    // Run 2: one new mail; the moved ones are not in Inbox any more, the folder is reused (no error).
    const third = seed(3);
    const run2 = await n8n.execute(WF_ID);
    expect(nodeOutput(run2, 'Get Messages').map((m) => m.id)).toEqual([third]);
    expect(nodeOutput(run2, 'Folder Create').map((f) => [f.id, f.existed])).toEqual([[folderId, true]]);
    checkDownloads(run2, [third]);

    // The mailbox afterwards: one Customers folder under Inbox holding all three mails (same ids), none left in Inbox.
    const inbox = emu.folder(mailbox, 'inbox');
    const underInbox = emu.state.store.of(emu.state.directory.findUserAnywhere(mailbox)).childFolders(inbox.id) as any[];
    expect(underInbox.filter((f) => f.displayName.toLowerCase() === 'customers').map((f) => f.id)).toEqual([folderId]);
    expect(emu.folder(mailbox, 'Inbox/Customers').id).toBe(folderId);
    expect(customers().map((m) => m.id).sort()).toEqual([...first, third].sort());
    expect(inInbox()).toEqual([]);
    // The attachment still in each moved mail is the seeded one.
    for (const m of customers()) expect(sha256(m.attachments[0].contentBytes)).toBe(sha256(pdfs.get(m.id)!));
  });
});
