// A CREATE INDEX CONCURRENTLY that fails part-way leaves an INVALID index behind. The runner drops the
// one its statement left (and only that one), so a retry or a resume builds it again from clean.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { MigrationFailedError, Migrator, type Database, type LockPolicy, type RunEvent } from '../../src/engine/internal';
import { BACKENDS, pgBackend, useBackend } from '../support/backends';
import { project, runCli, startCli, waitFor } from '../support/cli';

const V = '20240101000001';

async function rejection(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

/** name -> valid, for the indexes of table `t` other than its primary key. */
async function indexes(db: Database, table = 't'): Promise<Record<string, boolean>> {
  const rows = await db.query<{ name: string; valid: boolean }>(
    `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = $1::regclass AND NOT i.indisprimary ORDER BY 1`,
    [table],
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.valid]));
}

const infos = (events: RunEvent[]) => events.filter((e): e is Extract<RunEvent, { type: 'info' }> => e.type === 'info').map((e) => e.message);

describe('CREATE INDEX CONCURRENTLY that fails part-way, on PostgreSQL', () => {
  const suite = useBackend(pgBackend);
  let db: Database;
  let blocker: pg.Client | undefined;

  // Runs before useBackend's after-hook (last in, first out): the blocking session ends first.
  afterEach(async () => {
    await blocker?.end().catch(() => undefined);
    blocker = undefined;
  });

  async function setup(files: Record<string, string>) {
    db = suite.db;
    await db.exec('CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;');
    return suite.folder(files).dir;
  }

  /**
   * A second session with an uncommitted INSERT into `t` (ROW EXCLUSIVE): CREATE INDEX CONCURRENTLY
   * creates its index, then waits for this transaction to end (a lock wait, so lock_timeout ends it).
   */
  async function block(): Promise<pg.Client> {
    blocker = new pg.Client({ connectionString: suite.backend.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('INSERT INTO t VALUES (1000, 1000)');
    return blocker;
  }

  /** The blocking transaction ends during the first pause between tries. */
  const unblockInFirstPause = (retries: number): LockPolicy => ({
    timeoutMs: 300,
    retries,
    sleep: async () => void (await blocker!.query('COMMIT')),
  });

  /** An INVALID index made by the test itself, before any migration: a unique build over duplicates. */
  async function invalidIndex(name: string) {
    await db.exec(`INSERT INTO t VALUES (-1, 1)`);
    await db.exec(`CREATE UNIQUE INDEX CONCURRENTLY ${name} ON t (v)`).catch(() => undefined);
    await db.exec(`DELETE FROM t WHERE id = -1`);
    expect((await indexes(db))[name]).toBe(false);
  }

  it.each([
    ['without IF NOT EXISTS', 'CREATE INDEX CONCURRENTLY t_v ON t (v);'],
    ['with IF NOT EXISTS', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS t_v ON t (v);'],
  ])('a lock timeout, then a retry: the invalid index of the first try is dropped, the migration applied with a valid index (%s)', async (_label, cic) => {
    const dir = await setup({ [`${V}_idx.sql`]: `-- +migrate Up notransaction\n${cic}\n-- +migrate Down\nDROP INDEX t_v;\n` });
    await block();
    const events: RunEvent[] = [];
    const m = new Migrator({ db, migrationsDir: dir, onEvent: (e) => events.push(e), lockPolicy: unblockInFirstPause(2) });
    await m.up();
    expect(events.filter((e) => e.type === 'lock-retry').map((e) => (e as { statement: number }).statement)).toEqual([0]);
    expect(infos(events)).toEqual([`Dropped the invalid index "public"."t_v" left by ${dir}/${V}_idx.sql:2 (statement 1) when it failed, so that it is built again from the start`]);
    expect(await indexes(db)).toEqual({ t_v: true });
    expect(await db.query('SELECT status FROM schema_migrations')).toEqual([{ status: 'applied' }]);
  });

  it.each([
    ['REINDEX INDEX CONCURRENTLY t_v;', ['t_v_ccnew']],
    ['REINDEX TABLE CONCURRENTLY public.t;', ['t_pkey_ccnew', 't_v_ccnew']],
    ['REINDEX (CONCURRENTLY) TABLE t;', ['t_pkey_ccnew', 't_v_ccnew']],
  ])('%s that hit the lock timeout: the copies it left (…_ccnew) are dropped before the retry', async (reindex, copies) => {
    const dir = await setup({ [`${V}_re.sql`]: `-- +migrate Up notransaction\n${reindex}\n` });
    await db.exec('CREATE INDEX t_v ON t (v)');
    await block();
    const events: RunEvent[] = [];
    const m = new Migrator({ db, migrationsDir: dir, onEvent: (e) => events.push(e), lockPolicy: unblockInFirstPause(2) });
    await m.up();
    expect(infos(events)).toEqual(copies.map((c) => `Dropped the invalid index "public"."${c}" left by ${dir}/${V}_re.sql:2 (statement 1) when it failed`));
    expect(await indexes(db)).toEqual({ t_v: true });
    expect(await db.query('SELECT status FROM schema_migrations')).toEqual([{ status: 'applied' }]);
  });

  it('a unique violation in CREATE UNIQUE INDEX CONCURRENTLY: partial at its line, with no invalid index left', async () => {
    const dir = await setup({ [`${V}_uniq.sql`]: '-- +migrate Up notransaction\nCREATE TABLE seen (x int);\nCREATE UNIQUE INDEX CONCURRENTLY "T_u" ON public.t (v);\n' });
    await db.exec('INSERT INTO t VALUES (-1, 1)');
    const events: RunEvent[] = [];
    const m = new Migrator({ db, migrationsDir: dir, onEvent: (e) => events.push(e) });
    const err = await rejection(m.up());
    expect(err).toBeInstanceOf(MigrationFailedError);
    expect((err as MigrationFailedError).line).toBe(3);
    expect((err as MigrationFailedError).statementIndex).toBe(1);
    expect(err.message).toContain('could not create unique index "T_u"');
    expect(infos(events)).toEqual([`Dropped the invalid index "public"."T_u" left by ${dir}/${V}_uniq.sql:3 (statement 2) when it failed, so that it is built again from the start`]);
    expect(await indexes(db)).toEqual({});
    const [st] = await m.status();
    expect(st.status).toBe('partial');
    expect(st.row!.progress).toEqual({ direction: 'up', done: 1, total: 2 });
    // Fixed data: the resume builds it.
    await db.exec('DELETE FROM t WHERE id = -1');
    await m.up({ resume: true });
    expect(await indexes(db)).toEqual({ T_u: true });
  });

  it('through the search_path, in a schema and table whose names need quotes; in a Down, which says "down --resume"', async () => {
    await setup({});
    await db.exec('CREATE SCHEMA "My App"; CREATE TABLE "My App"."T" (v int); INSERT INTO "My App"."T" VALUES (1), (1);');
    const dir = suite.folder({
      [`${V}_a.sql`]: '-- +migrate Up\nSELECT 1;\n-- +migrate Down notransaction\nSET search_path = "My App";\nCREATE UNIQUE INDEX CONCURRENTLY "U" ON "T" (v);\n',
    }).dir;
    const events: RunEvent[] = [];
    const m = new Migrator({ db, migrationsDir: dir, onEvent: (e) => events.push(e) });
    await m.up();
    const err = await rejection(m.down());
    expect((err as MigrationFailedError).line).toBe(5);
    expect(infos(events)).toEqual([`Dropped the invalid index "My App"."U" left by ${dir}/${V}_a.sql:5 (statement 2) when it failed, so that it is built again from the start`]);
    expect(await indexes(db, '"My App"."T"')).toEqual({});
    expect((await m.status())[0].hint).toContain('"down --resume"');
  });

  it('an invalid index that existed before the statement is never dropped', async () => {
    await setup({});
    await invalidIndex('t_old');
    await db.exec('INSERT INTO t VALUES (-1, 1)');
    // Unnamed, and named: each drops only what it left.
    const dir = suite.folder({
      [`${V}_a.sql`]: '-- +migrate Up notransaction\nCREATE UNIQUE INDEX CONCURRENTLY ON t (v);\n',
    }).dir;
    const events: RunEvent[] = [];
    const m = new Migrator({ db, migrationsDir: dir, onEvent: (e) => events.push(e) });
    await rejection(m.up());
    expect(infos(events)).toEqual([`Dropped the invalid index "public"."t_v_idx" left by ${dir}/${V}_a.sql:2 (statement 1) when it failed, so that it is built again from the start`]);
    expect(await indexes(db)).toEqual({ t_old: false });
  });

  it('a statement named like an invalid index that existed before it: fails "already exists", and neither the run nor a resume drops it', async () => {
    await setup({});
    await invalidIndex('t_old');
    const dir = suite.folder({ [`${V}_a.sql`]: '-- +migrate Up notransaction\nCREATE INDEX CONCURRENTLY t_old ON t (v);\n' }).dir;
    const events: RunEvent[] = [];
    const m = new Migrator({ db, migrationsDir: dir, onEvent: (e) => events.push(e) });
    const err = await rejection(m.up());
    expect(err.message).toContain('already exists');
    expect(err.message).toContain('the invalid index "public"."t_old" existed before this statement ran and is not dropped');
    expect(infos(events)).toEqual([]);
    expect(await indexes(db)).toEqual({ t_old: false });
    events.length = 0;
    const again = await rejection(m.up({ resume: true }));
    expect(again.message).toContain('already exists');
    expect(infos(events).join('\n')).toContain('index "public"."t_old" is invalid, but it existed before this statement first ran: not dropped');
    expect(await indexes(db)).toEqual({ t_old: false });
  });

  it('IF NOT EXISTS over an invalid index that existed before: applied as PostgreSQL does it, with a warning naming the index', async () => {
    await setup({});
    await invalidIndex('t_old');
    const dir = suite.folder({ [`${V}_a.sql`]: '-- +migrate Up notransaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t_old ON t (v);\n' }).dir;
    const events: RunEvent[] = [];
    await new Migrator({ db, migrationsDir: dir, onEvent: (e) => events.push(e) }).up();
    expect(infos(events)).toEqual([
      `Warning: ${dir}/${V}_a.sql:2 (statement 1): the index "public"."t_old" already existed and is INVALID (IF NOT EXISTS kept it): queries do not use it; drop it (DROP INDEX CONCURRENTLY "public"."t_old") and build it again`,
    ]);
    expect(await indexes(db)).toEqual({ t_old: false });
  });

  it('cancelled while it waits (pg_cancel_backend): partial, the invalid index dropped; up --resume builds it', async () => {
    const dir = await setup({ [`${V}_idx.sql`]: '-- +migrate Up notransaction\nCREATE INDEX CONCURRENTLY t_v ON t (v);\n' });
    const b = await block();
    const events: RunEvent[] = [];
    const m = new Migrator({ db, migrationsDir: dir, onEvent: (e) => events.push(e), lockPolicy: { timeoutMs: 0, retries: 0 } });
    const run = rejection(m.up());
    const admin = suite.backend;
    const watcher = await admin.open();
    try {
      const waiting = (text: string) =>
        watcher.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1 AND pid <> pg_backend_pid()`, [text]).then((r) => r[0]?.pid);
      const pid = await waitFor('the CREATE INDEX to wait for the blocking transaction', () => waiting('CREATE INDEX CONCURRENTLY%'));
      await watcher.query('SELECT pg_cancel_backend($1)', [pid]);
      // Its DROP INDEX CONCURRENTLY waits for the same transaction: end it.
      await waitFor('the DROP INDEX to wait', () => waiting('DROP INDEX CONCURRENTLY%'));
      await b.query('COMMIT');
    } finally {
      await watcher.close();
    }
    const err = await run;
    expect(err.message).toContain('canceling statement due to user request');
    expect(infos(events)).toEqual([`Dropped the invalid index "public"."t_v" left by ${dir}/${V}_idx.sql:2 (statement 1) when it failed, so that it is built again from the start`]);
    expect(await indexes(db)).toEqual({});
    await m.up({ resume: true });
    expect(await indexes(db)).toEqual({ t_v: true });
  });

  /**
   * The statement hits the lock timeout with no retries left, and the DROP that follows times out
   * behind the same transaction: partial, with the index it left still there. The transaction ends.
   */
  async function leftAfterFailedDrop(statement: string, left: string): Promise<{ dir: string; err: Error }> {
    const dir = await setup({ [`${V}_idx.sql`]: `-- +migrate Up notransaction\n${statement}\n` });
    await db.exec('CREATE INDEX t_v ON t (v)');
    const b = await block();
    const m = new Migrator({ db, migrationsDir: dir, lockPolicy: { timeoutMs: 300, retries: 0 } });
    const err = await rejection(m.up());
    expect((await m.status())[0].status).toBe('partial');
    expect((await indexes(db))[left]).toBe(false);
    await b.query('COMMIT');
    return { dir, err };
  }

  it.each([
    ['CREATE INDEX CONCURRENTLY t_v2 ON t (v);', 't_v2', { t_v: true, t_v2: true }],
    ['CREATE INDEX CONCURRENTLY ON t (v);', 't_v_idx', { t_v: true, t_v_idx: true }],
    ['REINDEX INDEX CONCURRENTLY t_v;', 't_v_ccnew', { t_v: true }],
  ])('%s: the drop itself fails: the error names the index, the migration stays partial; up --resume drops it, then runs the statement', async (statement, left, after) => {
    const { dir, err } = await leftAfterFailedDrop(statement, left);
    expect(err).toBeInstanceOf(MigrationFailedError);
    expect(err.message).toContain(
      `failed (statement 1): canceling statement due to lock timeout; and the invalid index "public"."${left}" it left could not be dropped (canceling statement due to lock timeout): "up --resume" drops it before running the statement again`,
    );
    const events: RunEvent[] = [];
    const r = new Migrator({ db, migrationsDir: dir, onEvent: (e) => events.push(e) });
    await r.up({ resume: true });
    expect(infos(events).filter((t) => t.startsWith('Dropped'))).toEqual([
      `Dropped the invalid index "public"."${left}" left by ${dir}/${V}_idx.sql:2 (statement 1) when an earlier run stopped in it${left === 't_v_ccnew' ? '' : ', so that it is built again from the start'}`,
    ]);
    expect(await indexes(db)).toEqual(after);
    expect((await r.status())[0].status).toBe('applied');
  });

  it('a resume leaves alone an invalid index that another session is working on (its table locked SHARE UPDATE EXCLUSIVE)', async () => {
    const { dir } = await leftAfterFailedDrop('CREATE INDEX CONCURRENTLY t_v2 ON t (v);', 't_v2');
    const other = new pg.Client({ connectionString: suite.backend.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('LOCK TABLE t IN SHARE UPDATE EXCLUSIVE MODE');
      const events: RunEvent[] = [];
      const r = new Migrator({ db, migrationsDir: dir, onEvent: (e) => events.push(e), lockPolicy: { timeoutMs: 300, retries: 0 } });
      await rejection(r.up({ resume: true }));
      expect(infos(events)).toContain(`Resuming at ${dir}/${V}_idx.sql:2 (statement 1): the index "public"."t_v2" is invalid, but another session is working on it or on its table: not dropped`);
      expect(await indexes(db)).toEqual({ t_v: true, t_v2: false });
    } finally {
      await other.end();
    }
  });

  it('a resume of an unnamed CREATE INDEX CONCURRENTLY stopped by a kill (nothing recorded): names the invalid indexes of its table, drops none', async () => {
    const { dir } = await leftAfterFailedDrop('CREATE INDEX CONCURRENTLY ON t (v);', 't_v_idx');
    await db.exec('UPDATE schema_migrations SET error = NULL, error_statement = NULL, error_line = NULL'); // as a killed run leaves it
    const events: RunEvent[] = [];
    await new Migrator({ db, migrationsDir: dir, onEvent: (e) => events.push(e) }).up({ resume: true });
    expect(infos(events)).toContain(
      `Warning: resuming at ${dir}/${V}_idx.sql:2 (statement 1): t has invalid index "public"."t_v_idx"; the statement names no index, so which one (if any) it left cannot be told, and it is not dropped: check it, and drop it (DROP INDEX CONCURRENTLY) if the statement left it`,
    );
    expect(await indexes(db)).toEqual({ t_v: true, t_v_idx: false, t_v_idx1: true });
  });

  it('the CLI killed (SIGKILL) during the build, its session ended: up --resume drops the invalid index it left and builds it', async () => {
    db = suite.db;
    await db.exec('CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;');
    const p = suite.track(project({ [`${V}_idx.sql`]: '-- +migrate Up notransaction\nCREATE TABLE first (x int);\nCREATE INDEX CONCURRENTLY "Idx V" ON t (v);\n' }));
    const env = { DATABASE_URL: suite.backend.url! };
    const b = await block();
    const runner = startCli(['up', '-migrations', p.migrations, '--ddl-lock-timeout', '0'], { env, timeoutMs: 60_000 });
    const pid = await waitFor('the CREATE INDEX to wait', () =>
      db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'CREATE INDEX CONCURRENTLY%'`).then((r) => r[0]?.pid),
    );
    process.kill(runner.pid, 'SIGKILL');
    await runner.done;
    // What a server restart or an administrator does to the orphaned session.
    await db.query('SELECT pg_terminate_backend($1)', [pid]);
    await b.query('COMMIT');
    await waitFor('the session to end', () => db.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1`, [pid]).then((r) => r.length === 0));
    expect(await indexes(db)).toEqual({ 'Idx V': false });
    const resumed = await runCli(['up', '--resume', '-migrations', p.migrations], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`Dropped the invalid index "public"."Idx V" left by ${p.migrations}/${V}_idx.sql:3 (statement 2) when an earlier run stopped in it, so that it is built again from the start`);
    expect(await indexes(db)).toEqual({ 'Idx V': true });
  });
});

describe.each(BACKENDS)('CREATE UNIQUE INDEX CONCURRENTLY over duplicates, on %s', (_label, makeBackend) => {
  const suite = useBackend(makeBackend);

  it('fails at its line, partial, no invalid index left; an unrelated invalid index stays', async () => {
    const db = suite.db;
    await db.exec('CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 1), (2, 1);');
    await db.exec('CREATE UNIQUE INDEX CONCURRENTLY t_old ON t (v)').catch(() => undefined);
    const before = await indexes(db);
    const dir = suite.folder({ [`${V}_uniq.sql`]: '-- +migrate Up notransaction\nCREATE UNIQUE INDEX CONCURRENTLY t_u ON t (v);\n' }).dir;
    const m = new Migrator({ db, migrationsDir: dir });
    const err = await rejection(m.up());
    expect(err).toBeInstanceOf(MigrationFailedError);
    expect((err as MigrationFailedError).line).toBe(2);
    expect((await m.status())[0].status).toBe('partial');
    expect(await indexes(db)).toEqual(before);
    await db.exec('DELETE FROM t WHERE id = 2');
    await m.up({ resume: true });
    expect((await indexes(db)).t_u).toBe(true);
  });
});
