// Fault: a notransaction migration runs CREATE INDEX CONCURRENTLY while a second runner waits for the lock.
// CREATE INDEX CONCURRENTLY waits for every transaction older than itself; a waiter that sat in an open
// transaction (or blocked in pg_advisory_lock inside one) would deadlock with it. Both must end.
import { describe, expect, test } from 'vitest';
import { project, startCli, waitFor } from '../support/cli';
import { inspect, sleepingPid, v } from './state';
import { faultHarness } from './harness';

const h = faultHarness('ml_fault_cic');

const files = {
  [`${v(1)}_big_table.sql`]: `-- +migrate Up
CREATE TABLE big (id int PRIMARY KEY, body text NOT NULL);
INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 50000) g;
-- +migrate Down
DROP TABLE big;
`,
  [`${v(2)}_big_body_index.sql`]: `-- +migrate Up notransaction
SELECT pg_sleep(1.5);
CREATE INDEX CONCURRENTLY big_body_idx ON big (body);
-- +migrate Down notransaction
SELECT pg_sleep(1.5);
DROP INDEX CONCURRENTLY big_body_idx;
`,
};

describe('CREATE INDEX CONCURRENTLY with a runner waiting', () => {
  test('no deadlock: the index is built and valid, the waiter ends with nothing to do', async () => {
    const db = await h.database();
    const p = project(files);
    h.cleanup(() => p.remove());
    const env = { DATABASE_URL: db.url };

    const first = startCli(['up', '-migrations', p.migrations], { env, timeoutMs: 45_000 });
    await waitFor('the notransaction migration to start', () => sleepingPid(db));
    const second = startCli(['up', '-migrations', p.migrations, '--lock-timeout', '40'], { env, timeoutMs: 45_000 });
    await waitFor('the second runner to wait for the lock', async () => second.output().stderr.includes('Waiting for the migration lock'));
    // While it waits, the second runner must not hold a transaction open (CIC would wait on it).
    const waiterInTransaction = await db.query(
      `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'migrate-lens' AND backend_xmin IS NOT NULL
         AND state IN ('idle in transaction', 'idle in transaction (aborted)')`,
      [db.name],
    );
    expect(waiterInTransaction).toEqual([]);

    const [a, b] = await Promise.all([first.done, second.done]);
    expect(a, JSON.stringify(a)).toMatchObject({ code: 0, signal: null });
    expect(b, JSON.stringify(b)).toMatchObject({ code: 0, signal: null });
    expect(a.stdout).toContain(`Applied ${v(2)}_big_body_index`);
    expect(b.stdout).toContain('Nothing to apply');

    const [index] = await db.query<{ indisvalid: boolean; indisready: boolean }>(
      "SELECT i.indisvalid, i.indisready FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'big_body_idx'",
    );
    expect(index).toEqual({ indisvalid: true, indisready: true });
    const state = await inspect(db);
    expect(state.tables).toEqual(['public.big', 'public.schema_migrations']);
    expect(state.history).toEqual([
      { version: v(1), status: 'applied', batch: 1 },
      { version: v(2), status: 'applied', batch: 1 },
    ]);
    expect(state.advisoryLocks).toBe(0);
    const [noTx] = await db.query<{ no_transaction: boolean }>('SELECT no_transaction FROM schema_migrations WHERE version = $1', [v(2)]);
    expect(noTx.no_transaction).toBe(true);
  });

  test('down with DROP INDEX CONCURRENTLY while up waits and status reads: no deadlock, all end', async () => {
    const db = await h.database();
    const p = project(files);
    h.cleanup(() => p.remove());
    const env = { DATABASE_URL: db.url };
    expect((await startCli(['up', '-migrations', p.migrations], { env, timeoutMs: 45_000 }).done).code).toBe(0);

    const down = startCli(['down', '-migrations', p.migrations], { env, timeoutMs: 45_000 });
    await waitFor('the notransaction Down to start', () => sleepingPid(db));
    const upAgain = startCli(['up', '-migrations', p.migrations, '--lock-timeout', '40'], { env, timeoutMs: 45_000 });
    // status takes no lock: it answers while the run is in progress.
    const status = await startCli(['status', '-migrations', p.migrations], { env, timeoutMs: 20_000 }).done;
    expect(status, JSON.stringify(status)).toMatchObject({ code: 0, signal: null });
    const [d, u] = await Promise.all([down.done, upAgain.done]);
    expect(d, JSON.stringify(d)).toMatchObject({ code: 0, signal: null });
    expect(d.stdout).toContain(`Rolled back ${v(2)}_big_body_index`);
    expect(u, JSON.stringify(u)).toMatchObject({ code: 0, signal: null });
    expect(u.stderr).toContain('Waiting for the migration lock');
    expect(u.stdout).toContain(`Applied ${v(2)}_big_body_index`);

    const [index] = await db.query<{ indisvalid: boolean }>(
      "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'big_body_idx'",
    );
    expect(index).toEqual({ indisvalid: true });
    const state = await inspect(db);
    expect(state.history).toEqual([
      { version: v(1), status: 'applied', batch: 1 },
      { version: v(2), status: 'applied', batch: 2 },
    ]);
    expect(state.advisoryLocks).toBe(0);
  });
});
