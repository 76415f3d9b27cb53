// The fault suite: real PostgreSQL, CLI runners as separate processes, servers stopped and restarted.
// Files run one at a time (they start processes and servers of their own); tests inside a file run in order.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/faults/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
