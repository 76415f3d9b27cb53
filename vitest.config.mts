import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Two projects: unit tests never touch a database (and never wait for one to be found);
// integration tests share one PostgreSQL server chosen once per run by the global setup.
export default defineConfig({
  test: {
    pool: 'forks',
    // Integration tests mostly wait on PostgreSQL and child processes, so two workers overlap those
    // waits even on 2 cores (vitest's default there is one): CI's vitest step went from 287 s to 186 s.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
