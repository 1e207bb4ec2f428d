import { defineConfig } from 'vitest/config';
import { LongestFirst } from './tests/sequencer.js';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The cluster proof has its own config and server (npm run test:cluster).
    exclude: ['**/node_modules/**', 'tests/cluster/**'],
    // The Temporal native core is not safe in worker threads: processes. Each of the two runs one
    // test file after another (not a process per file): the packages a file loads (Temporal's
    // client and worker, the document readers) are loaded once per process, not once per file.
    // A file must leave nothing running and restore what it changes (process.env).
    pool: 'forks',
    isolate: false,
    globalSetup: ['tests/global-setup.ts'],
    setupFiles: ['tests/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    maxWorkers: 2,
    // The longest files first, so the two forks end together (tests/sequencer.ts).
    sequence: { sequencer: LongestFirst },
    // OCR of the corpus scans must not starve the other fork's time-warped workflow tests.
    env: { OCR_CONCURRENCY: '1' },
  },
});
