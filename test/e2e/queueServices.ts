/**
 * Redis and PostgreSQL for n8n's queue mode, from Debian's packages (`.ci/run` installs them),
 * started on loopback with their data in a temp folder and stopped by the test. PostgreSQL refuses
 * to run as root: as root it runs as the `postgres` user Debian's package creates.
 */
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { recordVisible } from '../harness/leakWatch';
import { freePort, n8nBin, node24Bin, type N8n } from './n8nHarness';

export interface QueueServices {
  /** n8n's environment for queue mode on these services. */
  env: Record<string, string>;
  /** Runs SQL in n8n's database; rows as arrays of strings. */
  sql(query: string): string[][];
  stop(): Promise<void>;
}

function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const bin = versions.map((v) => path.join(root, v, 'bin')).find((dir) => fs.existsSync(path.join(dir, 'postgres')));
  if (!bin) throw new Error('PostgreSQL is not installed (Debian: apt-get install postgresql)');
  return bin;
}

/** Runs as `postgres` when we are root (PostgreSQL will not run as root). */
function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

function waitForLine(proc: ChildProcess, pattern: RegExp, what: string, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start in ${timeoutMs} ms:\n${seen.slice(-3000)}`)), timeoutMs);
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}):\n${seen.slice(-3000)}`));
    });
  });
}

async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

export async function startQueueServices(): Promise<QueueServices> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-'));
  const redisPort = await freePort();
  const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitForLine(redis, /Ready to accept connections/, 'redis-server');

  const bin = postgresBin();
  const data = path.join(dir, 'pg');
  fs.mkdirSync(data);
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    fs.chownSync(dir, uid, gid);
    fs.chownSync(data, uid, gid);
  }
  const [initCmd, initArgs] = asPostgres(path.join(bin, 'initdb'), ['-D', data, '-U', 'n8n', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  execFileSync(initCmd, initArgs, { stdio: 'pipe' });
  const pgPort = await freePort();
  const [pgCmd, pgArgs] = asPostgres(path.join(bin, 'postgres'), [
    '-D', data, '-p', String(pgPort), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
  ]);
  const postgres = spawn(pgCmd, pgArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForLine(postgres, /ready to accept connections/, 'postgres');
  const psql = (database: string, query: string) =>
    execFileSync('psql', ['-h', '127.0.0.1', '-p', String(pgPort), '-U', 'n8n', '-d', database, '-At', '-F', '\t', '-c', query], { env: { ...process.env, PGPASSWORD: '' } }).toString();
  psql('postgres', 'CREATE DATABASE n8n');

  return {
    env: {
      EXECUTIONS_MODE: 'queue',
      QUEUE_BULL_REDIS_HOST: '127.0.0.1',
      QUEUE_BULL_REDIS_PORT: String(redisPort),
      DB_TYPE: 'postgresdb',
      DB_POSTGRESDB_HOST: '127.0.0.1',
      DB_POSTGRESDB_PORT: String(pgPort),
      DB_POSTGRESDB_DATABASE: 'n8n',
      DB_POSTGRESDB_USER: 'n8n',
      DB_POSTGRESDB_PASSWORD: '',
    },
    sql: (query) =>
      psql('n8n', query)
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => line.split('\t')),
    async stop() {
      await stopProcess(postgres);
      await stopProcess(redis);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An `n8n worker` process of queue mode: it runs the executions the main process queues. */
export interface N8nWorker {
  readonly name: string;
  /** Its output so far (n8n's log lines: "Worker started execution 12 (job 3)"). */
  log(): string;
  /** Execution ids it started, read from its log. */
  started(): string[];
  kill(signal: NodeJS.Signals): Promise<void>;
}

export async function startWorker(n8n: N8n, name: string, concurrency: number): Promise<N8nWorker> {
  const env = { ...n8n.env, N8N_RUNNERS_BROKER_PORT: String(await freePort()), QUEUE_HEALTH_CHECK_PORT: String(await freePort()), N8N_LOG_LEVEL: 'info' };
  const proc = spawn(node24Bin(n8n.dir), [n8nBin(n8n.dir), 'worker', `--concurrency=${concurrency}`], { env, cwd: n8n.userFolder, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const record = (d: Buffer) => {
    output = (output + d.toString()).slice(-500_000);
    recordVisible(d.toString());
  };
  proc.stdout!.on('data', record);
  proc.stderr!.on('data', record);
  await waitForLine(proc, /n8n worker is now ready/, `n8n worker ${name}`, 120_000);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    name,
    log: () => output,
    started: () => [...output.matchAll(/Worker started execution (\d+)/g)].map((m) => m[1]),
    async kill(signal) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      try {
        process.kill(-proc.pid!, signal); // the worker and its task runner
      } catch {
        /* gone */
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-proc.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
