// Histories recorded from earlier versions of the workflows must replay on the current code:
// a change that would break running workflows fails here instead of in production.
import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { installQuietRuntime } from '../helpers/runtime.js';

const DIR = 'tests/replay/histories';
installQuietRuntime();
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

describe('replay of recorded histories', () => {
  it('has histories of every kind of task to replay', () => {
    expect(files).toEqual(
      expect.arrayContaining(['ladder.json', 'lifecycle.json', 'multi-unit-parent.json', 'multi-unit-child.json', 'event-cancel.json', 'recurring-first-run.json', 'recurring-last-run.json', 'report.json', 'evidence-delivery.json']),
    );
  });

  it.each(files)('%s replays without nondeterminism', async (file) => {
    const history: unknown = JSON.parse(readFileSync(join(DIR, file), 'utf8'));
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, file)).resolves.toBeUndefined();
  });
});
