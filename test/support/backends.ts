// The two databases the engine supports, behind one shape, so one suite runs on both.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { openDatabase, type Database } from '../../src/engine/internal';
import { migrationsFolder } from './files';
import { createDatabase, getServer, type TestDatabase } from './pg';

export interface Backend {
  name: 'pg' | 'pglite';
  /** A session on the test database. */
  open(): Promise<Database>;
  /** Back to an empty database: public schema recreated, other schemas dropped. */
  clean(): Promise<void>;
  close(): Promise<void>;
  /** Connection URL (pg only), for running the CLI as a separate process. */
  url?: string;
}

const CLEAN_SQL = `
DO $$ DECLARE s text; BEGIN
  FOR s IN SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema') LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', s);
  END LOOP;
END $$;
CREATE SCHEMA IF NOT EXISTS public;`;

export async function pgBackend(): Promise<Backend> {
  const server = await getServer();
  const db: TestDatabase = await createDatabase(server, 'ml_it');
  const admin = await openDatabase({ kind: 'url', url: db.url, description: db.name });
  return {
    name: 'pg',
    url: db.url,
    open: () => openDatabase({ kind: 'url', url: db.url, description: db.name }),
    clean: () => admin.exec(CLEAN_SQL),
    close: async () => {
      await admin.close();
      await db.drop();
      await server.close();
    },
  };
}

export async function pgliteBackend(): Promise<Backend> {
  const shared = await openDatabase({ kind: 'embedded', dataDir: 'memory://', description: 'PGlite in memory' });
  // PGlite is one session; hand the same one out and never close it until the end.
  const handle: Database = { ...bind(shared), close: async () => undefined };
  return {
    name: 'pglite',
    open: async () => handle,
    clean: () => shared.exec(CLEAN_SQL),
    close: () => shared.close(),
  };
}

function bind(db: Database): Database {
  return {
    kind: db.kind,
    description: db.description,
    query: db.query.bind(db),
    exec: db.exec.bind(db),
    close: db.close.bind(db),
  };
}

/** Both backends, for describe.each(BACKENDS)('… on %s', (_label, makeBackend) => …). */
export const BACKENDS: [string, () => Promise<Backend>][] = [
  ['PostgreSQL', pgBackend],
  ['PGlite', pgliteBackend],
];

export interface BackendSuite {
  /** The suite's backend (set in beforeAll). */
  readonly backend: Backend;
  /** A session on a clean database, fresh for each test (set in beforeEach, closed after it). */
  readonly db: Database;
  /** A migrations folder for this test, removed after it. */
  folder(files?: Record<string, string>): ReturnType<typeof migrationsFolder>;
  /** Removes `f` after this test too. */
  track<T extends { remove(): void }>(f: T): T;
}

/**
 * The lifecycle the backend suites share: the backend made once for the describe block and closed
 * after it; before each test a clean database and a new session; after it the session closed, the
 * test's folders removed, then `after` (e.g. clearRegisteredMigrations).
 */
export function useBackend(makeBackend: () => Promise<Backend>, after?: () => void): BackendSuite {
  let backend: Backend | undefined;
  let db: Database | undefined;
  let folders: { remove(): void }[] = [];
  beforeAll(async () => {
    backend = await makeBackend();
  });
  afterAll(async () => {
    await backend?.close();
  });
  beforeEach(async () => {
    await backend!.clean();
    db = await backend!.open();
  });
  afterEach(async () => {
    await db?.close();
    for (const f of folders) f.remove();
    folders = [];
    after?.();
  });
  return {
    get backend() {
      return backend!;
    },
    get db() {
      return db!;
    },
    folder(files = {}) {
      return this.track(migrationsFolder(files));
    },
    track(f) {
      folders.push(f);
      return f;
    },
  };
}
