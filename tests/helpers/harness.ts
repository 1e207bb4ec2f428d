// The harness as tests use it: pointed at the run's shared dev server and workflow bundle.
import { inject } from 'vitest';
import type { Org } from '../../domain/org.js';
import { createHarness, type Harness } from './harness-core.js';

export * from './harness-core.js';

export function startHarness(opts: { secondsPerDay?: number; org?: Org } = {}): Promise<Harness> {
  return createHarness({ address: inject('temporalAddress'), bundlePath: inject('workflowBundlePath') }, opts);
}
