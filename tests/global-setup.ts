// One real Temporal dev server (in memory) for the whole run, the workflow code bundled once, and a throwaway
// PostgreSQL cluster for the store's contract tests. If a server cannot start, the run fails here, loudly.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { startDevServer, type DevServer } from '../runtime/dev-server.js';
import { ensureTemporalCli } from '../runtime/temporal-cli.js';
import { writeWorkflowBundle } from '../worker/worker.js';
import { ensureChromium } from './helpers/chromium.js';
import { bundleNodeEntry } from './helpers/node-bundle.js';
import { ocrCache } from './helpers/ocr-cache.js';
import { startTestPostgres, type TestPostgres } from './helpers/postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalCli: string;
    workflowBundlePath: string;
    chromiumPath: string;
    /** postgres:// URL of the run's PostgreSQL (a superuser: tests create their own databases). */
    databaseUrl: string;
    /** Entry points bundled once for the run (`node FILE`, no tsx in each process): see helpers/node-bundle.ts. */
    bundledCli: string;
    bundledMain: string;
    bundledWorkerProcess: string;
    /** A folder to put first on PATH: its `tesseract` reads each page image once per run (helpers/ocr-cache.ts); empty when unavailable. */
    ocrCacheBin: string;
  }
}

export const ARTIFACTS = resolve('tests/.artifacts');

/**
 * A free port below Linux's ephemeral range (32768+): the dev server binds its HTTP API and
 * metrics on random ephemeral ports, which could otherwise take a port we handed out but have
 * not bound yet.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((res) => {
      const srv = createServer();
      srv.once('error', () => res(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
    });
    if (free) return port;
  }
}

let server: DevServer | undefined;

const run = promisify(execFile);

/**
 * Tesseract with its Vietnamese model and poppler's pdftoppm, for the scanned-PDF tests:
 * installed from Debian's packages by scripts/install-ocr.sh when missing. Fails loudly when it
 * cannot be installed.
 */
async function ensureOcr(log: (m: string) => void = console.log): Promise<void> {
  const langs = await run('tesseract', ['--list-langs'], { timeout: 20_000 }).then(
    (r) => r.stdout + r.stderr,
    () => '',
  );
  const raster = await run('pdftoppm', ['-v'], { timeout: 20_000 }).then(
    () => true,
    () => false,
  );
  if (raster && langs.split(/\s+/).includes('vie')) return;
  log('OCR for scanned PDFs not found: installing Debian\'s tesseract-ocr, tesseract-ocr-vie and poppler-utils (scripts/install-ocr.sh)…');
  try {
    await run('sh', [resolve('scripts/install-ocr.sh')], { timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    throw new Error(`cannot install OCR for the scanned-PDF tests (scripts/install-ocr.sh, as root): ${(err as Error).message}`);
  }
}

/** LibreOffice, to render the reports the tests build: installed by scripts/install-office.sh when missing. */
async function ensureOffice(log: (m: string) => void = console.log): Promise<void> {
  const there = await run('soffice', ['--version'], { timeout: 60_000 }).then(
    () => true,
    () => false,
  );
  if (there) return;
  log("LibreOffice not found: installing Debian's libreoffice-writer-nogui and fonts-liberation2 (scripts/install-office.sh)…");
  try {
    await run('sh', [resolve('scripts/install-office.sh')], { timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    throw new Error(`cannot install LibreOffice for the report tests (scripts/install-office.sh, as root): ${(err as Error).message}`);
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  mkdirSync(ARTIFACTS, { recursive: true });
  // The browser, OCR and LibreOffice are installed while the server starts (one after the other: all use apt).
  const chromium = ensureChromium();
  chromium.catch(() => undefined);
  const ocr = chromium.then(
    () => ensureOcr(),
    () => ensureOcr(),
  );
  ocr.catch(() => undefined);
  // apt again, after the OCR packages.
  const office = ocr.then(
    () => ensureOffice(),
    () => ensureOffice(),
  );
  office.catch(() => undefined);
  // apt once more if PostgreSQL is missing, then its cluster.
  const postgres: Promise<TestPostgres> = office.then(
    async () => startTestPostgres(ARTIFACTS, await freePort()),
    async () => startTestPostgres(ARTIFACTS, await freePort()),
  );
  postgres.catch(() => undefined);
  // This run's own folder: another run in the same checkout must not rewrite files our processes load.
  const binDir = join(ARTIFACTS, `bin-${process.pid}`);
  rmSync(binDir, { recursive: true, force: true });
  const bundles = Promise.all([
    bundleNodeEntry('cli/index.ts', join(binDir, 'cli.mjs')),
    bundleNodeEntry('worker/main.ts', join(binDir, 'main.mjs')),
    bundleNodeEntry('tests/helpers/worker-process.ts', join(binDir, 'worker-process.mjs')),
  ]);
  bundles.catch(() => undefined);
  const cli = await ensureTemporalCli((m) => console.log(m));
  // In memory: the run's workflows are thrown away with it, and its disk writes (a sync per
  // transaction) cost time (four workflow test files alone: 61 s against a SQLite file, 50 s in memory).
  server = await startDevServer({ cli, port: await freePort(), uiPort: 0, namespace: 'default' });
  // Per run, like the server's database: a concurrent run in the same checkout must not swap the
  // workflow code under this run's workers (Worker.create reads the file).
  const bundlePath = join(ARTIFACTS, `workflow-bundle-${process.pid}.js`);
  await writeWorkflowBundle(bundlePath, { quiet: true });
  project.provide('temporalAddress', server.address);
  project.provide('temporalCli', cli);
  project.provide('workflowBundlePath', bundlePath);
  try {
    const [bundledCli, bundledMain, bundledWorkerProcess] = await bundles;
    project.provide('bundledCli', bundledCli);
    project.provide('bundledMain', bundledMain);
    project.provide('bundledWorkerProcess', bundledWorkerProcess);
    project.provide('chromiumPath', await chromium);
    await ocr;
    project.provide('ocrCacheBin', (await ocrCache(join(binDir, 'ocr'))) ?? '');
    await office;
    project.provide('databaseUrl', (await postgres).url);
  } catch (err) {
    await server.stop();
    await postgres.then((p) => p.stop()).catch(() => undefined);
    throw err;
  }
  return async () => {
    await server?.stop();
    await (await postgres).stop();
    rmSync(binDir, { recursive: true, force: true });
    rmSync(bundlePath, { force: true });
  };
}

