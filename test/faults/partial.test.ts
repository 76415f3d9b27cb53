// Issue 10: a notransaction migration cut off between statements (SIGKILL in its Up or its Down, the
// server restarted) is `partial` with the right counts, and resuming never runs a completed statement again.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { isOneCleanLine, project, runCli, startCli, waitFor } from '../support/cli';
import { createDatabase, EmbeddedServer, type TestDatabase } from '../support/pg';
import { faultHarness } from './harness';
import { FIRST, inspect, sleepingPid, v } from './state';

const SLEEP = 'SELECT pg_sleep((SELECT seconds FROM public.fault_control));';

/** Five statements each way; the third sleeps. Every other statement leaves a mark in run_log. */
const NOTX = `-- +migrate Up notransaction
CREATE TABLE nt_a (id int);
INSERT INTO run_log (version) VALUES ('up-1');
${SLEEP}
INSERT INTO run_log (version) VALUES ('up-2');
CREATE TABLE nt_b (id int);
-- +migrate Down notransaction
INSERT INTO run_log (version) VALUES ('down-1');
DROP TABLE nt_b;
${SLEEP}
DROP TABLE nt_a;
INSERT INTO run_log (version) VALUES ('down-2');
`;

const files = { [`${v(1)}_run_log.sql`]: FIRST, [`${v(2)}_notx.sql`]: NOTX };

async function marks(db: TestDatabase): Promise<Record<string, number>> {
  const rows = await db.query<{ version: string; n: number }>(`SELECT version, count(*)::int AS n FROM run_log WHERE version NOT LIKE '2024%' GROUP BY version ORDER BY version`);
  return Object.fromEntries(rows.map((r) => [r.version, r.n]));
}

type JsonEntry = { version: string; status: string; hint: string | null; progress?: { direction: string; done: number; total: number } };

async function statusOf(dir: string, env: Record<string, string>): Promise<JsonEntry> {
  const r = await runCli(['status', '-migrations', dir, '--json'], { env });
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as JsonEntry[]).find((e) => e.version === v(2))!;
}

async function prepare(db: TestDatabase, sleepSeconds: number) {
  await db.query('CREATE TABLE public.fault_control (seconds float8 NOT NULL)');
  await db.query('INSERT INTO public.fault_control VALUES ($1)', [sleepSeconds]);
}

describe('SIGKILL inside a notransaction migration', () => {
  const h = faultHarness('ml_fault_partial');

  async function setup(sleepSeconds: number) {
    const db = await h.database();
    await prepare(db, sleepSeconds);
    const p = project(files);
    h.cleanup(() => p.remove());
    return { db, dir: p.migrations, env: { DATABASE_URL: db.url } };
  }

  test('between statements of its Up: partial 2 of 5, up refuses naming it, up --resume runs statement 3 again and nothing before it', async () => {
    const { db, dir, env } = await setup(30);
    const runner = startCli(['up', '-migrations', dir], { env, timeoutMs: 60_000 });
    await waitFor('statement 3 to sleep', () => sleepingPid(db));
    process.kill(runner.pid, 'SIGKILL');
    await runner.done;
    await waitFor('the lock to be released', async () => (await inspect(db)).advisoryLocks === 0, 20_000);

    const st = await statusOf(dir, env);
    expect(st.status).toBe('partial');
    expect(st.progress).toEqual({ direction: 'up', done: 2, total: 5 });
    expect(st.hint).toContain(`statement 3 (${dir}/${v(2)}_notx.sql:4) was running when the run stopped and may or may not have taken effect`);
    const text = await runCli(['status', '-migrations', dir], { env });
    expect(text.stdout).toMatch(new RegExp(`${v(2)}\\s+partial`));
    expect(text.stdout).toContain('"up --resume"');

    const refused = await runCli(['up', '-migrations', dir], { env });
    expect(refused.code).toBe(1);
    expect(isOneCleanLine(refused.stderr), refused.stderr).toBe(true);
    expect(refused.stderr).toContain(`migration ${v(2)} is partial`);

    await db.query('UPDATE public.fault_control SET seconds = 0');
    const resumed = await runCli(['up', '--resume', '-migrations', dir], { env });
    expect(resumed, JSON.stringify(resumed)).toMatchObject({ code: 0 });
    expect(resumed.stdout).toContain('statements 1-2 completed before and are not run again; statement 3 (line 4) did not complete and runs again');
    expect(await marks(db)).toEqual({ 'up-1': 1, 'up-2': 1 });
    expect((await inspect(db)).history.map((r) => [r.version, r.status])).toEqual([[v(1), 'applied'], [v(2), 'applied']]);
  });

  test('between statements of its Down: partial 2 of 5 in its Down, down --resume finishes it, nothing runs twice', async () => {
    const { db, dir, env } = await setup(0);
    expect((await runCli(['up', '-migrations', dir], { env })).code).toBe(0);
    await db.query('UPDATE public.fault_control SET seconds = 30');
    const runner = startCli(['down', '-migrations', dir], { env, timeoutMs: 60_000 });
    await waitFor('statement 3 of the Down to sleep', () => sleepingPid(db));
    process.kill(runner.pid, 'SIGKILL');
    await runner.done;
    await waitFor('the lock to be released', async () => (await inspect(db)).advisoryLocks === 0, 20_000);

    const st = await statusOf(dir, env);
    expect(st.status).toBe('partial');
    expect(st.progress).toEqual({ direction: 'down', done: 2, total: 5 });
    expect(st.hint).toContain('"down --resume"');
    const upNow = await runCli(['up', '-migrations', dir], { env });
    expect(upNow.code).toBe(1); // not "the database is up to date" while nt_b is gone
    expect(upNow.stderr).toContain('is partial');

    await db.query('UPDATE public.fault_control SET seconds = 0');
    const resumed = await runCli(['down', '--resume', '-migrations', dir], { env });
    expect(resumed, JSON.stringify(resumed)).toMatchObject({ code: 0 });
    expect(await marks(db)).toEqual({ 'up-1': 1, 'up-2': 1, 'down-1': 1, 'down-2': 1 });
    const state = await inspect(db);
    expect(state.tables).not.toContain('public.nt_a');
    expect(state.history.map((r) => [r.version, r.status])).toEqual([[v(1), 'applied'], [v(2), 'rollback']]);
  });
});

describe('server restarted inside a notransaction migration', () => {
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

  test('crash between statements: partial 2 of 5 after the restart; resume completes it, nothing runs twice', async () => {
    const db = await createDatabase(server, 'ml_fault_partial_restart');
    cleanups.push(() => db.drop());
    await prepare(db, 30);
    const p = project(files);
    cleanups.push(() => p.remove());
    const env = { DATABASE_URL: db.url };

    const runner = startCli(['up', '-migrations', p.migrations], { env, timeoutMs: 60_000 });
    await waitFor('statement 3 to sleep', () => sleepingPid(db));
    await server.crash();
    const r = await runner.done;
    expect(r.code).toBe(1);
    await server.start();

    const st = await statusOf(p.migrations, env);
    expect(st.status).toBe('partial');
    expect(st.progress).toEqual({ direction: 'up', done: 2, total: 5 });
    await db.query('UPDATE public.fault_control SET seconds = 0');
    const resumed = await runCli(['up', '--resume', '-migrations', p.migrations], { env });
    expect(resumed, JSON.stringify(resumed)).toMatchObject({ code: 0 });
    expect(await marks(db)).toEqual({ 'up-1': 1, 'up-2': 1 });
    expect((await inspect(db)).history.map((x) => [x.version, x.status])).toEqual([[v(1), 'applied'], [v(2), 'applied']]);
  });
});
