// The parts of a production-like deployment on one machine, for tests/cluster: the Temporal
// server built from source (Go tools cached under .tools/go), PostgreSQL for Temporal and the
// store, and worker/web processes of worker/main.ts. Everything listens on loopback; every part
// fails with an error naming it, and every process runs in its own process group so SIGKILL and
// cleanup reach it whole.
import { Connection, type TLSConfig } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { ensureSearchAttributes } from '../runtime/temporal.js';
import { startTestPostgres, type TestPostgres } from '../tests/helpers/postgres.js';

const run = promisify(execFile);

export const TEMPORAL_VERSION = '1.30.1';
const ROOT = resolve(import.meta.dirname, '..');
export const CLUSTER_ARTIFACTS = join(ROOT, 'tests/.artifacts/cluster');
const GO_BIN = join(ROOT, '.tools/go/bin');

/** A free loopback port below Linux's ephemeral range, so nothing that binds port 0 can take it meanwhile. */
export async function freePort(taken: Set<number> = new Set()): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((res) => {
      const srv = createServer();
      srv.once('error', () => res(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
    });
    if (free) {
      taken.add(port);
      return port;
    }
  }
}

/** The last lines of a log file, for error messages. */
export function tail(file: string, lines = 40): string {
  if (!existsSync(file)) return `(no log at ${file})`;
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// --- Go tools --------------------------------------------------------------------------------

export interface GoTools {
  server: string;
  sql: string;
  /** schema/postgresql/v12 of the server module: temporal/ and visibility/ with their versioned/ dirs. */
  schemaDir: string;
}

function findGo(): string | undefined {
  for (const c of [process.env.GO, '/usr/local/go/bin/go'].filter(Boolean) as string[]) if (existsSync(c)) return c;
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, 'go'))) return join(dir, 'go');
  return undefined;
}

/** The Temporal server and its SQL tool: reused from .tools/go/bin, else built with `go install` (about 12 minutes). */
export async function ensureGoTools(log: (m: string) => void = console.log): Promise<GoTools> {
  const server = join(GO_BIN, 'server');
  const sql = join(GO_BIN, 'sql');
  const go = findGo();
  const buildLog = join(CLUSTER_ARTIFACTS, 'go-build.log');
  const goEnv = { ...process.env, GOBIN: GO_BIN, GOFLAGS: '-mod=mod' };
  for (const [bin, pkg] of [
    [server, 'cmd/server'],
    [sql, 'cmd/tools/sql'],
  ] as const) {
    if (existsSync(bin)) continue;
    if (!go) throw new Error(`Go: ${bin} is missing and no Go toolchain was found (set GO, or install Go to /usr/local/go) to build go.temporal.io/server/${pkg}@v${TEMPORAL_VERSION}`);
    log(`building the Temporal ${pkg} v${TEMPORAL_VERSION} with Go into ${GO_BIN} (about 12 minutes the first time)…`);
    try {
      const r = await run(go, ['install', `go.temporal.io/server/${pkg}@v${TEMPORAL_VERSION}`], { env: goEnv, timeout: 45 * 60_000, maxBuffer: 256 * 1024 * 1024 });
      writeFileSync(buildLog, r.stdout + r.stderr);
    } catch (err) {
      const e = err as { message: string; stderr?: string };
      writeFileSync(buildLog, `${e.message}\n${e.stderr ?? ''}`);
      throw new Error(`Go: building go.temporal.io/server/${pkg}@v${TEMPORAL_VERSION} failed (log: ${buildLog}):\n${(e.stderr ?? e.message).slice(-3000)}`);
    }
    if (!existsSync(bin)) throw new Error(`Go: go install finished but ${bin} is not there (log: ${buildLog})`);
  }
  for (const bin of [server, sql]) {
    const v = await run(bin, ['--version'], { timeout: 30_000 }).then(
      (r) => r.stdout + r.stderr,
      (err: Error) => `error: ${err.message}`,
    );
    if (!v.includes(TEMPORAL_VERSION)) throw new Error(`Go: ${bin} does not run or is not v${TEMPORAL_VERSION}: ${v.trim()} (delete it to rebuild)`);
  }
  // The schema files ship inside the module, which `go install` left in the module cache.
  const modCache = go ? (await run(go, ['env', 'GOMODCACHE'], { timeout: 30_000 })).stdout.trim() : join(process.env.HOME ?? '/root', 'go/pkg/mod');
  const schemaDir = join(modCache, `go.temporal.io/server@v${TEMPORAL_VERSION}`, 'schema/postgresql/v12');
  if (!existsSync(join(schemaDir, 'temporal/versioned'))) {
    if (!go) throw new Error(`Go: the Temporal schema files are not in ${schemaDir} and no Go toolchain was found to download the module`);
    log(`downloading go.temporal.io/server@v${TEMPORAL_VERSION} for its schema files…`);
    await run(go, ['mod', 'download', `go.temporal.io/server@v${TEMPORAL_VERSION}`], { env: goEnv, timeout: 15 * 60_000 }).catch((err: Error & { stderr?: string }) => {
      throw new Error(`Go: downloading go.temporal.io/server@v${TEMPORAL_VERSION} failed: ${err.stderr ?? err.message}`);
    });
    if (!existsSync(join(schemaDir, 'temporal/versioned'))) throw new Error(`Go: no Temporal schema files in ${schemaDir}`);
  }
  return { server, sql, schemaDir };
}

// --- PostgreSQL --------------------------------------------------------------------------------

export interface ClusterPostgres extends TestPostgres {
  port: number;
  /** postgres:// URL of a database on this server. */
  urlOf(db: string): string;
  createDatabase(db: string): Promise<void>;
}

/** A throwaway PostgreSQL (tests/helpers/postgres.ts) on a loopback port; the superuser is `postgres`, trusted. */
export async function startPostgres(port: number, log: (m: string) => void = console.log): Promise<ClusterPostgres> {
  let p: TestPostgres;
  try {
    p = await startTestPostgres(CLUSTER_ARTIFACTS, port, log);
  } catch (err) {
    throw new Error(`PostgreSQL: cannot start: ${(err as Error).message}`);
  }
  const u = new URL(p.url);
  const urlOf = (db: string) => {
    const x = new URL(p.url);
    x.pathname = `/${db}`;
    return x.toString();
  };
  return {
    ...p,
    port: Number(u.port),
    urlOf,
    async createDatabase(db) {
      const c = new pg.Client({ connectionString: p.url });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE "${db}"`);
      } finally {
        await c.end();
      }
    },
  };
}

// --- Temporal schemas and server -------------------------------------------------------------------

/** Creates and migrates Temporal's two databases with its own SQL tool. */
export async function setupTemporalSchemas(tools: GoTools, pgPort: number): Promise<void> {
  const base = ['--plugin', 'postgres12', '--ep', '127.0.0.1', '-p', String(pgPort), '-u', 'postgres'];
  const sqlLog = join(CLUSTER_ARTIFACTS, 'temporal-sql.log');
  for (const [db, dir] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    for (const args of [['create-database'], ['setup-schema', '-v', '0.0'], ['update-schema', '-d', join(tools.schemaDir, dir, 'versioned')]]) {
      try {
        const r = await run(tools.sql, [...base, '--db', db, ...args], { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
        writeFileSync(sqlLog, `$ sql --db ${db} ${args.join(' ')}\n${r.stdout}${r.stderr}\n`, { flag: 'a' });
      } catch (err) {
        const e = err as { message: string; stderr?: string; stdout?: string };
        throw new Error(`Temporal schema: sql --db ${db} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
      }
    }
  }
}

export interface TemporalServer {
  address: string;
  logFile: string;
  /** With frontend TLS: what a client trusting the server's CA (and, with mTLS, holding the system worker's certificate) connects with. */
  tls?: TLSConfig;
  ports: ServerPorts;
  stop(): Promise<void>;
}

export type ServerPorts = Record<'frontend' | 'frontendHttp' | 'frontendMember' | 'history' | 'historyMember' | 'matching' | 'matchingMember' | 'worker' | 'workerMember', number>;

/**
 * TLS on the server's frontend, read from environment variables. The names are those of the
 * official server image's config template (docker/config_template.yaml of v1.30.1) where it has
 * one; the system worker's client certificate is this script's own (the template reuses the
 * internode certificate, and internode traffic stays plain here).
 */
export interface FrontendTls {
  certFile: string;
  keyFile: string;
  /** mTLS: the frontend refuses clients without a certificate signed by one of these CAs. */
  clientCaFiles?: string[];
  /** What the server's own system worker, a client of the frontend, trusts, expects and presents. */
  systemWorker: { rootCaFile: string; serverName?: string; certFile?: string; keyFile?: string };
}

/**
 * The frontend's TLS settings from `env`, or undefined when TEMPORAL_TLS_FRONTEND_CERT and _KEY are unset:
 *  - TEMPORAL_TLS_FRONTEND_CERT, TEMPORAL_TLS_FRONTEND_KEY: the frontend's certificate and key (TLS on);
 *  - TEMPORAL_TLS_SERVER_CA_CERT: the CA that signed it, trusted by the system worker;
 *  - TEMPORAL_TLS_FRONTEND_SERVER_NAME: the name the system worker expects in it (optional);
 *  - TEMPORAL_TLS_REQUIRE_CLIENT_AUTH=true: mTLS, with TEMPORAL_TLS_CLIENT1_CA_CERT (and _CLIENT2_)
 *    the CAs of client certificates, and TEMPORAL_TLS_SYSTEM_WORKER_CERT/_KEY the system worker's.
 */
export function frontendTlsFromEnv(env: Record<string, string | undefined>): FrontendTls | undefined {
  const v = (name: string) => (env[name] === '' ? undefined : env[name]);
  const file = (name: string, required: string | false): string | undefined => {
    const f = v(name);
    if (f === undefined) {
      if (required) throw new Error(`Temporal server TLS: ${name} is not set (${required})`);
      return undefined;
    }
    if (!existsSync(f)) throw new Error(`Temporal server TLS: ${name} names a file that does not exist: ${f}`);
    return resolve(f);
  };
  const mtls = v('TEMPORAL_TLS_REQUIRE_CLIENT_AUTH');
  if (mtls !== undefined && mtls !== 'true' && mtls !== 'false') throw new Error(`Temporal server TLS: TEMPORAL_TLS_REQUIRE_CLIENT_AUTH must be true or false, not «${mtls}»`);
  if (v('TEMPORAL_TLS_FRONTEND_CERT') === undefined && v('TEMPORAL_TLS_FRONTEND_KEY') === undefined) {
    if (mtls === 'true') throw new Error('Temporal server TLS: TEMPORAL_TLS_REQUIRE_CLIENT_AUTH=true needs TEMPORAL_TLS_FRONTEND_CERT and TEMPORAL_TLS_FRONTEND_KEY');
    return undefined;
  }
  const pair = 'the frontend certificate and its key go together';
  const tls: FrontendTls = {
    certFile: file('TEMPORAL_TLS_FRONTEND_CERT', pair)!,
    keyFile: file('TEMPORAL_TLS_FRONTEND_KEY', pair)!,
    systemWorker: { rootCaFile: file('TEMPORAL_TLS_SERVER_CA_CERT', "the CA of the frontend's certificate, for the server's own system worker")! },
  };
  const serverName = v('TEMPORAL_TLS_FRONTEND_SERVER_NAME');
  if (serverName) tls.systemWorker.serverName = serverName;
  if (mtls === 'true') {
    const why = 'required with TEMPORAL_TLS_REQUIRE_CLIENT_AUTH=true';
    tls.clientCaFiles = [file('TEMPORAL_TLS_CLIENT1_CA_CERT', why)!, file('TEMPORAL_TLS_CLIENT2_CA_CERT', false)].filter((f): f is string => !!f);
    tls.systemWorker.certFile = file('TEMPORAL_TLS_SYSTEM_WORKER_CERT', why)!;
    tls.systemWorker.keyFile = file('TEMPORAL_TLS_SYSTEM_WORKER_KEY', why)!;
  }
  return tls;
}

/**
 * `global.tls` of the server config: the frontend's listener, and how the system worker reaches it
 * (the explicit `systemWorker` section: with it, the server's internal clients of the frontend use
 * TLS with these roots, and present its certificate when the frontend asks for one).
 */
function tlsConfig(t: FrontendTls): string {
  const q = (s: string) => JSON.stringify(s);
  const list = (indent: string, items: string[]) => items.map((i) => `\n${indent}- ${q(i)}`).join('');
  const w = t.systemWorker;
  return `
  tls:
    frontend:
      server:
        certFile: ${q(t.certFile)}
        keyFile: ${q(t.keyFile)}
        requireClientAuth: ${t.clientCaFiles ? 'true' : 'false'}${t.clientCaFiles ? `\n        clientCaFiles:${list('          ', t.clientCaFiles)}` : ''}
    systemWorker:${w.certFile && w.keyFile ? `\n      certFile: ${q(w.certFile)}\n      keyFile: ${q(w.keyFile)}` : ''}
      client:${w.serverName ? `\n        serverName: ${q(w.serverName)}` : ''}
        rootCaFiles:${list('          ', [w.rootCaFile])}`;
}

function serverConfig(pgPort: number, ports: ServerPorts, dynamicConfig: string, tls?: FrontendTls): string {
  const store = (db: string, conns: number) => `
      sql:
        pluginName: "postgres12"
        databaseName: "${db}"
        connectAddr: "127.0.0.1:${pgPort}"
        connectProtocol: "tcp"
        user: "postgres"
        password: ""
        maxConns: ${conns}
        maxIdleConns: ${conns}
        maxConnLifetime: "1h"`;
  return `log:
  stdout: true
  level: warn

persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: 4
  datastores:
    postgres-default:${store('temporal', 20)}
    postgres-visibility:${store('temporal_visibility', 5)}

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"${tls ? tlsConfig(tls) : ''}

services:
  frontend:
    rpc:
      grpcPort: ${ports.frontend}
      membershipPort: ${ports.frontendMember}
      bindOnLocalHost: true
      httpPort: ${ports.frontendHttp}
  matching:
    rpc:
      grpcPort: ${ports.matching}
      membershipPort: ${ports.matchingMember}
      bindOnLocalHost: true
  history:
    rpc:
      grpcPort: ${ports.history}
      membershipPort: ${ports.historyMember}
      bindOnLocalHost: true
  worker:
    rpc:
      grpcPort: ${ports.worker}
      membershipPort: ${ports.workerMember}
      bindOnLocalHost: true

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${ports.frontend}"

dcRedirectionPolicy:
  policy: "noop"

dynamicConfigClient:
  filepath: "${dynamicConfig}"
  pollInterval: "10s"
`;
}

export interface TemporalServerOptions {
  /** Variables read by `frontendTlsFromEnv`; none set: plain gRPC, as before. */
  env?: Record<string, string | undefined>;
  /** The server's log (default CLUSTER_ARTIFACTS/temporal-server.log). */
  logFile?: string;
  /**
   * A stopped server's ports, to start it again on the same databases: its membership rows name
   * them, and a server on other ports would wait for those peers and give up after maxJoinDuration.
   */
  ports?: ServerPorts;
}

/** What the probe and `ensureNamespace` connect with: the system worker's trust and certificate. */
function clientTlsOf(t: FrontendTls): TLSConfig {
  return {
    serverRootCACertificate: readFileSync(t.systemWorker.rootCaFile),
    ...(t.systemWorker.serverName ? { serverNameOverride: t.systemWorker.serverName } : {}),
    ...(t.systemWorker.certFile && t.systemWorker.keyFile ? { clientCertPair: { crt: readFileSync(t.systemWorker.certFile), key: readFileSync(t.systemWorker.keyFile) } } : {}),
  };
}

/**
 * Starts the server (all four services in one process) on loopback ports with a config written
 * to `dir`, and waits until its frontend answers (over TLS when `o.env` turns it on).
 */
export async function startTemporalServer(tools: GoTools, pgPort: number, dir: string, ports: Set<number>, o: TemporalServerOptions = {}): Promise<TemporalServer> {
  const frontendTls = frontendTlsFromEnv(o.env ?? {});
  const tls = frontendTls && clientTlsOf(frontendTls);
  const p: ServerPorts = o.ports ?? {
    frontend: await freePort(ports),
    frontendHttp: await freePort(ports),
    frontendMember: await freePort(ports),
    history: await freePort(ports),
    historyMember: await freePort(ports),
    matching: await freePort(ports),
    matchingMember: await freePort(ports),
    worker: await freePort(ports),
    workerMember: await freePort(ports),
  };
  const dynamicConfig = join(dir, 'dynamicconfig.yaml');
  // Search attributes added by the workers are usable at once (as the dev server does it).
  writeFileSync(dynamicConfig, 'system.forceSearchAttributesCacheRefreshOnRead:\n  - value: true\n    constraints: {}\n');
  const configFile = join(dir, 'temporal-server.yaml');
  writeFileSync(configFile, serverConfig(pgPort, p, dynamicConfig, frontendTls));
  const logFile = o.logFile ?? join(CLUSTER_ARTIFACTS, 'temporal-server.log');
  mkdirSync(dirname(logFile), { recursive: true });
  const proc = spawnLogged('Temporal server', tools.server, ['--config-file', configFile, '--allow-no-auth', 'start'], { env: process.env, logFile });
  const address = `127.0.0.1:${p.frontend}`;
  const stop = () => proc.stop();
  try {
    await waitFor(
      'Temporal server',
      async () => {
        const c = await Connection.connect({ address, connectTimeout: 2000, ...(tls ? { tls } : {}) });
        try {
          await c.workflowService.getSystemInfo({});
          return true;
        } finally {
          await c.close();
        }
      },
      120_000,
      proc,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, logFile, ...(tls ? { tls } : {}), ports: p, stop };
}

/** Registers the namespace (if missing) and the app's search attributes, and waits until the frontend serves it. */
export async function ensureNamespace(address: string, namespace: string, tls?: TLSConfig): Promise<void> {
  const c = await Connection.connect({ address, ...(tls ? { tls } : {}) });
  try {
    try {
      await c.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('3 days') });
    } catch (err) {
      if (!/already exists/i.test((err as Error).message)) throw new Error(`Temporal namespace: registering "${namespace}" failed: ${(err as Error).message}`);
    }
    // The frontend's namespace cache refreshes every few seconds; a worker polling before that fails.
    await waitFor('Temporal namespace', async () => {
      await c.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 });
      return true;
    }, 60_000);
    // Once here, not by two workers racing at their start.
    await ensureSearchAttributes(c, namespace);
  } finally {
    await c.close();
  }
}

// --- processes ----------------------------------------------------------------------------------

export interface LoggedProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  logFile: string;
  /** Whether it has exited; `exitInfo` says how. */
  exited(): boolean;
  exitInfo(): string;
  /** SIGKILL to the whole process group, as a crash. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const liveGroups = new Set<number>();
// Last resort when the test process dies without its teardown: no orphaned servers.
process.once('exit', () => {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

/** Spawns a process in its own group with stdout and stderr appended to `logFile`. */
export function spawnLogged(name: string, cmd: string, args: string[], o: { env: NodeJS.ProcessEnv; logFile: string; cwd?: string }): LoggedProcess {
  mkdirSync(CLUSTER_ARTIFACTS, { recursive: true });
  const fd = openSync(o.logFile, 'a');
  // Files, not pipes: a child killed mid-write or outliving a pipe reader cannot block or die of EPIPE.
  const child = spawn(cmd, args, { cwd: o.cwd ?? ROOT, env: o.env, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`${name}: cannot spawn ${cmd}`);
  const pid = child.pid;
  liveGroups.add(pid);
  let info = '';
  const exit = new Promise<void>((r) =>
    child.once('exit', (code, signal) => {
      info = signal ? `killed by ${signal}` : `exited with ${code}`;
      liveGroups.delete(pid);
      r();
    }),
  );
  child.once('error', (err) => (info = `failed: ${err.message}`));
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      /* already gone */
    }
  };
  const p: LoggedProcess = {
    name,
    child,
    pid,
    logFile: o.logFile,
    exited: () => info !== '',
    exitInfo: () => info,
    async kill() {
      signalGroup('SIGKILL');
      await exit;
    },
    async stop(graceMs = 10_000) {
      if (info) return;
      signalGroup('SIGTERM');
      const t = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      await exit;
      clearTimeout(t);
      // Children left in the group (none expected) go too.
      signalGroup('SIGKILL');
    },
  };
  return p;
}

/** Polls `probe` until it returns true; fails naming `part`, with the process's log, if it exits or time runs out. */
export async function waitFor(part: string, probe: () => Promise<boolean>, ms: number, proc?: LoggedProcess): Promise<void> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    if (proc?.exited()) throw new Error(`${part} did not start: it ${proc.exitInfo()}. Log ${proc.logFile}:\n${tail(proc.logFile)}`);
    try {
      if (await probe()) return;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`${part} did not become ready within ${ms / 1000}s${last ? ` (${(last as Error).message})` : ''}${proc ? `. Log ${proc.logFile}:\n${tail(proc.logFile)}` : ''}`);
    await sleep(250);
  }
}

export type Role = 'worker' | 'web';

export interface AppProcess extends LoggedProcess {
  role: Role;
  /** HTTP port (web). */
  port: number;
  url: string;
  dataDir: string;
}

/** One `worker/main.ts --role …` process; resolves once it is ready (worker started / /healthz reachable). */
export async function startApp(name: string, role: Role, env: Record<string, string>, ports: Set<number>): Promise<AppProcess> {
  const port = await freePort(ports);
  const dataDir = mkdtempSync(join(tmpdir(), `de-an-06-cluster-${name}-`));
  const logFile = join(CLUSTER_ARTIFACTS, `${name}.log`);
  const proc = spawnLogged(name, process.execPath, ['--import', 'tsx', 'worker/main.ts', '--role', role], {
    env: { ...process.env, LOG_FORMAT: 'json', LOG_LEVEL: 'info', ...env, PORT: String(port), DATA_DIR: dataDir, TEMPORAL_UI_PORT: '0' },
    logFile,
  });
  const url = `http://127.0.0.1:${port}`;
  const app: AppProcess = {
    ...proc,
    role,
    port,
    url,
    dataDir,
    async stop(graceMs) {
      await proc.stop(graceMs);
      rmSync(dataDir, { recursive: true, force: true });
    },
    async kill() {
      await proc.kill();
    },
  };
  try {
    if (role === 'worker')
      // The log line written once the worker polls.
      await waitFor(`${name} (worker)`, async () => /"msg":"worker started"/.test(readFileSync(logFile, 'utf8')), 120_000, proc);
    else
      await waitFor(
        `${name} (web)`,
        async () => {
          const r = await fetch(`${url}/healthz`);
          const body = (await r.json()) as { temporal?: { reachable?: boolean } };
          return r.ok && body.temporal?.reachable === true;
        },
        120_000,
        proc,
      );
  } catch (err) {
    await app.stop(2000);
    throw err;
  }
  return app;
}

/** Runs the admin CLI with the cluster's settings; rejects with its output when it fails. */
export async function cli(args: string[], env: Record<string, string>): Promise<string> {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', 'cli/index.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 180_000, maxBuffer: 64 * 1024 * 1024 });
    return r.stdout;
  } catch (err) {
    const e = err as { message: string; stdout?: string; stderr?: string };
    throw new Error(`CLI ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

// --- the whole base ------------------------------------------------------------------------------

export interface ClusterBase {
  postgres: ClusterPostgres;
  temporal: TemporalServer;
  /** postgres:// URL of the app's store database. */
  storeUrl: string;
  namespace: string;
  ports: Set<number>;
  /** Stops the server and PostgreSQL and removes their files (idempotent). */
  stop(): Promise<void>;
}

/** Go tools, PostgreSQL, Temporal's schemas, the server and the namespace; on any failure what started is stopped. */
export async function startClusterBase(o: { namespace?: string; log?: (m: string) => void } = {}): Promise<ClusterBase> {
  const log = o.log ?? console.log;
  const namespace = o.namespace ?? 'default';
  rmSync(CLUSTER_ARTIFACTS, { recursive: true, force: true });
  mkdirSync(CLUSTER_ARTIFACTS, { recursive: true });
  const ports = new Set<number>();
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch((err: Error) => log(`cleanup: ${err.message}`));
  };
  try {
    const tools = await ensureGoTools(log);
    const postgres = await startPostgres(await freePort(ports), log);
    stops.push(() => postgres.stop());
    await setupTemporalSchemas(tools, postgres.port);
    await postgres.createDatabase('app');
    const dir = mkdtempSync(join(tmpdir(), 'de-an-06-temporal-'));
    stops.push(async () => rmSync(dir, { recursive: true, force: true }));
    const temporal = await startTemporalServer(tools, postgres.port, dir, ports);
    stops.push(() => temporal.stop());
    await ensureNamespace(temporal.address, namespace);
    return { postgres, temporal, storeUrl: postgres.urlOf('app'), namespace, ports, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
