/**
 * End-to-end: the built package (dist/) inside a real n8n of a pinned version (installed into
 * .cache/ by scripts/n8n/install.sh), against the Microsoft 365 emulator over HTTPS, its
 * certificate trusted through NODE_EXTRA_CA_CERTS. Credentials and workflows go in with n8n's CLI.
 *
 * Order matters (one n8n user folder): the OAuth2 credential is connected through n8n's own
 * callback first, then the CLI runs the workflows, then `n8n start` runs the active trigger.
 */
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import {
  CRED_IDS,
  DAEMON_APP,
  DELEGATED_APP,
  credentialRef,
  credentials,
  forwardWorkflow,
  getMessagesWorkflow,
  sendMailWorkflow,
  setupTenant,
  USERS,
  type Auth,
} from './fixtures';
import { watchSecret } from '../harness/leakWatch';
import { createN8n, emulatorSignIn, N8n, nodeOutput, REPO_ROOT, sleep, waitFor } from './n8nHarness';

jest.setTimeout(20 * 60_000);

const DIST = path.join(REPO_ROOT, 'dist');
const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

// n8n's logs, run data and REST answers all go through the secret scan (test/harness/leakWatch.ts).
watchSecret(DAEMON_APP.secret.value, DELEGATED_APP.secret.value, ...Object.values(USERS).map((u) => u.password));

describe('n8n-nodes-graph-mail in a real n8n', () => {
  let emu: any;
  let n8n: N8n;

  beforeAll(async () => {
    // `npm test` and `npm run test:e2e` build first; build here only when dist/ is missing (or E2E_BUILD=1).
    if (!fs.existsSync(path.join(DIST, 'nodes')) || process.env.E2E_BUILD === '1') {
      execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    }
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { startEmulator } = require('../../emulator/src');
    emu = await startEmulator({ tokenLifetimeSeconds: 3600 });
    n8n = await createN8n({ communityPackageDir: REPO_ROOT, extraCaCertPath: emu.certPath });
    setupTenant(emu, { redirectUri: `${n8n.url}/rest/oauth2-credential/callback` });
    await n8n.importCredentials(credentials(emu.url));
  });

  afterAll(async () => {
    await n8n?.dispose();
    await emu?.stop();
  });

  describe('under n8n start: OAuth2 sign-in and the credential Test', () => {
    beforeAll(async () => {
      await n8n.start();
      await n8n.login();
    });
    afterAll(async () => {
      await n8n.stop();
    });

    it("connects the OAuth2 credential through n8n's own /rest/oauth2-credential endpoints", async () => {
      const before = emu.stats().tokenRequests;
      await n8n.connectOAuth2(CRED_IDS.oAuth2, (authUrl) => {
        const u = new URL(authUrl);
        expect(u.origin).toBe(emu.url);
        expect(u.pathname).toBe(`/${credentials(emu.url)[0].data.tenantId}/oauth2/v2.0/authorize`);
        expect(u.searchParams.get('redirect_uri')).toBe(`${n8n.url}/rest/oauth2-credential/callback`);
        return emulatorSignIn(authUrl, USERS.bob.upn, USERS.bob.password, emu.certPath);
      });
      expect(emu.stats().tokenRequests).toBe(before + 1); // n8n redeemed the code
      const cred = await n8n.rest('GET', `/credentials/${CRED_IDS.oAuth2}?includeData=true`);
      expect(cred.data.oauthTokenData).toBeDefined();
    });

    it.each([
      ['clientCredentials', CRED_IDS.clientCredentials],
      ['password', CRED_IDS.password],
      ['oAuth2', CRED_IDS.oAuth2],
    ])("credential Test (n8n's POST /rest/credentials/test): %s → OK", async (_kind, id) => {
      const r = await n8n.testCredential(id);
      expect(r).toEqual({ status: 'OK', message: r.message });
      if (r.status !== 'OK') throw new Error(JSON.stringify(r));
    });

    it("the nodes' dynamic lists work inside n8n (trigger folders, Get Messages folder search)", async () => {
      const credentialsRef = credentialRef('clientCredentials');
      const trigger = forwardWorkflow('x', { watch: USERS.service.upn, forwardTo: USERS.archive.upn }).nodes[0];
      const options = await n8n.rest('POST', '/dynamic-node-parameters/options', {
        nodeTypeAndVersion: { name: trigger.type, version: 1 },
        path: 'folders',
        methodName: 'getWatchableFolders',
        currentNodeParameters: trigger.parameters,
        credentials: credentialsRef,
      });
      expect(JSON.stringify(options)).toMatch(/inbox/i);
      const getNode = getMessagesWorkflow('y', 'clientCredentials', { filters: {}, mailbox: USERS.service.upn }).nodes[1];
      const found = await n8n.rest('POST', '/dynamic-node-parameters/resource-locator-results', {
        nodeTypeAndVersion: { name: getNode.type, version: 1 },
        path: 'folder',
        methodName: 'searchFolders',
        filter: '',
        currentNodeParameters: getNode.parameters,
        credentials: credentialsRef,
      });
      expect(JSON.stringify(found)).toMatch(/Inbox/);
    });

    it('credential Test reports a pasted secret ID with the AADSTS advice', async () => {
      const r = await n8n.testCredential(CRED_IDS.badSecret);
      expect(r.status).toBe('Error');
      expect(r.message).toMatch(/7000215/);
      expect(r.message).not.toContain(credentials(emu.url)[0].data.clientSecret);
    });
  });

  describe('n8n execute (CLI)', () => {
    const attachment = crypto.randomBytes(5 * 1024 * 1024);
    let attachmentPath: string;

    beforeAll(async () => {
      attachmentPath = path.join(n8n.filesDir, 'report-5mb.bin');
      fs.writeFileSync(attachmentPath, attachment);
    });

    it.each<[Auth, string, string]>([
      ['clientCredentials', USERS.service.upn, USERS.alice.upn],
      ['password', USERS.alice.upn, USERS.bob.upn],
      ['oAuth2', USERS.bob.upn, USERS.alice.upn],
    ])('Send Mail with %s and a 5 MB attachment: %s → %s inbox', async (auth, from, to) => {
      const id = `e2eSend_${auth}`.slice(0, 16).padEnd(16, '0');
      const subject = `e2e ${auth} ${crypto.randomUUID()}`;
      await n8n.importWorkflow(sendMailWorkflow(id, auth, { to, subject, body: `Sent with ${auth}`, attachmentPath }));
      await n8n.execute(id);
      const got = (emu.messages(to, 'inbox') as any[]).filter((m) => m.subject === subject);
      expect(got).toHaveLength(1);
      const m = got[0];
      expect(m.from?.emailAddress?.address?.toLowerCase()).toBe(from);
      expect(m.attachments).toHaveLength(1);
      expect(m.attachments[0].name).toBe('report-5mb.bin');
      expect(m.attachments[0].size).toBe(attachment.length);
      expect(sha256(m.attachments[0].contentBytes)).toBe(sha256(attachment));
      // Saved to the sender's Sent Items (Graph's default).
      expect((emu.messages(from, 'sentitems') as any[]).some((s) => s.subject === subject)).toBe(true);
    });

    it('Get Messages with a filter: the output holds exactly the seeded matches', async () => {
      const tag = crypto.randomUUID().slice(0, 8);
      const seed = (subject: string, fromAddr: string) =>
        emu.seedMessage(USERS.service.upn, 'inbox', {
          subject,
          from: { emailAddress: { address: fromAddr } },
          toRecipients: [{ emailAddress: { address: USERS.service.upn } }],
          body: { contentType: 'text', content: subject },
        });
      const matches = [
        seed(`Invoice ${tag} A`, 'billing@fabrikam.example'),
        seed(`Invoice ${tag} B`, 'billing@fabrikam.example'),
        seed(`Invoice ${tag} C`, 'billing@fabrikam.example'),
      ];
      seed(`Invoice ${tag} D`, 'someone@else.example'); // wrong sender
      seed(`Lunch ${tag}`, 'billing@fabrikam.example'); // wrong subject
      for (let i = 0; i < 12; i++) seed(`Noise ${tag} ${i}`, 'noise@example.com'); // more than a page of 10
      const id = 'e2eGetFiltered01';
      await n8n.importWorkflow(
        getMessagesWorkflow(id, 'clientCredentials', {
          filters: { subjectContains: `Invoice ${tag}`, from: 'billing@fabrikam.example' },
        }),
      );
      const run = await n8n.execute(id);
      const out = nodeOutput(run, 'Get Messages');
      expect(out.map((m) => m.id).sort()).toEqual(matches.map((m: any) => m.id).sort());
    });
  });

  describe('active workflow under n8n start: New Mail trigger → Send Mail (forward)', () => {
    const WF_ID = 'e2eForward000001';

    beforeAll(async () => {
      await n8n.importWorkflow(forwardWorkflow(WF_ID, { watch: USERS.service.upn, forwardTo: USERS.archive.upn, pollSeconds: 5 }));
      await n8n.publishWorkflow(WF_ID);
      emu.resetStats();
      await n8n.start();
    });
    afterAll(async () => {
      await n8n.stop();
    });

    it('forwards every mail seeded into the watched inbox, each once', async () => {
      // The first poll sets the baseline (mail already there is not "new").
      await waitFor(() => emu.stats().log.some((e: any) => e.path.includes('/delta') || e.path.includes('/messages')), 30_000, 'the first poll');
      const fwdSubjects = () => (emu.messages(USERS.archive.upn, 'inbox') as any[]).map((m) => m.subject as string);
      const tag = crypto.randomUUID().slice(0, 8);
      const seed = (i: number) =>
        emu.seedMessage(USERS.service.upn, 'inbox', {
          subject: `Order ${tag} #${i}`,
          from: { emailAddress: { address: 'customer@fabrikam.example' } },
          toRecipients: [{ emailAddress: { address: USERS.service.upn } }],
          body: { contentType: 'text', content: `order ${i}` },
        });
      for (let i = 1; i <= 3; i++) seed(i);
      await waitFor(() => fwdSubjects().filter((s) => s.includes(tag)).length >= 3, 60_000, '3 forwarded mails');
      // A second batch while the trigger keeps polling.
      for (let i = 4; i <= 5; i++) seed(i);
      await waitFor(() => fwdSubjects().filter((s) => s.includes(tag)).length >= 5, 60_000, '5 forwarded mails');
      // Two more poll intervals: nothing comes out twice.
      await sleep(12_000);
      const mine = fwdSubjects().filter((s) => s.includes(tag));
      expect(mine.sort()).toEqual([1, 2, 3, 4, 5].map((i) => `FW: Order ${tag} #${i}`).sort());
      const runs = await n8n.executions(WF_ID);
      expect(runs.every((r) => r.status === 'success')).toBe(true);
    });
  });
});
