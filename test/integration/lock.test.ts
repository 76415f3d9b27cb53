// The lock holder a waiting runner names is the one in its own database: advisory locks with the same
// key in other databases of the server (other projects, other test runs) are other locks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migrator, openDatabase, type Database } from '../../src/engine/internal';
import { lockKey } from '../../src/engine/lock';
import { migrationsFolder, tableMigration } from '../support/files';
import { createDatabase, getServer, type PgServer, type TestDatabase } from '../support/pg';

describe('lock holder', () => {
  let server: PgServer;
  const dbs: TestDatabase[] = [];
  const sessions: Database[] = [];
  beforeAll(async () => {
    server = await getServer();
    for (let i = 0; i < 4; i++) dbs.push(await createDatabase(server, 'ml_lockholder'));
  });
  afterAll(async () => {
    for (const s of sessions) await s.close().catch(() => undefined);
    for (const d of dbs) await d.drop();
    await server?.close();
  });

  it('names the session holding the lock in this database, not one holding the same key elsewhere', async () => {
    const key = lockKey('public', 'schema_migrations').toString();
    const open = async (d: TestDatabase) => {
      const s = await openDatabase({ kind: 'url', url: d.url, description: d.name });
      sessions.push(s);
      return s;
    };
    // The same key held first in three other databases, then in ours.
    for (const other of dbs.slice(1)) await (await open(other)).query('SELECT pg_advisory_lock($1::bigint)', [key]);
    const holder = await open(dbs[0]);
    await holder.query('SELECT pg_advisory_lock($1::bigint)', [key]);
    const [{ pid }] = await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');

    const f = migrationsFolder({ '20240101000001_a.sql': tableMigration('a') });
    try {
      const err = (await new Migrator({ db: await open(dbs[0]), migrationsDir: f.dir, lockTimeoutMs: 300 }).up().catch((e: unknown) => e)) as Error;
      expect(err.message).toMatch(new RegExp(`lock held by pid ${pid} `));
    } finally {
      f.remove();
    }
  });
});
