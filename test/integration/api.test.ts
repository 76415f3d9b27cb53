// The library's createMigrator as a program uses it: settings found like the CLI's, commands in
// order on one session, progress events, code migrations, typed errors.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChecksumMismatchError, ConfigError, createMigrator, MigrateError, type MigrateEvent } from '../../src/engine/index';
import { tableMigration } from '../support/files';
import { createDatabase, getServer, type PgServer, type TestDatabase } from '../support/pg';

describe('createMigrator', () => {
  let server: PgServer;
  let db: TestDatabase;
  let project: string;
  beforeAll(async () => {
    server = await getServer();
    db = await createDatabase(server, 'ml_api');
    project = mkdtempSync(join(tmpdir(), 'ml-api-'));
    mkdirSync(join(project, 'db'));
    writeFileSync(join(project, 'db', '20240101000001_a.sql'), tableMigration('api_a'));
    writeFileSync(join(project, 'db', '20240101000002_b.sql'), tableMigration('api_b'));
    writeFileSync(join(project, 'config.yaml'), 'migrations:\n  dir: db\n  table: api_history\n  schema: tracking\n');
  });
  afterAll(async () => {
    await db?.drop();
    await server?.close();
    rmSync(project, { recursive: true, force: true });
  });

  it("finds the config file's folder, table and schema like the CLI, and DATABASE_URL; explicit options win", () => {
    const m = createMigrator({ cwd: project, env: { DATABASE_URL: db.url } });
    expect(m.settings).toMatchObject({ migrationsDir: join(project, 'db'), table: 'api_history', schema: 'tracking', source: 'DATABASE_URL' });
    const o = createMigrator({ cwd: project, env: { DATABASE_URL: db.url }, table: 'other', schema: 'public' });
    expect(o.settings).toMatchObject({ table: 'other', schema: 'public' });
    // the lock timeout and its retries, like --ddl-lock-timeout and --ddl-retries
    expect(m.settings).toMatchObject({ ddlLockTimeoutMs: 5000, ddlRetries: 3 });
    expect(createMigrator({ cwd: project, env: { DATABASE_URL: db.url }, ddlLockTimeoutMs: 750, ddlRetries: 0 }).settings).toMatchObject({ ddlLockTimeoutMs: 750, ddlRetries: 0 });
    const embedded = createMigrator({ cwd: project, env: {} });
    expect(embedded.settings.connection.kind).toBe('embedded');
    expect(() => createMigrator({ cwd: project, env: {}, configFile: 'nope.yaml' })).toThrow(ConfigError);
  });

  it('runs commands in order on one session, with progress events and a code migration of its own', async () => {
    const events: MigrateEvent[] = [];
    const m = createMigrator({ cwd: project, env: { DATABASE_URL: db.url } });
    const off = m.on((e) => events.push(e));
    m.register({ version: '20240101000003', name: 'code', up: async (h) => void (await h.query('CREATE TABLE api_code (id int)')), down: async (h) => void (await h.query('DROP TABLE api_code')) });
    try {
      // Called together: the second waits for the first, so it finds nothing left to do.
      const [first, second] = await Promise.all([m.up(), m.up()]);
      expect(first.applied.map((a) => a.version)).toEqual(['20240101000001', '20240101000002', '20240101000003']);
      expect(second.applied).toEqual([]);
      expect(events.filter((e) => e.type === 'done').map((e) => (e.type === 'done' ? e.migration.name : ''))).toEqual(['a', 'b', 'code']);
      expect(await db.query('SELECT count(*)::int AS n FROM tracking.api_history')).toEqual([{ n: 3 }]);
      expect(await m.version()).toEqual({ version: '20240101000003', name: 'code' });
      off();
      const down = await m.down();
      expect(down.applied.map((a) => a.name)).toEqual(['code']);
      expect(events.filter((e) => e.type === 'done')).toHaveLength(3); // the listener was removed
      expect((await m.status()).map((s) => `${s.version} ${s.status}`)).toEqual(['20240101000001 applied', '20240101000002 applied', '20240101000003 rollback']);
    } finally {
      await m.close();
    }
    await expect(m.status()).rejects.toThrow(/closed/);
  });

  it('throws typed errors: a changed applied file is a ChecksumMismatchError with its code', async () => {
    writeFileSync(join(project, 'db', '20240101000001_a.sql'), tableMigration('api_a') + '\n-- edited\n');
    const m = createMigrator({ cwd: project, env: { DATABASE_URL: db.url } });
    try {
      const err = await m.up().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ChecksumMismatchError);
      expect(err).toBeInstanceOf(MigrateError);
      expect((err as MigrateError).code).toBe('CHECKSUM_MISMATCH');
    } finally {
      await m.close();
    }
  });
});
