// One real Temporal dev server for the whole run, and the workflow code bundled once.
// If the server cannot start, the run fails here, loudly.
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDevServer, type DevServer } from '../runtime/dev-server.js';
import { ensureTemporalCli } from '../runtime/temporal-cli.js';
import { WORKFLOWS_PATH } from '../worker/worker.js';
import { ensureChromium } from './helpers/chromium.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalCli: string;
    workflowBundlePath: string;
    chromiumPath: string;
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

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  mkdirSync(ARTIFACTS, { recursive: true });
  // The browser is installed while the server starts.
  const chromium = ensureChromium();
  chromium.catch(() => undefined);
  const cli = await ensureTemporalCli((m) => console.log(m));
  const dbFile = join(ARTIFACTS, `temporal-${process.pid}.sqlite`);
  rmSync(dbFile, { force: true });
  server = await startDevServer({ cli, dbFile, port: await freePort(), uiPort: 0, namespace: 'default' });
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  const bundlePath = join(ARTIFACTS, 'workflow-bundle.js');
  writeFileSync(bundlePath, code);
  project.provide('temporalAddress', server.address);
  project.provide('temporalCli', cli);
  project.provide('workflowBundlePath', bundlePath);
  try {
    project.provide('chromiumPath', await chromium);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return async () => {
    await server?.stop();
    rmSync(dbFile, { force: true });
  };
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
