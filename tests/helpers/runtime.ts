// (No vitest imports here: scripts use it too.)
// Temporal's runtime for a test process, logging warnings and errors only. Test files share a
// process (vitest.config.ts, isolate: false): the first to need it installs it.
import { DefaultLogger, Runtime } from '@temporalio/worker';

let installed = false;

export function installQuietRuntime(): void {
  if (installed) return;
  installed = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}
