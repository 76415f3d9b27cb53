// Faults in the middle of a run: the runner process killed (SIGKILL), its connection terminated by the
// server (pg_terminate_backend), a waiting runner killed, Ctrl-C. After each: the database itself is checked.
import { describe, expect, test } from 'vitest';
import { isOneCleanLine, project, runCli, startCli, waitFor } from '../support/cli';
import { type TestDatabase } from '../support/pg';
import { sleepingPid, expectedTables, inspect, loggedSet, runCounts, v } from './state';
import { faultHarness } from './harness';

// Migration 3 sleeps for as long as the test says (fault_control is the test's, not a migration's).
const SLEEP = 'SELECT pg_sleep((SELECT seconds FROM public.fault_control));';
const files = loggedSet(4, { 3: SLEEP });
const TABLES = expectedTables(4, 'public.schema_migrations', ['public.fault_control']);

const h = faultHarness('ml_fault_kill');

async function setup(sleepSeconds: number): Promise<{ db: TestDatabase; dir: string; env: Record<string, string> }> {
  const db = await h.database();
  await db.query('CREATE TABLE public.fault_control (seconds float8 NOT NULL)');
  await db.query('INSERT INTO public.fault_control VALUES ($1)', [sleepSeconds]);
  const p = project(files);
  h.cleanup(() => p.remove());
  return { db, dir: p.migrations, env: { DATABASE_URL: db.url } };
}

/** State while migration 3 is cut off: 1 and 2 committed in batch 1, nothing of 3 anywhere. */
async function expectCutAfterTwo(db: TestDatabase): Promise<void> {
  const state = await inspect(db);
  expect(state.tables).toEqual(expectedTables(2, 'public.schema_migrations', ['public.fault_control']));
  expect(state.history.filter((h) => h.status === 'applied')).toEqual([
    { version: v(1), status: 'applied', batch: 1 },
    { version: v(2), status: 'applied', batch: 1 },
  ]);
  expect(await runCounts(db)).toEqual({ [v(1)]: 1, [v(2)]: 1 });
}

async function expectAllAppliedOnce(db: TestDatabase, batches: number[]): Promise<void> {
  const state = await waitFor('CLI sessions to close', async () => {
    const s = await inspect(db);
    return s.cliSessions === 0 ? s : null;
  });
  expect(state.tables).toEqual(TABLES);
  expect(state.history).toEqual(batches.map((batch, i) => ({ version: v(i + 1), status: 'applied', batch })));
  expect(state.advisoryLocks).toBe(0);
  expect(await runCounts(db)).toEqual({ [v(1)]: 1, [v(2)]: 1, [v(3)]: 1, [v(4)]: 1 });
}

describe('a run cut off in the middle', () => {
  test('runner killed with SIGKILL inside a long migration: not applied, no row claims it, lock released, next up succeeds', async () => {
    const { db, dir, env } = await setup(4);
    const runner = startCli(['up', '-migrations', dir], { env, timeoutMs: 60_000 });
    await waitFor('migration 3 to be sleeping', () => sleepingPid(db));
    process.kill(runner.pid, 'SIGKILL');
    expect((await runner.done).signal).toBe('SIGKILL');

    await expectCutAfterTwo(db);
    expect((await inspect(db)).history.map((h) => h.version)).not.toContain(v(3));

    // The orphaned server session ends when its statement does; then the lock is free without anyone's help.
    await db.query('UPDATE public.fault_control SET seconds = 0');
    const killedAt = Date.now();
    await waitFor('the advisory lock to be released', async () => (await inspect(db)).advisoryLocks === 0, 20_000);
    const releasedAfterMs = Date.now() - killedAt;
    expect(releasedAfterMs).toBeLessThan(20_000);
    await expectCutAfterTwo(db);

    const next = await runCli(['up', '-migrations', dir], { env });
    expect(next, JSON.stringify(next)).toMatchObject({ code: 0 });
    expect(next.stdout).toMatch(new RegExp(`Applied ${v(3)}_t3`));
    expect(next.stdout).toMatch(new RegExp(`Applied ${v(4)}_t4`));
    await expectAllAppliedOnce(db, [1, 1, 2, 2]);
  });

  test('the next up started right after the kill waits for the orphaned session, then succeeds', async () => {
    const { db, dir, env } = await setup(3);
    const runner = startCli(['up', '-migrations', dir], { env, timeoutMs: 60_000 });
    await waitFor('migration 3 to be sleeping', () => sleepingPid(db));
    process.kill(runner.pid, 'SIGKILL');
    await runner.done;
    await db.query('UPDATE public.fault_control SET seconds = 0');
    const next = await runCli(['up', '-migrations', dir, '--lock-timeout', '30'], { env });
    expect(next, JSON.stringify(next)).toMatchObject({ code: 0 });
    await expectAllAppliedOnce(db, [1, 1, 2, 2]);
  });

  test('connection terminated by the server (pg_terminate_backend): a clear error, consistent state, next run succeeds', async () => {
    const { db, dir, env } = await setup(30);
    const runner = startCli(['up', '-migrations', dir], { env, timeoutMs: 60_000 });
    const pid = await waitFor('migration 3 to be sleeping', () => sleepingPid(db));
    await db.query('SELECT pg_terminate_backend($1)', [pid]);
    const result = await runner.done;

    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(20_000); // it noticed, rather than sleeping out the 30 s
    expect(isOneCleanLine(result.stderr), result.stderr).toBe(true);
    expect(result.stderr).toMatch(/^error: .*terminat/i);
    expect(result.stderr).toMatch(/\d{14}_\w+\.sql/); // names the migration (file) it was applying
    expect(result.stdout).not.toContain(`Applied ${v(3)}`);

    await expectCutAfterTwo(db);
    const state = await inspect(db);
    const row3 = state.history.find((h) => h.version === v(3));
    expect(row3 === undefined || row3.status === 'failed').toBe(true);
    expect(state.advisoryLocks).toBe(0);

    await db.query('UPDATE public.fault_control SET seconds = 0');
    const next = await runCli(['up', '-migrations', dir], { env });
    expect(next, JSON.stringify(next)).toMatchObject({ code: 0 });
    await expectAllAppliedOnce(db, [1, 1, 2, 2]);
  });

  test('a runner killed while it waits for the lock changes nothing; the holder finishes', async () => {
    const { db, dir, env } = await setup(2);
    const holder = startCli(['up', '-migrations', dir], { env, timeoutMs: 60_000 });
    await waitFor('migration 3 to be sleeping', () => sleepingPid(db));
    const waiter = startCli(['up', '-migrations', dir], { env, timeoutMs: 60_000 });
    await waitFor('the second runner to wait', async () => waiter.output().stderr.includes('Waiting for the migration lock'));
    process.kill(waiter.pid, 'SIGKILL');
    expect((await waiter.done).signal).toBe('SIGKILL');
    expect((await holder.done).code).toBe(0);
    await expectAllAppliedOnce(db, [1, 1, 1, 1]);
  });

  test('Ctrl-C (SIGINT) stops after the current migration: it commits, the next one does not start', async () => {
    const { db, dir, env } = await setup(1.5);
    const runner = startCli(['up', '-migrations', dir], { env, timeoutMs: 60_000 });
    await waitFor('migration 3 to be sleeping', () => sleepingPid(db));
    process.kill(runner.pid, 'SIGINT');
    const result = await runner.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Stopping after the current migration');
    expect(result.stdout).toMatch(new RegExp(`Applied ${v(3)}_t3`));
    expect(result.stdout).not.toMatch(new RegExp(`Applied ${v(4)}`));
    const state = await inspect(db);
    expect(state.history).toEqual([1, 2, 3].map((i) => ({ version: v(i), status: 'applied', batch: 1 })));
    expect(state.advisoryLocks).toBe(0);

    await db.query('UPDATE public.fault_control SET seconds = 0');
    expect((await runCli(['up', '-migrations', dir], { env })).code).toBe(0);
    await expectAllAppliedOnce(db, [1, 1, 1, 2]);
  });
  test('SIGKILL inside a notransaction migration: partial, up refuses to run it again, forget after undoing it by hand recovers', async () => {
    const files = loggedSet(2);
    files[`${v(3)}_two_tables.sql`] = `-- +migrate Up notransaction
CREATE TABLE nt_a (id int);
${SLEEP}
CREATE TABLE nt_b (id int);
-- +migrate Down notransaction
DROP TABLE IF EXISTS nt_b;
DROP TABLE IF EXISTS nt_a;
`;
    const db = await h.database();
    await db.query('CREATE TABLE public.fault_control (seconds float8 NOT NULL)');
    await db.query('INSERT INTO public.fault_control VALUES (30)');
    const p = project(files);
    h.cleanup(() => p.remove());
    const env = { DATABASE_URL: db.url };

    const runner = startCli(['up', '-migrations', p.migrations], { env, timeoutMs: 60_000 });
    await waitFor('the notransaction migration to sleep', () => sleepingPid(db));
    process.kill(runner.pid, 'SIGKILL');
    await runner.done;
    await waitFor('the lock to be released', async () => (await inspect(db)).advisoryLocks === 0, 20_000);

    let state = await inspect(db);
    expect(state.tables).toContain('public.nt_a'); // statement 1 ran outside any transaction
    expect(state.tables).not.toContain('public.nt_b');
    expect(state.history.find((h) => h.version === v(3))?.status ?? 'none').not.toBe('applied');

    // The row says how far it got; up refuses to run it again from the top (issue 10: partial).
    await db.query('UPDATE public.fault_control SET seconds = 0');
    const again = await runCli(['up', '-migrations', p.migrations], { env });
    expect(again.code).toBe(1);
    expect(isOneCleanLine(again.stderr), again.stderr).toBe(true);
    expect(again.stderr).toContain(`migration ${v(3)} is partial`);
    const status = await runCli(['status', '-migrations', p.migrations, '--json'], { env });
    const entry = (JSON.parse(status.stdout) as { version: string; status: string; hint: string; progress: unknown }[]).find((e) => e.version === v(3))!;
    expect(entry.status).toBe('partial');
    expect(entry.progress).toEqual({ direction: 'up', done: 1, total: 3 });
    expect(entry.hint).toContain(`forget -version ${v(3)}`);
    expect(entry.hint).toContain(`mark-applied -version ${v(3)}`);

    await db.query('DROP TABLE nt_a');
    expect((await runCli(['forget', '-version', v(3), '-migrations', p.migrations], { env })).code).toBe(0);
    const fixed = await runCli(['up', '-migrations', p.migrations], { env });
    expect(fixed, JSON.stringify(fixed)).toMatchObject({ code: 0 });
    state = await inspect(db);
    expect(state.tables).toEqual(expectedTables(2, 'public.schema_migrations', ['public.fault_control', 'public.nt_a', 'public.nt_b']));
    expect(state.history.map((h) => [h.version, h.status])).toEqual([[v(1), 'applied'], [v(2), 'applied'], [v(3), 'applied']]);
  });

  test('SIGKILL inside a Down: still applied, no row claims it rolled back, the next down succeeds', async () => {
    const files = loggedSet(4);
    files[`${v(4)}_t4.sql`] = files[`${v(4)}_t4.sql`].replace('DROP TABLE t4;', `DROP TABLE t4;\n${SLEEP}`);
    const db = await h.database();
    await db.query('CREATE TABLE public.fault_control (seconds float8 NOT NULL)');
    await db.query('INSERT INTO public.fault_control VALUES (0)');
    const p = project(files);
    h.cleanup(() => p.remove());
    const env = { DATABASE_URL: db.url };
    expect((await runCli(['up', '-migrations', p.migrations], { env })).code).toBe(0);

    await db.query('UPDATE public.fault_control SET seconds = 30');
    const runner = startCli(['down', '-migrations', p.migrations], { env, timeoutMs: 60_000 });
    await waitFor('the Down to sleep', () => sleepingPid(db));
    process.kill(runner.pid, 'SIGKILL');
    await runner.done;
    await waitFor('the lock to be released', async () => (await inspect(db)).advisoryLocks === 0, 20_000);
    await expectAllAppliedOnce(db, [1, 1, 1, 1]);

    await db.query('UPDATE public.fault_control SET seconds = 0');
    const down = await runCli(['down', '-migrations', p.migrations], { env });
    expect(down, JSON.stringify(down)).toMatchObject({ code: 0 });
    const state = await inspect(db);
    expect(state.tables).toEqual(expectedTables(3, 'public.schema_migrations', ['public.fault_control']));
    expect(state.history.map((h) => h.status)).toEqual(['applied', 'applied', 'applied', 'rollback']);
  });

  test("the waiting runner's connection terminated: it fails in one line, the holder is not disturbed", async () => {
    const { db, dir, env } = await setup(2);
    const holder = startCli(['up', '-migrations', dir], { env, timeoutMs: 60_000 });
    const holderPid = await waitFor('migration 3 to be sleeping', () => sleepingPid(db));
    const waiter = startCli(['up', '-migrations', dir], { env, timeoutMs: 60_000 });
    await waitFor('the second runner to wait', async () => waiter.output().stderr.includes('Waiting for the migration lock'));
    await db.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'migrate-lens' AND pid <> $2",
      [db.name, holderPid],
    );
    const w = await waiter.done;
    expect(w.code).toBe(1);
    const errors = w.stderr.split('\n').filter((l) => l.trim() && !l.startsWith('Waiting for'));
    expect(isOneCleanLine(errors.join('\n')), w.stderr).toBe(true);
    expect(errors[0]).toMatch(/^error: .*(terminat|connection)/i);
    expect((await holder.done).code).toBe(0);
    await expectAllAppliedOnce(db, [1, 1, 1, 1]);
  });
});
