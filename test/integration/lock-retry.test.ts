// Lock timeouts with retry against a real blocking session: another connection holds a lock the
// migration needs; the run gives up after lock_timeout (55P03), names the blocker, and tries again.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { Migrator, MigrationFailedError, type Database, type LockPolicy, type RunEvent } from '../../src/engine/internal';
import { pgBackend, pgliteBackend, useBackend } from '../support/backends';
import { migrationsFolder } from '../support/files';

type RetryEvent = Extract<RunEvent, { type: 'lock-retry' }>;

describe('lock timeouts with retry on PostgreSQL', () => {
  const suite = useBackend(pgBackend);
  let db: Database;
  let blocker: pg.Client;
  let blockerPid: number;

  // Registered after useBackend's, so it runs before it (vitest runs after-hooks last-in first-out):
  // the blocking session ends before the session is closed and the folders are removed.
  afterEach(async () => {
    await blocker?.end().catch(() => undefined);
  });

  /** A second session that holds ACCESS SHARE on `t` in an open transaction (a long SELECT's lock). */
  async function block(): Promise<void> {
    blocker = new pg.Client({ connectionString: suite.backend.url });
    await blocker.connect();
    blockerPid = (await blocker.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    await blocker.query('BEGIN');
    await blocker.query('SELECT count(*) FROM t');
  }

  async function setup(files: Record<string, string>) {
    db = suite.db;
    await db.exec('CREATE TABLE t (id int PRIMARY KEY); CREATE TABLE log (id int PRIMARY KEY);');
    return suite.folder(files).dir;
  }

  /** A migrator over `dir` with `lockPolicy`, and the lock-retry events it emits. */
  function retrying(dir: string, lockPolicy: LockPolicy): { m: Migrator; events: RetryEvent[] } {
    const events: RetryEvent[] = [];
    const m = new Migrator({ db, migrationsDir: dir, onEvent: (e) => e.type === 'lock-retry' && events.push(e), lockPolicy });
    return { m, events };
  }

  /** The blocking transaction ends during the first pause: the second try gets the lock. */
  const unblockInFirstPause = (retries: number): LockPolicy => ({
    timeoutMs: 3000,
    retries,
    watchAfterMs: 0,
    sleep: async () => void (await blocker.query('COMMIT')),
  });

  it('sets lock_timeout per migration: SET LOCAL in its transaction, for the session around a notransaction one', async () => {
    const dir = await setup({
      '20240101000000_tx.sql': "-- +migrate Up\nCREATE TABLE seen_tx AS SELECT current_setting('lock_timeout') AS v;\n-- +migrate Down\nDROP TABLE seen_tx;\n",
      '20240102000000_nt.sql': "-- +migrate Up notransaction\nCREATE TABLE seen_nt AS SELECT current_setting('lock_timeout') AS v;\n-- +migrate Down\nDROP TABLE seen_nt;\n",
    });
    await new Migrator({ db, migrationsDir: dir }).up();
    expect(await db.query('SELECT (SELECT v FROM seen_tx) AS tx, (SELECT v FROM seen_nt) AS nt')).toEqual([{ tx: '5s', nt: '5s' }]);
    // and nothing of it stays on the session afterwards
    expect(await db.query("SELECT current_setting('lock_timeout') AS v")).toEqual([{ v: '0' }]);
  });

  it.each([
    ['the default 5 s', undefined, '5s'],
    ['none (0)', { timeoutMs: 0, retries: 0 }, '0'],
  ])("a migration's own SET lock_timeout holds for it alone, with %s set", async (_label, lockPolicy, ours) => {
    const seen = (table: string) => `CREATE TABLE ${table} AS SELECT current_setting('lock_timeout') AS v;`;
    const dir = await setup({
      '20240101000000_a.sql': `-- +migrate Up\nSET lock_timeout = '1ms';\n${seen('seen_a')}\n`,
      '20240102000000_b.sql': `-- +migrate Up\n${seen('seen_b')}\n`,
      '20240103000000_c.sql': `-- +migrate Up notransaction\nSET lock_timeout = '2ms';\n${seen('seen_c')}\n`,
      '20240104000000_d.sql': `-- +migrate Up\n${seen('seen_d')}\n`,
      '20240106000000_f.sql': `-- +migrate Up\n${seen('seen_f')}\n`,
    });
    const m = new Migrator({ db, migrationsDir: dir, lockPolicy, useGlobalRegistry: false });
    m.register({ version: '20240105000000', name: 'code', up: async (h) => void (await h.query("SET lock_timeout = '3ms'")) });
    await m.up();
    const rows = await db.query("SELECT (SELECT v FROM seen_a) a, (SELECT v FROM seen_b) b, (SELECT v FROM seen_c) c, (SELECT v FROM seen_d) d, (SELECT v FROM seen_f) f, current_setting('lock_timeout') AS after");
    // The file's own SET wins over ours in that migration; the next one starts from ours (or the server's) again.
    expect(rows).toEqual([{ a: '1ms', b: ours, c: '2ms', d: ours, f: ours, after: '0' }]);
  });

  it('retries a migration that hit the lock timeout, naming the blocking session and its query', async () => {
    const dir = await setup({ '20240101000000_add.sql': '-- +migrate Up\nALTER TABLE t ADD COLUMN c int;\n-- +migrate Down\nALTER TABLE t DROP COLUMN c;\n' });
    await block();
    const { m, events } = retrying(dir, unblockInFirstPause(3));
    const result = await m.up();
    expect(result.applied.map((a) => a.version)).toEqual(['20240101000000']);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ version: '20240101000000', statement: null, attempt: 1, retries: 3, waitMs: 1000 });
    expect(events[0].blockers).toEqual([{ pid: blockerPid, query: 'SELECT count(*) FROM t', state: 'idle in transaction' }]);
    expect(await db.query("SELECT status FROM schema_migrations")).toEqual([{ status: 'applied' }]);
  });

  it("never prints the blocking session's secrets: its ALTER ROLE ... PASSWORD shows as '***'", async () => {
    const dir = await setup({ '20240101000000_add.sql': '-- +migrate Up\nALTER TABLE t ADD COLUMN c int;\n-- +migrate Down\nALTER TABLE t DROP COLUMN c;\n' });
    await block();
    // Its last query, in the transaction that holds the lock (rolled back: the role never exists).
    await blocker.query(`CREATE ROLE ml_locksecret_${blockerPid}`);
    await blocker.query(`ALTER ROLE ml_locksecret_${blockerPid} PASSWORD 'hunter2-in-the-log'`);
    const { m, events } = retrying(dir, { timeoutMs: 3000, retries: 1, watchAfterMs: 0, sleep: async () => void (await blocker.query('ROLLBACK')) });
    await m.up();
    expect(events).toHaveLength(1);
    expect(events[0].blockers).toEqual([{ pid: blockerPid, query: `ALTER ROLE ml_locksecret_${blockerPid} PASSWORD '***'`, state: 'idle in transaction' }]);
  });

  it('in a notransaction migration retries only the statement that timed out', async () => {
    const dir = await setup({
      // Run twice, the INSERT would fail on the primary key.
      '20240101000000_nt.sql': '-- +migrate Up notransaction\nINSERT INTO log VALUES (1);\nALTER TABLE t ADD COLUMN IF NOT EXISTS c int;\n-- +migrate Down\nSELECT 1;\n',
    });
    await block();
    const { m, events } = retrying(dir, unblockInFirstPause(2));
    await m.up();
    expect(events.map((e) => [e.statement, e.attempt, e.blockers.map((b) => b.pid)])).toEqual([[1, 1, [blockerPid]]]);
    expect(await db.query('SELECT id FROM log')).toEqual([{ id: 1 }]);
    expect(await db.query("SELECT status FROM schema_migrations")).toEqual([{ status: 'applied' }]);
  });

  it('a notransaction migration is watched for blockers statement by statement, not a second time as a whole', async () => {
    const dir = await setup({ '20240101000000_nt.sql': '-- +migrate Up notransaction\nSELECT pg_sleep(0.3);\n-- +migrate Down\nSELECT 1;\n' });
    let opened = 0;
    const counting: Database = {
      ...db,
      query: db.query.bind(db),
      exec: db.exec.bind(db),
      close: db.close.bind(db),
      inTransaction: db.inTransaction?.bind(db),
      openSibling: async () => {
        opened++;
        return db.openSibling!();
      },
    };
    // Watching from the start: the statement's watcher opens its session while pg_sleep runs.
    await new Migrator({ db: counting, migrationsDir: dir, lockPolicy: { timeoutMs: 5000, retries: 1, watchAfterMs: 0 } }).up();
    expect(opened).toBe(2); // the tracking table's writer and the statement's watcher
  });

  it('gives up after N retries with backoff and records the failure', async () => {
    const dir = await setup({ '20240101000000_add.sql': '-- +migrate Up\nALTER TABLE t ADD COLUMN c int;\n-- +migrate Down\nALTER TABLE t DROP COLUMN c;\n' });
    await block();
    const waits: number[] = [];
    const { m, events } = retrying(dir, { timeoutMs: 200, retries: 2, sleep: async (ms) => void waits.push(ms) });
    const err = await m.up().catch((e) => e);
    expect(err).toBeInstanceOf(MigrationFailedError);
    expect(err.message).toMatch(/lock timeout/);
    expect(events.map((e) => e.attempt)).toEqual([1, 2]);
    expect(waits).toEqual([1000, 2000]);
    expect(await db.query('SELECT status, error FROM schema_migrations')).toEqual([{ status: 'failed', error: expect.stringMatching(/lock timeout/) }]);
  });

  it('a stop asked for during the pause between tries ends the run at once, the failure recorded', async () => {
    const dir = await setup({ '20240101000000_add.sql': '-- +migrate Up\nALTER TABLE t ADD COLUMN c int;\n-- +migrate Down\nALTER TABLE t DROP COLUMN c;\n' });
    await block();
    const stop = new AbortController();
    // A pause that only the stop can end (a 30 s backoff, for the test's purpose).
    const m = new Migrator({
      db,
      migrationsDir: dir,
      signal: stop.signal,
      onEvent: (e) => e.type === 'lock-retry' && stop.abort(),
      lockPolicy: { timeoutMs: 200, retries: 3, sleep: () => new Promise(() => undefined) },
    });
    const err = await m.up().catch((e) => e);
    expect(err).toBeInstanceOf(MigrationFailedError);
    expect(await db.query('SELECT status, error FROM schema_migrations')).toEqual([{ status: 'failed', error: 'canceling statement due to lock timeout' }]);
  });

  it('the CLI prints each retry with the blocking pid and query (--ddl-lock-timeout, --ddl-retries)', async () => {
    const dir = await setup({ '20240101000000_add.sql': '-- +migrate Up\nALTER TABLE t ADD COLUMN c int;\n-- +migrate Down\nALTER TABLE t DROP COLUMN c;\n' });
    await block();
    const cli = resolve(__dirname, '..', '..', 'dist', 'cli.js');
    const env = { ...process.env, MIGRATE_LENS_COMPILE_CACHE: 'off', DATABASE_URL: suite.backend.url, PGHOST: undefined, PGDATABASE: undefined, PGUSER: undefined };
    const r = await promisify(execFile)(process.execPath, [cli, 'up', '-migrations', dir, '--ddl-lock-timeout', '3s', '--ddl-retries', '1'], { env: env as NodeJS.ProcessEnv }).catch((e) => e);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Lock timeout in 20240101000000_add; blocked by pid ${blockerPid} (idle in transaction: SELECT count(*) FROM t); retry 1/1 in 1 s`);
    expect(r.stderr).toMatch(/20240101000000_add\.sql:2: migration 20240101000000 up failed \(statement 1\): canceling statement due to lock timeout/);
  }, 30_000);
});

describe('lock timeouts on PGlite', () => {
  it('runs with the timeout set (one session: nothing can block it)', async () => {
    const backend = await pgliteBackend();
    const folder = migrationsFolder({ '20240101000000_tx.sql': "-- +migrate Up\nCREATE TABLE seen AS SELECT current_setting('lock_timeout') AS v;\n-- +migrate Down\nDROP TABLE seen;\n" });
    try {
      const db = await backend.open();
      await new Migrator({ db, migrationsDir: folder.dir, lockPolicy: { timeoutMs: 1500, retries: 1 } }).up();
      expect(await db.query('SELECT v FROM seen')).toEqual([{ v: '1500ms' }]);
    } finally {
      folder.remove();
      await backend.close();
    }
  });
});
