// The two databases the engine supports, behind one shape, so one suite runs on both.
import { openDatabase, type Database } from '../../src/engine/internal';
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
