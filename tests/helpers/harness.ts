// The harness as tests use it: pointed at the run's shared dev server and workflow bundle.
import { inject } from 'vitest';
import { createHarness, type Harness, type HarnessOptions } from './harness-core.js';

export * from './harness-core.js';

export function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  return createHarness({ address: inject('temporalAddress'), bundlePath: inject('workflowBundlePath') }, opts);
}
