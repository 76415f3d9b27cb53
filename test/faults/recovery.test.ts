// The recovery commands, run as a user runs them (the CLI as a process, real PostgreSQL), each from the
// problem that calls for it: status must name the command, the command must fix exactly that, and the
// history must say who did it and when.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { isOneCleanLine, project, runCli, startCli, waitFor, type CliResult } from '../support/cli';
import { type TestDatabase } from '../support/pg';
import { sleepingPid, inspect, loggedSet, v } from './state';
import { faultHarness } from './harness';

const h = faultHarness('ml_fault_recovery');

interface Ctx {
  db: TestDatabase;
  dir: string;
  cli(...args: string[]): Promise<CliResult>;
  row(version: string): Promise<Record<string, unknown> | undefined>;
  statusJson(): Promise<{ version: string; status: string; hint: string | null; error: string | null; errorLine: number | null; outOfOrder: boolean }[]>;
}

async function setup(files: Record<string, string>, user = 'alice'): Promise<Ctx> {
  const db = await h.database();
  const p = project(files);
  h.cleanup(() => p.remove());
  const cli = (...args: string[]) => runCli([...args, '-migrations', p.migrations], { env: { DATABASE_URL: db.url, USER: user } });
  return {
    db,
    dir: p.migrations,
    cli,
    row: async (version) => (await db.query('SELECT * FROM schema_migrations WHERE version = $1', [version]))[0],
    statusJson: async () => {
      const r = await cli('status', '--json');
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    },
  };
}

function ok(r: CliResult): void {
  expect(r, JSON.stringify(r)).toMatchObject({ code: 0, signal: null });
}

function refused(r: CliResult, pattern: RegExp): void {
  expect(r.code, JSON.stringify(r)).toBe(1);
  expect(isOneCleanLine(r.stderr), r.stderr).toBe(true);
  expect(r.stderr).toMatch(/^error: /);
  expect(r.stderr).toMatch(pattern);
}

const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/;

describe('recovery commands', () => {
  test('a failed migration: status says what failed where and suggests forget; forget clears it; the fixed file applies', async () => {
    const files = loggedSet(2);
    files[`${v(3)}_broken.sql`] = '-- +migrate Up\nCREATE TABLE half (id int);\n\nSELECT 1/0;\n-- +migrate Down\nDROP TABLE half;\n';
    const c = await setup(files);
    refused(await c.cli('up'), new RegExp(`${v(3)}_broken\\.sql:4: migration ${v(3)} up failed \\(statement 2\\): division by zero`));

    const row = await c.row(v(3));
    expect(row).toMatchObject({ status: 'failed', error: 'division by zero', error_line: 4, error_statement: 1 });
    expect((await inspect(c.db)).tables).not.toContain('public.half'); // rolled back with its transaction

    const entry = (await c.statusJson()).find((e) => e.version === v(3))!;
    expect(entry).toMatchObject({ status: 'failed', error: 'division by zero', errorLine: 4 });
    expect(entry.hint).toContain(`forget -version ${v(3)}`);
    const text = await c.cli('status');
    expect(text.stdout).toMatch(new RegExp(`${v(3)} failed at line 4: division by zero`));
    expect(text.stdout).toMatch(new RegExp(`${v(3)} failed: .*forget -version ${v(3)}`));

    ok(await c.cli('forget', '-version', v(3)));
    expect(await c.row(v(3))).toBeUndefined();
    expect((await c.statusJson()).find((e) => e.version === v(3))!.status).toBe('pending');

    writeFileSync(join(c.dir, `${v(3)}_broken.sql`), '-- +migrate Up\nCREATE TABLE half (id int);\n\nSELECT 1/1;\n-- +migrate Down\nDROP TABLE half;\n');
    ok(await c.cli('up'));
    expect(await c.row(v(3))).toMatchObject({ status: 'applied', error: null, batch: 2 });
    expect((await inspect(c.db)).tables).toContain('public.half');
  });

  test('a notransaction migration failed part-way is partial: up refuses, status suggests mark-applied or forget; finished by hand, mark-applied records it', async () => {
    const files = loggedSet(2);
    files[`${v(3)}_partial.sql`] =
      '-- +migrate Up notransaction\nCREATE TABLE nt_a (id int);\nCREATE TABLE nt_a (id int);\nCREATE TABLE nt_b (id int);\n-- +migrate Down\nDROP TABLE nt_b;\nDROP TABLE nt_a;\n';
    const c = await setup(files, 'bob');
    refused(await c.cli('up'), /partial\.sql:3: .*statement 2.*already exists/);
    // Issue 10: a notransaction migration that stopped part-way is partial, with its progress.
    expect(await c.row(v(3))).toMatchObject({ status: 'partial', no_transaction: true, error_statement: 1, error_line: 3, statements_done: 1, statements_total: 3 });
    let tables = (await inspect(c.db)).tables;
    expect(tables).toContain('public.nt_a'); // statement 1 stays: there was no transaction to roll back
    expect(tables).not.toContain('public.nt_b');

    const entry = (await c.statusJson()).find((e) => e.version === v(3))!;
    expect(entry.hint).toContain(`mark-applied -version ${v(3)}`);
    expect(entry.hint).toContain(`forget -version ${v(3)}`);
    refused(await c.cli('up'), new RegExp(`is partial .*mark-applied -version ${v(3)}`));

    await c.db.query('CREATE TABLE nt_b (id int)'); // the operator finishes the job by hand
    ok(await c.cli('mark-applied', '-version', v(3)));
    const row = await c.row(v(3));
    expect(row).toMatchObject({ status: 'applied', error: null });
    expect(String(row!.note)).toMatch(/marked applied without running by bob at /);
    expect(String(row!.note)).toMatch(ISO);
    const up = await c.cli('up');
    ok(up);
    expect(up.stdout).toContain('Nothing to apply');
    tables = (await inspect(c.db)).tables;
    expect(tables.filter((t) => t.startsWith('public.nt_'))).toEqual(['public.nt_a', 'public.nt_b']);
  });

  test('mark-applied: a pending migration whose change was made by hand is recorded, not run', async () => {
    const c = await setup(loggedSet(3));
    ok(await c.cli('up', '-version', v(2)));
    await c.db.query('CREATE TABLE t3 (id int PRIMARY KEY)');
    ok(await c.cli('mark-applied', '-version', v(3)));
    expect(await c.row(v(3))).toMatchObject({ status: 'applied', batch: 2 });
    expect(String((await c.row(v(3)))!.note)).toMatch(/marked applied without running by alice/);
    const log = await c.db.query<{ version: string }>('SELECT version FROM run_log ORDER BY version');
    expect(log.map((r) => r.version)).toEqual([v(1), v(2)]); // its Up never ran
    const up = await c.cli('up');
    ok(up);
    expect(up.stdout).toContain('Nothing to apply');
  });

  test('mark-rolled-back: undone by hand, recorded as rolled back, and up applies it again', async () => {
    const c = await setup(loggedSet(3));
    ok(await c.cli('up'));
    await c.db.query(`DROP TABLE t3; DELETE FROM run_log WHERE version = '${v(3)}'`);
    ok(await c.cli('mark-rolled-back', '-version', v(3)));
    const row = await c.row(v(3));
    expect(row).toMatchObject({ status: 'rollback' });
    expect(row!.rolled_back_at).not.toBeNull();
    expect(String(row!.note)).toMatch(/marked rolled back without running by alice at /);
    expect((await c.statusJson()).find((e) => e.version === v(3))!.status).toBe('rollback');

    ok(await c.cli('up'));
    expect(await c.row(v(3))).toMatchObject({ status: 'applied', batch: 2 });
    expect((await inspect(c.db)).tables).toContain('public.t3');
    expect(await c.db.query(`SELECT count(*)::int AS n FROM run_log WHERE version = '${v(3)}'`)).toEqual([{ n: 1 }]);
  });

  test('accept-checksum: an edited applied file blocks up and down until accepted; who and when are recorded', async () => {
    const c = await setup(loggedSet(3), 'carol');
    ok(await c.cli('up'));
    const path = join(c.dir, `${v(2)}_t2.sql`);
    const before = (await c.row(v(2)))!;
    const edited = readFileSync(path, 'utf8') + '-- reviewed: the index comes in a later migration\n';
    writeFileSync(path, edited);

    const entry = (await c.statusJson()).find((e) => e.version === v(2))!;
    expect(entry.status).toBe('drifted');
    expect(entry.hint).toContain(`accept-checksum -version ${v(2)}`);
    refused(await c.cli('up'), new RegExp(`${v(2)}_t2\\.sql: migration ${v(2)} was modified after it was applied.*accept-checksum -version ${v(2)}`));
    refused(await c.cli('down', '-version', v(1)), /was modified after it was applied/);
    expect((await inspect(c.db)).tables).toContain('public.t3'); // the refused down did nothing

    ok(await c.cli('accept-checksum', '-version', v(2)));
    const after = (await c.row(v(2)))!;
    expect(after.checksum).toBe(createHash('sha256').update(edited).digest('hex'));
    expect(after.script).toBe(edited);
    expect(after.applied_at).toEqual(before.applied_at); // still the original apply
    expect(String(after.note)).toMatch(new RegExp(`checksum accepted by carol at ${ISO.source}\\S* \\(was ${String(before.checksum).slice(0, 12)}\\)`));
    expect((await c.statusJson()).map((e) => e.status)).toEqual(['applied', 'applied', 'applied']);
    const up = await c.cli('up');
    ok(up);
    expect(up.stdout).toContain('Nothing to apply');
  });

  test('a missing file: status suggests down or mark-rolled-back; down rolls back from the stored copy', async () => {
    const c = await setup(loggedSet(3));
    ok(await c.cli('up'));
    rmSync(join(c.dir, `${v(3)}_t3.sql`));
    const entry = (await c.statusJson()).find((e) => e.version === v(3))!;
    expect(entry.status).toBe('missing');
    expect(entry.hint).toContain(`mark-rolled-back -version ${v(3)}`);
    const down = await c.cli('down');
    ok(down);
    expect(down.stdout).toContain(`Rolled back ${v(3)}_t3`);
    expect((await inspect(c.db)).tables).not.toContain('public.t3');
    expect(await c.row(v(3))).toMatchObject({ status: 'rollback' });
  });

  test('an out-of-order file: up refuses and names --out-of-order; status suggests it or mark-applied; --out-of-order applies it', async () => {
    const files = loggedSet(3);
    const late = files[`${v(2)}_t2.sql`];
    delete files[`${v(2)}_t2.sql`];
    const c = await setup(files);
    ok(await c.cli('up'));
    writeFileSync(join(c.dir, `${v(2)}_t2.sql`), late);
    const entry = (await c.statusJson()).find((e) => e.version === v(2))!;
    expect(entry).toMatchObject({ status: 'pending', outOfOrder: true });
    expect(entry.hint).toMatch(/--out-of-order/);
    expect(entry.hint).toContain(`mark-applied -version ${v(2)}`);
    refused(await c.cli('up'), new RegExp(`migration ${v(2)} is older than the newest applied migration ${v(3)}.*--out-of-order`));
    ok(await c.cli('up', '--out-of-order'));
    expect(await c.row(v(2))).toMatchObject({ status: 'applied', batch: 2 });
  });

  test('each recovery command refuses the wrong case in one line and changes nothing', async () => {
    const c = await setup(loggedSet(3));
    ok(await c.cli('up', '-version', v(2)));
    const snapshot = async () => c.db.query('SELECT * FROM schema_migrations ORDER BY version');
    const before = await snapshot();

    refused(await c.cli('mark-applied', '-version', v(2)), /already applied/);
    refused(await c.cli('forget', '-version', v(2)), /is applied/);
    refused(await c.cli('forget', '-version', v(3)), /no record to forget/);
    refused(await c.cli('mark-rolled-back', '-version', v(3)), /not applied/);
    refused(await c.cli('accept-checksum', '-version', v(1)), /not drifted/);
    refused(await c.cli('mark-applied', '-version', '20991231000000'), /version 20991231000000: no/);
    for (const command of ['mark-applied', 'mark-rolled-back', 'forget', 'accept-checksum']) {
      const r = await c.cli(command);
      expect(r.code, command).toBe(2);
      expect(r.stderr).toContain(`${command} needs -version V`);
    }
    expect(await snapshot()).toEqual(before);
  });

  test('recovery commands take the migration lock: while a run holds it they wait or give up naming the holder', async () => {
    const c = await setup(loggedSet(3, { 3: 'SELECT pg_sleep(3);' }));
    const run = startCli(['up', '-migrations', c.dir], { env: { DATABASE_URL: c.db.url }, timeoutMs: 30_000 });
    await waitFor('migration 3 to be running', () => sleepingPid(c.db));
    const r = await runCli(['mark-rolled-back', '-version', v(2), '-migrations', c.dir, '--lock-timeout', '0.3'], { env: { DATABASE_URL: c.db.url } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: lock held by pid \d+ \(migrate-lens/m);
    ok(await run.done);
    expect(await c.row(v(2))).toMatchObject({ status: 'applied', note: null });
  });
});
