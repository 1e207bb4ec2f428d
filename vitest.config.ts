import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The cluster proof has its own config and server (npm run test:cluster).
    exclude: ['**/node_modules/**', 'tests/cluster/**'],
    // The Temporal native core is not safe in worker threads: one process per test file.
    pool: 'forks',
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    maxWorkers: 2,
    // OCR of the corpus scans must not starve the other fork's time-warped workflow tests.
    env: { OCR_CONCURRENCY: '1' },
  },
});
