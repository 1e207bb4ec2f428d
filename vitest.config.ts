import { defineConfig } from 'vitest/config';
import { LongestFirst } from './tests/sequencer.js';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The cluster proof has its own config and server (npm run test:cluster).
    exclude: ['**/node_modules/**', 'tests/cluster/**'],
    // The Temporal native core is not safe in worker threads: processes. Each of them runs one
    // test file after another (not a process per file): the packages a file loads (Temporal's
    // client and worker, the document readers) are loaded once per process, not once per file.
    // A file must leave nothing running and restore what it changes (process.env).
    pool: 'forks',
    isolate: false,
    globalSetup: ['tests/global-setup.ts'],
    setupFiles: ['tests/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Three forks on two cores: much of a workflow test is waiting for business time, and a third
    // file fills those waits (two forks kept the machine 1.4 cores busy, three 1.8).
    maxWorkers: 3,
    // The longest files first, so the forks end together (tests/sequencer.ts).
    sequence: { sequencer: LongestFirst },
    // Two pages at once: the run's Tesseract runs at a low CPU priority (helpers/ocr-cache.ts),
    // so the corpus OCR takes what the time-warped workflow tests leave and never starves them.
    env: { OCR_CONCURRENCY: '2' },
  },
});
