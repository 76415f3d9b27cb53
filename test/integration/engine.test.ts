// The engine against real databases: the machine's (or embedded) PostgreSQL and PGlite.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ChecksumMismatchError,
  MigrationFailedError,
  Migrator,
  OutOfOrderError,
  clearRegisteredMigrations,
  loadMigrationsAsync,
  ParseError,
  registerMigration,
  type Database,
} from '../../src/engine/internal';
import { lockKey } from '../../src/engine/lock';
import { BACKENDS, pgBackend, useBackend, type Backend } from '../support/backends';
import { examplesCopy, migrationsFolder, tableMigration } from '../support/files';

async function tables(db: Database): Promise<string[]> {
  const rows = await db.query<{ t: string }>(
    `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY 1`,
  );
  return rows.map((r) => r.t);
}

async function historyRows(db: Database, table = '"public"."schema_migrations"') {
  return db.query<{ version: string; status: string; batch: number; error: string | null; error_statement: number | null; error_line: number | null; execution_time_ms: number | null; applied_at: Date | null }>(
    `SELECT version::text AS version, status, batch, error, error_statement, error_line, execution_time_ms, applied_at FROM ${table} ORDER BY version`,
  );
}

describe.each(BACKENDS)('engine on %s', (_label, makeBackend) => {
  const suite = useBackend(makeBackend, clearRegisteredMigrations);
  let db: Database;
  beforeEach(() => {
    db = suite.db;
  });

  const folder = (files: Record<string, string>) => suite.folder(files);

  it('applies the examples in one batch, rolls back the latest, refreshes to all applied', async () => {
    const ex = examplesCopy();
    suite.track(ex);
    const m = new Migrator({ db, migrationsDir: ex.dir });
    const up = await m.up();
    expect(up.applied.map((a) => a.version)).toEqual(['20240101000001', '20240115000002', '20240201000003']);
    expect(up.batch).toBe(1);
    let status = await m.status();
    expect(status.map((s) => s.status)).toEqual(['applied', 'applied', 'applied']);
    for (const s of status) {
      expect(s.row!.batch).toBe(1);
      expect(s.row!.appliedAt).toBeInstanceOf(Date);
      expect(s.row!.executionTimeMs).toBeGreaterThan(0);
    }
    expect(await tables(db)).toContain('webhooks');

    const down = await m.down();
    expect(down.applied.map((a) => a.version)).toEqual(['20240201000003']);
    expect(await tables(db)).not.toContain('webhooks');
    status = await m.status();
    expect(status.map((s) => s.status)).toEqual(['applied', 'applied', 'rollback']);

    await m.refresh();
    status = await m.status();
    expect(status.map((s) => s.status)).toEqual(['applied', 'applied', 'applied']);
    expect(new Set(status.map((s) => s.row!.batch))).toEqual(new Set([2]));
    expect(await m.version()).toEqual({ version: '20240201000003', name: 'security_enhancements' });
  });

  it('applies up to a target, rolls back to a target, a whole batch, and resets', async () => {
    const f = folder({
      '20240101000001_a.sql': tableMigration('a'),
      '20240101000002_b.sql': tableMigration('b'),
      '20240101000003_c.sql': tableMigration('c'),
      '20240101000004_d.sql': tableMigration('d'),
    });
    const m = new Migrator({ db, migrationsDir: f.dir });
    expect((await m.up({ target: '20240101000002' })).applied.map((a) => a.version)).toEqual(['20240101000001', '20240101000002']);
    expect(await tables(db)).toEqual(['a', 'b']);
    expect((await m.up()).batch).toBe(2);
    expect(await tables(db)).toEqual(['a', 'b', 'c', 'd']);

    expect((await m.down({ batch: true })).applied.map((a) => a.version)).toEqual(['20240101000004', '20240101000003']);
    expect(await tables(db)).toEqual(['a', 'b']);
    await m.up();
    expect((await m.down({ target: '20240101000001' })).applied.map((a) => a.version)).toEqual(['20240101000004', '20240101000003', '20240101000002']);
    expect(await tables(db)).toEqual(['a']);
    await m.reset();
    expect(await tables(db)).toEqual([]);
    expect((await historyRows(db)).every((r) => r.status === 'rollback')).toBe(true);
  });

  it('records a failed migration with the error, statement and line, and rolls it back whole', async () => {
    const f = folder({
      '20240101000001_ok.sql': tableMigration('ok'),
      '20240101000002_bad.sql': '-- +migrate Up\nCREATE TABLE half (id int);\n\nINSERT INTO half VALUES (1);\nSELECT 1/0;\n-- +migrate Down\nDROP TABLE half;\n',
      '20240101000003_after.sql': tableMigration('after'),
    });
    const m = new Migrator({ db, migrationsDir: f.dir });
    const err = await m.up().catch((e) => e);
    expect(err).toBeInstanceOf(MigrationFailedError);
    expect(err.version).toBe('20240101000002');
    expect(err.statementIndex).toBe(2);
    expect(err.line).toBe(5);
    expect(err.message).toMatch(/20240101000002_bad\.sql:5: .*division by zero/);
    expect(await tables(db)).toEqual(['ok']); // neither half nor after
    const rows = await historyRows(db);
    expect(rows.map((r) => [r.version, r.status])).toEqual([
      ['20240101000001', 'applied'],
      ['20240101000002', 'failed'],
    ]);
    expect(rows[1].error).toMatch(/division by zero/);
    expect(rows[1].error_statement).toBe(2);
    expect(rows[1].error_line).toBe(5);

    // Fixing the file and running up again retries it: nothing of it was applied.
    f.write('20240101000002_bad.sql', tableMigration('half'));
    await m.up();
    expect(await tables(db)).toEqual(['after', 'half', 'ok']);
  });

  it('places a syntax error on its statement from the server-reported position', async () => {
    const f = folder({ '20240101000001_syntax.sql': '-- +migrate Up\nCREATE TABLE s1 (id int);\nCREATE TABLE s2 (id int);\nCREAT TABLE s3 (id int);\n' });
    const err = await new Migrator({ db, migrationsDir: f.dir }).up().catch((e) => e);
    expect(err).toBeInstanceOf(MigrationFailedError);
    expect([err.statementIndex, err.line]).toEqual([2, 4]);
    expect(await tables(db)).toEqual([]);
  });

  it('refuses to run while an applied file has changed, names it, and shows it as drifted', async () => {
    const f = folder({ '20240101000001_a.sql': tableMigration('a') });
    const m = new Migrator({ db, migrationsDir: f.dir });
    await m.up();
    f.write('20240101000001_a.sql', tableMigration('a', 'CREATE INDEX a_id ON a (id);'));
    f.write('20240101000002_b.sql', tableMigration('b'));
    expect((await m.status()).map((s) => s.status)).toEqual(['drifted', 'pending']);
    const err = await m.up().catch((e) => e);
    expect(err).toBeInstanceOf(ChecksumMismatchError);
    expect(err.message).toContain('20240101000001_a.sql');
    expect(err.message).toContain('20240101000001');
    expect(await tables(db)).toEqual(['a']);
    // CRLF line endings alone are not drift.
    f.write('20240101000001_a.sql', tableMigration('a').replace(/\n/g, '\r\n'));
    expect((await m.status())[0].status).toBe('applied');
  });

  it('shows applied rows whose file is gone as missing and can still roll them back', async () => {
    const f = folder({ '20240101000001_a.sql': tableMigration('a'), '20240101000002_b.sql': tableMigration('b') });
    const m = new Migrator({ db, migrationsDir: f.dir });
    await m.up();
    f.remove();
    const g = folder({ '20240101000001_a.sql': tableMigration('a') });
    const m2 = new Migrator({ db, migrationsDir: g.dir });
    expect((await m2.status()).map((s) => [s.version, s.status])).toEqual([
      ['20240101000001', 'applied'],
      ['20240101000002', 'missing'],
    ]);
    await m2.down();
    expect(await tables(db)).toEqual(['a']);
  });

  it('refuses files older than the newest applied one unless out-of-order is allowed', async () => {
    const f = folder({ '20240101000002_b.sql': tableMigration('b') });
    await new Migrator({ db, migrationsDir: f.dir }).up();
    f.write('20240101000001_a.sql', tableMigration('a'));
    const err = await new Migrator({ db, migrationsDir: f.dir }).up().catch((e) => e);
    expect(err).toBeInstanceOf(OutOfOrderError);
    expect(err.message).toContain('20240101000001_a.sql');
    expect(await tables(db)).toEqual(['b']);
    await new Migrator({ db, migrationsDir: f.dir, allowOutOfOrder: true }).up();
    expect(await tables(db)).toEqual(['a', 'b']);
  });

  it('runs code-registered migrations in the same order and transaction model as files', async () => {
    const f = folder({ '20240101000001_a.sql': tableMigration('a'), '20240101000003_c.sql': tableMigration('c') });
    registerMigration({
      version: '20240101000002',
      name: 'seed_from_code',
      description: 'fills a from code',
      up: async (h) => {
        await h.query('INSERT INTO a (id) VALUES ($1), ($2)', [1, 2]);
      },
      down: async (h) => {
        await h.query('DELETE FROM a');
      },
    });
    const m = new Migrator({ db, migrationsDir: f.dir });
    m.register({
      version: 20240101000004,
      name: 'broken_code',
      up: async (h) => {
        await h.query('INSERT INTO c (id) VALUES (1)');
        await h.query('INSERT INTO nowhere VALUES (1)');
      },
    });
    const err = await m.up().catch((e) => e);
    expect(err).toBeInstanceOf(MigrationFailedError);
    expect(err.version).toBe('20240101000004');
    expect(await db.query('SELECT id FROM a ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await db.query('SELECT id FROM c')).toEqual([]); // the code migration's insert was rolled back
    const status = await m.status();
    expect(status.map((s) => [s.version, s.status, s.migration?.kind])).toEqual([
      ['20240101000001', 'applied', 'file'],
      ['20240101000002', 'applied', 'code'],
      ['20240101000003', 'applied', 'file'],
      ['20240101000004', 'failed', 'code'],
    ]);
  });

  it('runs a notransaction migration statement by statement (CREATE INDEX CONCURRENTLY)', async () => {
    const f = folder({
      '20240101000001_t.sql': tableMigration('t'),
      '20240101000002_idx.sql': '-- +migrate Up notransaction\nCREATE INDEX CONCURRENTLY t_id_idx ON t (id);\n-- +migrate Down notransaction\nDROP INDEX CONCURRENTLY t_id_idx;\n',
    });
    const m = new Migrator({ db, migrationsDir: f.dir });
    await m.up();
    const idx = await db.query(`SELECT indexname FROM pg_indexes WHERE tablename = 't' AND indexname = 't_id_idx'`);
    expect(idx).toHaveLength(1);
    await m.down();
    expect(await db.query(`SELECT indexname FROM pg_indexes WHERE indexname = 't_id_idx'`)).toHaveLength(0);
    // A failure in a notransaction migration names the statement, and up refuses to retry it blindly:
    // the migration is partial (issue 10), and "up --resume" continues it.
    f.write('20240101000003_nt_bad.sql', '-- +migrate Up notransaction\nCREATE TABLE nt1 (id int);\nCREATE TABLE nt1 (id int);\n');
    const err = await m.up().catch((e) => e);
    expect([err.statementIndex, err.line]).toEqual([1, 3]);
    expect(await tables(db)).toContain('nt1'); // the first statement stays: there was no transaction
    await expect(m.up()).rejects.toThrow(/is partial \(1 of 2 statements of its Up completed/);
  });

  it('times each migration on its own when several share one round trip', async () => {
    const sleepy = (t: string) => `-- +migrate Up\nCREATE TABLE ${t} (id int);\nSELECT pg_sleep(0.3);\n-- +migrate Down\nDROP TABLE ${t};\n`;
    const f = folder({ '20240101000001_s1.sql': sleepy('s1'), '20240101000002_s2.sql': sleepy('s2'), '20240101000003_s3.sql': sleepy('s3') });
    const m = new Migrator({ db, migrationsDir: f.dir });
    const up = await m.up();
    const rows = await historyRows(db);
    for (const r of rows) {
      expect(r.execution_time_ms).toBeGreaterThanOrEqual(290);
      // Cumulative timing (from the shared message start) would put the third at 900 ms or more.
      expect(r.execution_time_ms).toBeLessThan(800);
    }
    expect(new Set(rows.map((r) => r.applied_at!.getTime())).size).toBe(3);
    expect(up.applied.map((a) => a.executionTimeMs)).toEqual(rows.map((r) => r.execution_time_ms));
  });

  it('dry runs change nothing and list the statements', async () => {
    const f = folder({ '20240101000001_a.sql': tableMigration('a') });
    const m = new Migrator({ db, migrationsDir: f.dir });
    const plan = await m.up({ dryRun: true });
    expect(plan.planned).toEqual([
      { version: '20240101000001', name: 'a', direction: 'up', noTransaction: false, lockTimeoutMs: 5000, statements: [{ sql: 'CREATE TABLE a (id int PRIMARY KEY)', line: 2 }] },
    ]);
    expect(await tables(db)).toEqual([]);
    expect(await db.query(`SELECT 1 FROM pg_class WHERE relname = 'schema_migrations'`)).toHaveLength(0);
  });

  it('upgrades a tracking table made by an older release in place', async () => {
    await db.exec(`CREATE TABLE schema_migrations (version bigint PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, status text NOT NULL, applied_at timestamptz);
      INSERT INTO schema_migrations VALUES (20240101000001, 'a', 'x', 'applied', now())`);
    await db.exec('CREATE TABLE a (id int)');
    const f = folder({ '20240101000001_a.sql': tableMigration('a'), '20240101000002_b.sql': tableMigration('b') });
    const m = new Migrator({ db, migrationsDir: f.dir });
    await m.acceptChecksum('20240101000001', 'test');
    await m.up();
    const cols = await db.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = 'schema_migrations'`);
    expect(cols.map((c) => c.column_name)).toEqual(expect.arrayContaining(['batch', 'execution_time_ms', 'error_line', 'script', 'note']));
    expect((await m.status()).map((s) => s.status)).toEqual(['applied', 'applied']);
  });

  it('keeps its tracking table under a configured, quoted name and schema', async () => {
    const f = folder({ '20240101000001_a.sql': tableMigration('a') });
    const m = new Migrator({ db, migrationsDir: f.dir, schema: 'Ops Schema', table: 'Mig"rations; DROP TABLE a' });
    await m.up();
    const rows = await historyRows(db, `"Ops Schema"."Mig""rations; DROP TABLE a"`);
    expect(rows.map((r) => r.status)).toEqual(['applied']);
    expect(await tables(db)).toEqual(['a']);
  });

  it('uses a folder read started up front for its first command, and reads the folder again after', async () => {
    const f = folder({ '20240101000001_a.sql': tableMigration('a') });
    const m = new Migrator({ db, migrationsDir: f.dir, folderRead: loadMigrationsAsync(f.dir, { lazyParse: true }) });
    f.write('20240101000002_b.sql', tableMigration('b')); // after the early read: the first command does not see it
    expect((await m.up()).applied.map((a) => a.version)).toEqual(['20240101000001']);
    expect((await m.up()).applied.map((a) => a.version)).toEqual(['20240101000002']);
    expect(await tables(db)).toEqual(['a', 'b']);
  });

  it('recovery commands: mark applied, mark rolled back, forget a failed row', async () => {
    const f = folder({ '20240101000001_a.sql': tableMigration('a'), '20240101000002_bad.sql': '-- +migrate Up\nSELECT 1/0;\n' });
    const m = new Migrator({ db, migrationsDir: f.dir });
    await m.up().catch(() => undefined);
    await m.forget('20240101000002');
    expect((await m.status()).map((s) => s.status)).toEqual(['applied', 'pending']);
    await m.markApplied('20240101000002');
    expect((await m.status()).map((s) => s.status)).toEqual(['applied', 'applied']);
    await m.markRolledBack('20240101000002');
    const status = await m.status();
    expect(status[1].status).toBe('rollback');
    expect(status[1].row!.note).toMatch(/marked rolled back/);
  });
});

describe('two runners on one PostgreSQL database', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await pgBackend();
  });
  afterAll(async () => {
    await backend?.close();
  });
  beforeEach(async () => {
    await backend.clean();
  });

  it('apply each migration exactly once', async () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= 8; i++) files[`2024010100000${i}_m${i}.sql`] = `-- +migrate Up\nCREATE TABLE m${i} (id int);\nSELECT pg_sleep(0.02);\n-- +migrate Down\nDROP TABLE m${i};\n`;
    const f = migrationsFolder(files);
    const [db1, db2] = [await backend.open(), await backend.open()];
    try {
      const results = await Promise.all([db1, db2].map((db) => new Migrator({ db, migrationsDir: f.dir }).up()));
      const applied = results.flatMap((r) => r.applied.map((a) => a.version)).sort();
      expect(applied).toEqual(Object.keys(files).map((n) => n.slice(0, 14)));
      const rows = await historyRows(db1);
      expect(rows).toHaveLength(8);
      expect(rows.every((r) => r.status === 'applied')).toBe(true);
    } finally {
      await db1.close();
      await db2.close();
      f.remove();
    }
  });

  it('an abort during a chunk lets the running migration commit and starts no other', async () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= 4; i++) files[`2024010100000${i}_c${i}.sql`] = `-- +migrate Up\nCREATE TABLE c${i} (id int);\n${i === 2 ? 'SELECT pg_sleep(1);' : ''}\n-- +migrate Down\nDROP TABLE c${i};\n`;
    const f = migrationsFolder(files);
    const db = await backend.open();
    try {
      const controller = new AbortController();
      const run = new Migrator({ db, migrationsDir: f.dir, signal: controller.signal }).up();
      const watcher = await backend.open();
      // Until migration 2 is inside its pg_sleep, in this database (other tests on the same server
      // sleep too): the state, however long a busy machine takes to reach it (the test's timeout bounds it).
      for (;;) {
        const rows = await watcher.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep' AND application_name = 'migrate-lens'`);
        if (rows.length) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await watcher.close();
      controller.abort();
      const result = await run;
      expect(result.cancelled).toBe(true);
      expect(result.applied.map((a) => a.version)).toEqual(['20240101000001', '20240101000002']);
      expect((await historyRows(db)).map((r) => [r.version, r.status])).toEqual([
        ['20240101000001', 'applied'],
        ['20240101000002', 'applied'],
      ]);
    } finally {
      await db.close();
      f.remove();
    }
  });

  it('a badly named file is reported at once, not after waiting for a lock held elsewhere', async () => {
    const f = migrationsFolder({ '20240101000001_a.sql': tableMigration('a'), 'V2__bad.sql': tableMigration('b') });
    const [holder, db] = [await backend.open(), await backend.open()];
    try {
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [lockKey('public', 'schema_migrations').toString()]);
      const events: string[] = [];
      const err = await new Migrator({ db, migrationsDir: f.dir, lockTimeoutMs: 60_000, onEvent: (e) => events.push(e.type) })
        .up()
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ParseError);
      expect((err as ParseError).message).toMatch(/V2__bad\.sql: bad file name/);
      expect(events).toEqual([]); // never told to wait
      expect(await db.query(`SELECT 1 FROM pg_class WHERE relname = 'schema_migrations'`)).toHaveLength(0);
    } finally {
      await holder.close();
      await db.close();
      f.remove();
    }
  });

  it('a waiting runner gives up with the lock holder named', async () => {
    const f = migrationsFolder({ '20240101000001_slow.sql': '-- +migrate Up\nSELECT pg_sleep(1.5);\n' });
    const [db1, db2] = [await backend.open(), await backend.open()];
    try {
      const events: string[] = [];
      const first = new Migrator({ db: db1, migrationsDir: f.dir }).up();
      await new Promise((r) => setTimeout(r, 300));
      const second = new Migrator({ db: db2, migrationsDir: f.dir, lockTimeoutMs: 400, onEvent: (e) => e.type === 'lock-wait' && events.push(e.holder) })
        .up()
        .catch((e) => e);
      const err = await second;
      expect(err.code).toBe('LOCK_TIMEOUT');
      expect(err.message).toMatch(/lock held by pid \d+ \(migrate-lens/);
      expect(events[0]).toMatch(/^pid \d+/);
      await first;
    } finally {
      await db1.close();
      await db2.close();
      f.remove();
    }
  });
});

describe('the PostgreSQL session', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await pgBackend();
  });
  afterAll(async () => {
    await backend?.close();
  });

  it('hands rows over one at a time, in order, and fails with the server error or the handler error', async () => {
    const db = await backend.open();
    try {
      const seen: number[] = [];
      await db.forEachRow!<{ n: number }>('SELECT n FROM generate_series(1, $1::int) n ORDER BY n', [2500], (r) => seen.push(r.n));
      expect(seen).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
      await expect(db.forEachRow!('SELECT 1/0', undefined, () => undefined)).rejects.toThrow(/division by zero/);
      let calls = 0;
      const failing = db.forEachRow!('SELECT n FROM generate_series(1, 10) n', undefined, () => {
        calls++;
        throw new Error('bad row');
      });
      await expect(failing).rejects.toThrow('bad row');
      expect(calls).toBe(1); // the rest are skipped, not handled
      expect(await db.query('SELECT 2 AS two')).toEqual([{ two: 2 }]); // the session is still usable
    } finally {
      await db.close();
    }
  });
});
