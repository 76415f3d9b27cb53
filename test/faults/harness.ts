// What every fault test file needs: one server for the file, a fresh database per test, and
// cleanups (databases, folders, processes) run after each test, even a failed one.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createDatabase, getServer, type PgServer, type TestDatabase } from '../support/pg';

export interface FaultHarness {
  readonly server: PgServer;
  /** A new database for this test, dropped after it. */
  database(): Promise<TestDatabase>;
  cleanup(fn: () => unknown): void;
}

export function faultHarness(prefix: string): FaultHarness {
  let server: PgServer | undefined;
  const cleanups: (() => unknown)[] = [];
  beforeAll(async () => {
    server = await getServer();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error('the server is not ready before beforeAll');
      return server;
    },
    async database() {
      const db = await createDatabase(this.server, prefix);
      cleanups.push(() => db.drop());
      return db;
    },
    cleanup(fn) {
      cleanups.push(fn);
    },
  };
}
