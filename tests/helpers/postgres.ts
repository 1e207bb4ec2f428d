// A throwaway PostgreSQL cluster for the test run (the store's contract tests): initdb into a
// temporary directory, started with pg_ctl on a free loopback port, removed at the end. The
// binaries come from scripts/install-postgres.sh (Debian's package when missing). PostgreSQL
// refuses to run as root, so as root the cluster belongs to, and runs as, the `postgres` user.
// TEST_DATABASE_URL, when set, names a server to use instead (nothing is started).
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface TestPostgres {
  url: string;
  stop(): Promise<void>;
}

const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL program, as the `postgres` user when we are root. */
async function pgRun(bin: string, args: string[], timeout = 120_000): Promise<{ stdout: string; stderr: string }> {
  if (!asRoot) return run(bin, args, { timeout });
  return run('runuser', ['-u', 'postgres', '--', bin, ...args], { timeout });
}

/** Whether the `postgres` user can write into `dir` (every parent must be searchable by it). */
async function postgresCanWrite(dir: string): Promise<boolean> {
  if (!asRoot) return true;
  return run('runuser', ['-u', 'postgres', '--', 'test', '-w', dir], { timeout: 20_000 }).then(
    () => true,
    () => false,
  );
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Clusters left by runs that were killed before their teardown: stopped and removed. */
async function reapStale(parent: string, pgCtl: string): Promise<void> {
  if (!existsSync(parent)) return;
  for (const name of readdirSync(parent)) {
    const m = /^pg-(\d+)-/.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    const data = join(parent, name, 'data');
    if (existsSync(join(data, 'postmaster.pid'))) await pgRun(pgCtl, ['stop', '-D', data, '-m', 'immediate', '-w']).catch(() => undefined);
    rmSync(join(parent, name), { recursive: true, force: true });
  }
}

async function installPostgres(log: (m: string) => void): Promise<string> {
  try {
    const { stdout } = await run('sh', [resolve('scripts/install-postgres.sh')], { timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
    const lines = stdout.trim().split('\n');
    log(lines.at(-2) ?? '');
    const dir = lines.at(-1)!.trim();
    if (!existsSync(join(dir, 'pg_ctl'))) throw new Error(`no pg_ctl in ${dir}`);
    return dir;
  } catch (err) {
    throw new Error(`cannot install PostgreSQL for the store tests (scripts/install-postgres.sh, as root): ${(err as Error).message}`);
  }
}

export async function startTestPostgres(artifacts: string, port: number, log: (m: string) => void = console.log): Promise<TestPostgres> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    await probe(external);
    return { url: external, stop: async () => undefined };
  }
  const bin = await installPostgres(log);
  const [initdb, pgCtl] = [join(bin, 'initdb'), join(bin, 'pg_ctl')];
  const parent = join(artifacts, 'postgres');
  mkdirSync(parent, { recursive: true });
  await reapStale(parent, pgCtl);
  let dir = mkdtempSync(join(parent, `pg-${process.pid}-`));
  if (asRoot) chownSync(dir, ...userIds('postgres'));
  // A checkout under /root is not reachable by the postgres user: use the system temp dir then.
  // So is a socket path longer than the kernel's 107 bytes.
  if (!(await postgresCanWrite(dir)) || join(dir, `.s.PGSQL.${port}`).length > 100) {
    rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), `pg-${process.pid}-`));
    if (asRoot) chownSync(dir, ...userIds('postgres'));
  }
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const fail = (what: string, err: unknown): Error => {
    const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n') : '';
    const e = err as { message?: string; stderr?: string };
    return new Error(`test PostgreSQL: ${what} failed: ${e.message ?? String(err)}\n${e.stderr ?? ''}\n${tail}`);
  };
  try {
    await pgRun(initdb, ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw fail('initdb', err);
  }
  // Settings in the file, not on pg_ctl's -o (which goes through a shell): paths may hold anything.
  appendFileSync(
    join(data, 'postgresql.conf'),
    [
      `listen_addresses = '127.0.0.1'`,
      `port = ${port}`,
      `unix_socket_directories = '${dir.replaceAll("'", "''")}'`,
      // A throwaway cluster: durability buys nothing here.
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      'max_connections = 200',
      '',
    ].join('\n'),
  );
  try {
    await pgRun(pgCtl, ['start', '-D', data, '-l', logFile, '-w', '-t', '60']);
  } catch (err) {
    const e = fail('pg_ctl start', err);
    await pgRun(pgCtl, ['stop', '-D', data, '-m', 'immediate', '-w']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    await pgRun(pgCtl, ['stop', '-D', data, '-m', 'fast', '-w', '-t', '60']).catch(() => pgRun(pgCtl, ['stop', '-D', data, '-m', 'immediate', '-w']));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await probe(url);
  } catch (err) {
    await stop().catch(() => undefined);
    throw fail('connecting', err);
  }
  return { url, stop };
}

async function probe(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await c.connect();
  try {
    await c.query('SELECT 1');
  } finally {
    await c.end();
  }
}

/** The uid and primary gid of a local user, from /etc/passwd (Debian's package creates `postgres` there). */
function userIds(name: string): [number, number] {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`test PostgreSQL: no '${name}' user to run the server as (scripts/install-postgres.sh installs it)`);
  const f = line.split(':');
  return [Number(f[2]), Number(f[3])];
}
