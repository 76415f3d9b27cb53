// Fault: several runners (separate processes) started together on one database.
// Expected: every migration applied exactly once; the others wait, or give up with "lock held by …".
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { isOneCleanLine, project, startCli, waitFor, type CliResult } from '../support/cli';
import { type TestDatabase } from '../support/pg';
import { expectedTables, inspect, loggedSet, runCounts, sleepingPid, v } from './state';
import { faultHarness } from './harness';

const MIGRATIONS = 8;
// Each of migrations 2..8 sleeps, so the first runner holds the lock for a few seconds.
const files = loggedSet(MIGRATIONS, Object.fromEntries([2, 3, 4, 5, 6, 7, 8].map((i) => [i, 'SELECT pg_sleep(0.5);'])));

const h = faultHarness('ml_fault_conc');

async function setup(): Promise<{ db: TestDatabase; dir: string }> {
  const db = await h.database();
  const p = project(files);
  h.cleanup(() => p.remove());
  return { db, dir: p.migrations };
}

function appliedVersions(results: CliResult[]): string[] {
  return results.flatMap((r) => [...r.stdout.matchAll(/^Applied (\d{14})_/gm)].map((m) => m[1]));
}

/** A runner that did not get the lock in time: one error line naming the holder, nothing else wrong. */
function gaveUpOnLock(r: CliResult): boolean {
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
  return (
    r.code === 1 &&
    errors.length === 1 &&
    /^error: lock held by pid \d+ \(migrate-lens, /.test(errors[0]) &&
    !/^\s+at\s/m.test(r.stderr) &&
    r.stdout.indexOf('Applied ') === -1
  );
}

async function expectFinalState(db: TestDatabase): Promise<void> {
  expect(await runCounts(db)).toEqual(Object.fromEntries(Array.from({ length: MIGRATIONS }, (_, i) => [v(i + 1), 1])));
  const state = await waitFor('the CLI sessions to close', async () => {
    const s = await inspect(db);
    return s.cliSessions === 0 ? s : null;
  });
  expect(state.tables).toEqual(expectedTables(MIGRATIONS));
  expect(state.history).toEqual(Array.from({ length: MIGRATIONS }, (_, i) => ({ version: v(i + 1), status: 'applied', batch: 1 })));
  expect(state.advisoryLocks).toBe(0);
}

describe('runners started together', () => {
  test('2 runners: one applies everything, the other waits for it and finds nothing to do', async () => {
    const { db, dir } = await setup();
    const runners = [0, 1].map(() => startCli(['up', '-migrations', dir], { env: { DATABASE_URL: db.url }, timeoutMs: 60_000 }));
    const results = await Promise.all(runners.map((r) => r.done));

    for (const r of results) expect(r, JSON.stringify(r)).toMatchObject({ code: 0, signal: null });
    expect(appliedVersions(results).sort()).toEqual(Array.from({ length: MIGRATIONS }, (_, i) => v(i + 1)));
    const waiter = results.find((r) => !r.stdout.includes('Applied '))!;
    expect(waiter.stdout).toContain('Nothing to apply');
    // It said whom it waited for: the session that ran the migrations (run_log records its backend pid).
    const [{ pid }] = await db.query<{ pid: number }>('SELECT DISTINCT pid FROM run_log');
    expect(waiter.stderr).toMatch(new RegExp(`Waiting for the migration lock held by pid ${pid} \\(migrate-lens, `));
    await expectFinalState(db);
  });

  test('10 runners, half with a short --lock-timeout: exactly once, the impatient ones say who holds the lock', async () => {
    // Migration 2 waits at a gate (an advisory lock this test holds), so whichever runner applies
    // the migrations certainly holds the migration lock until the test opens the gate: every
    // impatient runner that is not the applier gives up while the applier is the holder, however
    // slowly a busy machine starts the processes. States are waited for, never time.
    const db = await h.database();
    const p = project(loggedSet(MIGRATIONS, { 2: 'SELECT pg_advisory_lock(4711, 1); SELECT pg_advisory_unlock(4711, 1);' }));
    h.cleanup(() => p.remove());
    const gate = new pg.Client({ connectionString: db.url });
    await gate.connect();
    h.cleanup(() => gate.end());
    await gate.query('SELECT pg_advisory_lock(4711, 1)');
    const runners = Array.from({ length: 10 }, (_, i) =>
      startCli(['up', '-migrations', p.migrations, ...(i % 2 ? ['--lock-timeout', '300ms'] : [])], {
        env: { DATABASE_URL: db.url },
        timeoutMs: 120_000,
      }),
    );
    const finished = new Set<number>();
    runners.forEach((r, i) => void r.done.then(() => finished.add(i)));
    // The applier is at the gate, and every impatient runner but (at most) the applier has ended.
    const applierPid = await waitFor('a runner to wait at the gate inside migration 2', async () => {
      const rows = await db.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'migrate-lens' AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
        [db.name],
      );
      return rows[0]?.pid ?? null;
    }, 60_000);
    await waitFor('the impatient runners to give up', async () => [1, 3, 5, 7, 9].filter((i) => finished.has(i)).length >= 4, 60_000);
    await gate.query('SELECT pg_advisory_unlock(4711, 1)');
    const results = await Promise.all(runners.map((r) => r.done));

    results.forEach((r, i) => {
      const patient = i % 2 === 0;
      if (patient) expect(r, JSON.stringify(r)).toMatchObject({ code: 0, signal: null });
      else expect(r.code === 0 || gaveUpOnLock(r), JSON.stringify(r)).toBe(true);
    });
    expect(results.filter(gaveUpOnLock).length).toBeGreaterThanOrEqual(4);
    expect(appliedVersions(results).sort()).toEqual(Array.from({ length: MIGRATIONS }, (_, i) => v(i + 1)));
    const [{ pid }] = await db.query<{ pid: number }>('SELECT DISTINCT pid FROM run_log');
    expect(pid).toBe(applierPid);
    for (const r of results.filter(gaveUpOnLock)) expect(r.stderr).toMatch(new RegExp(`^error: lock held by pid ${pid} `, 'm'));
    await expectFinalState(db);
  });

  test('a runner that gives up on the lock prints one clean line and changes nothing', async () => {
    const { db, dir } = await setup();
    const holder = startCli(['up', '-migrations', dir], { env: { DATABASE_URL: db.url }, timeoutMs: 60_000 });
    // Wait until the holder is inside a migration, so the lock is certainly taken.
    await waitFor('the first runner to be inside a migration', () => sleepingPid(db));
    const impatient = await startCli(['up', '-migrations', dir, '--lock-timeout', '0.2'], { env: { DATABASE_URL: db.url }, timeoutMs: 30_000 }).done;
    expect(gaveUpOnLock(impatient), JSON.stringify(impatient)).toBe(true);
    // The "waiting" notice goes to stderr too; the error itself is a single line.
    expect(isOneCleanLine(impatient.stderr.split('\n').filter((l) => !l.startsWith('Waiting for')).join('\n'))).toBe(true);
    expect((await holder.done).code).toBe(0);
    await expectFinalState(db);
  });
});
