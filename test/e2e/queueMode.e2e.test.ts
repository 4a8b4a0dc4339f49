/**
 * End-to-end in n8n's queue mode (issue 15): Redis, PostgreSQL, one `n8n start` main process (the
 * webhooks and the New Mail trigger) and two `n8n worker` processes of the pinned n8n, this package
 * installed as a community package, the emulator over HTTPS with Graph's 4 concurrent requests per
 * mailbox.
 *
 * - three workflows started at once send 300 mails each from one mailbox, spread over both workers:
 *   every mail arrives once, the 429s of their combined concurrency are absorbed;
 * - the New Mail trigger, active in the main process, starts one execution per mail on the workers;
 * - so does the Instant trigger: Graph's notifications reach the main process (n8n serves HTTPS
 *   here, as Graph requires), its delta round runs there, each mail's execution runs on a worker;
 * - Send and Wait for Response: a worker sends the question and the execution waits in the database;
 *   the link from the delivered mail, answered at the main process, resumes it on a worker;
 * - a worker killed (SIGKILL) while sending: n8n marks its execution failed (it never runs a job
 *   twice), the mails it sent stay sent, none twice; re-running the workflow (Exactly Once with an
 *   Idempotency Key) sends only the rest, on the other worker;
 * - token requests: one per process that signs in, per token lifetime.
 */
import { execSync } from 'child_process';
import * as crypto from 'crypto';
import * as path from 'path';
import { countedItemsNodes, credentialRef, credentials, DAEMON_APP, forwardWorkflow, nodeId, PACKAGE_NAME, setupTenant, USERS } from './fixtures';
import { watchSecret } from '../harness/leakWatch';
import { createN8n, httpsRequest, N8n, REPO_ROOT, sleep, waitFor } from './n8nHarness';
import { startQueueServices, startWorker, type N8nWorker, type QueueServices } from './queueServices';

jest.setTimeout(10 * 60_000);
watchSecret(DAEMON_APP.secret.value, ...Object.values(USERS).map((u) => u.password));

const SENDER = USERS.service.upn;
const RECIPIENT = USERS.bob.upn;
const MAILS_PER_WORKFLOW = 300;
const SENDERS = ['a', 'b', 'c'];

/** Webhook (answers at once) → 300 items → Send Mail; `keyed`: Exactly Once with an Idempotency Key. */
function sendWorkflow(name: string, opts: { keyed?: boolean } = {}) {
  const id = `queueSend${name}`.padEnd(16, '0').slice(0, 16);
  const graphMail = `${PACKAGE_NAME}.microsoftGraphMail`;
  return {
    id,
    name: `Queue mode: send ${MAILS_PER_WORKFLOW} (${name})`,
    active: false,
    settings: {},
    nodes: [
      {
        id: nodeId(id, 'Webhook'),
        name: 'Webhook',
        type: 'n8n-nodes-base.webhook',
        typeVersion: 2,
        position: [0, 0],
        webhookId: crypto.createHash('md5').update(id).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*/, '$1-$2-$3-$4-$5'),
        parameters: { httpMethod: 'POST', path: `queue-send-${name}`, responseMode: 'onReceived', options: {} },
      },
      ...countedItemsNodes(id, MAILS_PER_WORKFLOW),
      {
        id: nodeId(id, 'Send Mail'),
        name: 'Send Mail',
        type: graphMail,
        typeVersion: 1,
        position: [600, 0],
        parameters: {
          authentication: 'clientCredentials',
          operation: 'send',
          mailbox: SENDER,
          toRecipients: RECIPIENT,
          subject: `=queue ${name} {{ $json.n }}`,
          bodyContentType: 'text',
          bodyContent: 'sent by a worker',
          options: opts.keyed ? { delivery: 'draft', idempotencyKey: `=queue-${name}-{{ $json.n }}` } : {},
        },
        credentials: credentialRef('clientCredentials'),
      },
    ],
    connections: {
      Webhook: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
      Items: { main: [[{ node: 'Split', type: 'main', index: 0 }]] },
      Split: { main: [[{ node: 'Send Mail', type: 'main', index: 0 }]] },
    },
  };
}

const INSTANT_WEBHOOK_ID = '7e2a5c10-4f3b-4d8e-9c61-0a91234c0de0';

/** Webhook → Send and Wait (approval, to Alice) → Send Mail telling the archive the answer. */
function askWorkflow() {
  const id = 'queueAskApprove1';
  const graphMail = `${PACKAGE_NAME}.microsoftGraphMail`;
  const node = (name: string, x: number, parameters: Record<string, unknown>) => ({
    id: nodeId(id, name),
    name,
    type: graphMail,
    typeVersion: 1,
    position: [x, 0],
    parameters: { authentication: 'clientCredentials', resource: 'message', mailbox: SENDER, ...parameters },
    credentials: credentialRef('clientCredentials'),
  });
  return {
    id,
    name: 'Queue mode: ask by mail',
    active: false,
    settings: { executionOrder: 'v1' },
    nodes: [
      { id: nodeId(id, 'Webhook'), name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: nodeId(id, 'hook'), parameters: { httpMethod: 'POST', path: 'queue-ask', responseMode: 'onReceived', options: {} } },
      node('Ask', 220, { operation: 'sendAndWait', toRecipients: USERS.alice.upn, subject: '={{ $json.body.subject }}', message: 'Approve?', responseType: 'approval' }),
      node('Tell', 440, { operation: 'send', toRecipients: USERS.archive.upn, subject: "=answer {{ $json.data.approved }} to {{ $('Webhook').first().json.body.subject }}", bodyContentType: 'text', bodyContent: 'x', options: {} }),
    ],
    connections: { Webhook: { main: [[{ node: 'Ask', type: 'main', index: 0 }]] }, Ask: { main: [[{ node: 'Tell', type: 'main', index: 0 }]] } },
  };
}

/** Without Debian's redis-server and postgresql (`.ci/run` installs them) this file is skipped, never under CI. */
const servicesInstalled = (() => {
  try {
    execSync('command -v redis-server && ls /usr/lib/postgresql/*/bin/postgres', { stdio: 'ignore', shell: '/bin/bash' });
    return true;
  } catch {
    return false;
  }
})();
const describeIfServices = servicesInstalled || process.env.CI ? describe : describe.skip;

describeIfServices('queue mode: Redis, PostgreSQL, a main process and two workers', () => {
  let emu: any;
  let services: QueueServices;
  let n8n: N8n;
  let workers: N8nWorker[] = [];
  const forward = forwardWorkflow('queueForward0001', { watch: USERS.alice.upn, forwardTo: USERS.archive.upn, pollSeconds: 5 });
  const killed = sendWorkflow('kill', { keyed: true });
  // The Instant trigger watches the service mailbox, which no other case receives mail in.
  const instant = forwardWorkflow('queueInstant0001', { watch: SENDER, forwardTo: USERS.archive.upn, instantWebhookId: INSTANT_WEBHOOK_ID });
  const ask = askWorkflow();

  const received = (prefix: string) => emu.messages(RECIPIENT, 'inbox').filter((m: any) => m.subject.startsWith(prefix)).map((m: any) => m.subject as string);
  const executions = (workflowId: string) => services.sql(`SELECT id, status FROM execution_entity WHERE "workflowId" = '${workflowId}' ORDER BY id`);
  const webhook = (name: string) => n8n.http('POST', `/webhook/queue-send-${name}`, {});
  const startedOnWorkers = () => workers.flatMap((w) => w.started());
  const forwardedWith = (tag: string) => emu.messages(USERS.archive.upn, 'inbox').filter((m: any) => m.subject.includes(tag)).map((m: any) => m.subject as string);
  /** A trigger's workflow ran, and only on workers. */
  const expectRanOnWorkers = (workflowId: string) => {
    const ran = executions(workflowId).map(([execution]) => execution);
    expect(ran.length).toBeGreaterThan(0);
    expect(ran.every((execution) => startedOnWorkers().includes(execution))).toBe(true);
  };

  beforeAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { startEmulator } = require('../../emulator/src');
    emu = await startEmulator({ tokenLifetimeSeconds: 3600, latencyMs: 20 });
    setupTenant(emu);
    services = await startQueueServices();
    n8n = await createN8n({
      communityPackageDir: REPO_ROOT,
      extraCaCertPath: emu.certPath,
      // HTTPS, as Graph delivers change notifications to https only (a certificate of the emulator's CA).
      tls: { certPath: emu.certPath, keyPath: path.join(path.dirname(emu.certPath), 'key.pem'), caPath: emu.certPath },
      // A dead worker's job is found stalled after its lock lapses: seconds here, not n8n's minute.
      env: { ...services.env, QUEUE_WORKER_LOCK_DURATION: '5000', QUEUE_WORKER_LOCK_RENEW_TIME: '1000', QUEUE_WORKER_STALLED_INTERVAL: '3000' },
    });
    await n8n.importCredentials(credentials(emu.url));
    const workflows = [...SENDERS.map((name) => sendWorkflow(name)), forward, killed, instant, ask];
    await n8n.importWorkflow(workflows);
    for (const wf of workflows) await n8n.publishWorkflow(wf.id);
    await n8n.start();
    workers = await Promise.all(['worker-1', 'worker-2'].map((name) => startWorker(n8n, name, 2)));
  });

  afterAll(async () => {
    for (const worker of workers) await worker.kill('SIGTERM');
    await n8n?.dispose();
    await services?.stop();
    await emu?.stop();
  });

  it('three workflows of 300 mails at once, from one mailbox, over both workers: every mail once, 429s absorbed', async () => {
    emu.resetStats();
    const answers = await Promise.all(SENDERS.map((name) => webhook(name)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const ids = SENDERS.map((name) => sendWorkflow(name).id);
    await waitFor(() => ids.every((id) => executions(id).some(([, status]) => status === 'success')), 5 * 60_000, 'three successful executions', 2000);
    for (const name of SENDERS) {
      const subjects = received(`queue ${name} `);
      expect(subjects).toHaveLength(MAILS_PER_WORKFLOW);
      expect(new Set(subjects).size).toBe(MAILS_PER_WORKFLOW);
    }
    const ran = ids.flatMap((id) => executions(id).map(([execution]) => execution));
    // Both workers took part (2 jobs at most each), and only workers ran them.
    expect(workers.map((w) => w.started().filter((e) => ran.includes(e)).length).sort()).toEqual([1, 2]);
    const stats = emu.stats();
    console.log(`[queue mode] 900 mails: ${stats.graphRequests} Graph requests, ${stats.batchedRequests} inside batches, ${stats.throttled} 429s absorbed, ${stats.tokenRequests} token requests`);
    // Each process signs in once per token lifetime (its own MSAL cache): the two workers, and the
    // main process for the trigger's polls (if its token was not fetched before this test).
    expect(stats.tokenRequests).toBeGreaterThanOrEqual(2);
    expect(stats.tokenRequests).toBeLessThanOrEqual(3);
  });

  it('the New Mail trigger runs in the main process; each mail starts one execution on a worker', async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const subjects = Array.from({ length: 6 }, (_, i) => `queued trigger ${tag} ${i}`);
    for (const subject of subjects) {
      emu.seedMessage(USERS.alice.upn, 'inbox', { subject, body: { contentType: 'text', content: 'hello' } });
      await sleep(1500);
    }
    await waitFor(() => forwardedWith(tag).length >= subjects.length, 90_000, 'every mail forwarded', 1000);
    await sleep(12_000); // two more polls: nothing more may come
    expect(forwardedWith(tag).sort()).toEqual(subjects.map((s) => `FW: ${s}`).sort());
    expectRanOnWorkers(forward.id);
  });

  it('the Instant trigger: notifications (some duplicated) reach the main process, each mail starts one execution on a worker, none twice', async () => {
    const [sub] = await waitFor(() => (emu.notifications.list().length ? emu.notifications.list() : undefined), 30_000, 'a subscription');
    expect(sub.notificationUrl).toBe(`${n8n.url}/webhook/${INSTANT_WEBHOOK_ID}/graph-mail`);
    const tag = crypto.randomUUID().slice(0, 8);
    const subjects = Array.from({ length: 6 }, (_, i) => `instant queued ${tag} ${i}`);
    // Graph may repeat a notification: three of them come three times each, at once.
    const changeDeliveries = () => emu.notifications.stats.deliveries.filter((d: any) => d.kind === 'change').length;
    const deliveredBefore = changeDeliveries();
    emu.notifications.injectFault({ kind: 'duplicate', copies: 3, times: 3 });
    for (const subject of subjects) {
      emu.seedMessage(SENDER, 'inbox', { subject, body: { contentType: 'text', content: 'hello' } });
      await sleep(300);
    }
    await waitFor(() => forwardedWith(tag).length >= subjects.length, 60_000, 'every mail forwarded', 500);
    await sleep(5000); // late or repeated notifications: nothing more may come
    expect(forwardedWith(tag).sort()).toEqual(subjects.map((s) => `FW: ${s}`).sort());
    expect(changeDeliveries() - deliveredBefore).toBeGreaterThanOrEqual(subjects.length + 3 * 2);
    expectRanOnWorkers(instant.id);
  });

  it('Send and Wait: a worker sends the question, the answer at the main process resumes the execution on a worker', async () => {
    const subject = `Approve in queue mode ${crypto.randomUUID().slice(0, 8)}`;
    expect((await n8n.http('POST', '/webhook/queue-ask', { subject })).status).toBe(200);
    const mail = await waitFor(() => emu.messages(USERS.alice.upn, 'inbox').find((m: any) => m.subject === subject), 60_000, 'the question in Alice’s inbox', 500);
    const link = String(mail.body.content.match(/<a href="([^"]+)"/)[1]).replace(/&amp;/g, '&');
    const executionId = new URL(link).pathname.split('/')[2];
    await waitFor(() => executions(ask.id).some(([id, status]) => id === executionId && status === 'waiting'), 30_000, 'the execution to wait', 500);
    const answer = await httpsRequest(link, { method: 'POST', caPath: emu.certPath, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(answer.status).toBe(200);
    await waitFor(() => executions(ask.id).some(([id, status]) => id === executionId && status === 'success'), 60_000, 'the resumed execution to succeed', 500);
    expect(emu.messages(USERS.archive.upn, 'inbox').filter((m: any) => m.subject === `answer true to ${subject}`)).toHaveLength(1);
    // Both parts ran on workers: the send before the wait and the rest after the answer.
    expect(startedOnWorkers().filter((e) => e === executionId).length).toBeGreaterThanOrEqual(2);
  });

  it('a worker killed while sending: its execution fails, nothing is sent twice; a re-run with Idempotency Keys sends only the rest', async () => {
    const prefix = 'queue kill ';
    expect((await webhook('kill')).status).toBe(200);
    await waitFor(() => received(prefix).length >= 30, 120_000, 'the keyed send under way', 200);
    const [execution] = executions(killed.id).map(([id]) => id);
    const runner = workers.find((w) => w.started().includes(execution))!;
    const survivor = workers.find((w) => w !== runner)!;
    await runner.kill('SIGKILL');
    const sentBeforeKill = received(prefix).length;
    // n8n never hands a stalled job to another worker: the execution ends as failed or crashed.
    const [[, status]] = await waitFor(() => {
      const rows = executions(killed.id);
      return rows.length && !['new', 'running'].includes(rows[0][1]) ? rows : undefined;
    }, 120_000, 'the dead worker’s execution to end', 1000);
    console.log(`[queue mode] killed worker: its execution ended "${status}" after ${sentBeforeKill} of ${MAILS_PER_WORKFLOW} mails`);
    expect(['crashed', 'error', 'failed']).toContain(status);
    const afterKill = received(prefix);
    expect(afterKill.length).toBeLessThan(MAILS_PER_WORKFLOW);
    expect(new Set(afterKill).size).toBe(afterKill.length);

    expect((await webhook('kill')).status).toBe(200);
    await waitFor(() => executions(killed.id).some(([, s]) => s === 'success'), 5 * 60_000, 'the re-run', 2000);
    const [, rerun] = executions(killed.id).map(([id]) => id);
    expect(survivor.started()).toContain(rerun);
    const all = received(prefix);
    expect(new Set(all).size).toBe(MAILS_PER_WORKFLOW);
    // A mail whose send was cut off mid-way may have gone out unseen; the key finds it in Sent Items.
    expect(all).toHaveLength(MAILS_PER_WORKFLOW);
  });
});
