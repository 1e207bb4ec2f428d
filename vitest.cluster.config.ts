import { defineConfig } from 'vitest/config';

// `npm run test:cluster`: the cluster proof (tests/cluster) alone. It starts its own Temporal
// server and PostgreSQL, so no global setup; a cold run builds the server with Go (~12 min).
export default defineConfig({
  test: {
    include: ['tests/cluster/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 900_000,
    hookTimeout: 3_600_000,
  },
});
