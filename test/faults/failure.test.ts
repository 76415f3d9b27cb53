// Fault: a migration fails in the middle of a long run (many migrations, possibly sent in one round trip).
// Expected: everything before it applied and recorded once, it rolled back and recorded as failed with
// its line, nothing after it run; the fixed file then applies, and the rest with it, in the next batch.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { isOneCleanLine, project, runCli } from '../support/cli';
import { withClient } from '../support/pg';
import { expectedTables, inspect, logged, loggedSet, runCounts, v } from './state';
import { faultHarness } from './harness';

const h = faultHarness('ml_fault_fail');

describe('a failure in the middle of a run', () => {
  test('migration 6 of 10 fails at its second statement: 1-5 applied once, 6 failed with its line, 7-10 untouched', async () => {
    const db = await h.database();
    // Migration 6: creates t6, logs itself, then fails on line 5 of its file.
    const broken = logged(6).replace('-- +migrate Down', "SELECT 'six'::int;\n-- +migrate Down");
    const p = project({ ...loggedSet(10), [`${v(6)}_t6.sql`]: broken });
    h.cleanup(() => p.remove());
    const env = { DATABASE_URL: db.url };
    const failLine = broken.split('\n').findIndex((l) => l.startsWith("SELECT 'six'")) + 1;

    const r = await runCli(['up', '-migrations', p.migrations], { env });
    expect(r.code).toBe(1);
    expect(isOneCleanLine(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toContain(`error: ${join(p.migrations, `${v(6)}_t6.sql`)}:${failLine}: migration ${v(6)} up failed (statement 3): invalid input syntax for type integer: "six"`);
    expect([...r.stdout.matchAll(/^Applied (\d{14})_/gm)].map((m) => m[1])).toEqual([1, 2, 3, 4, 5].map(v));

    let state = await inspect(db);
    expect(state.tables).toEqual(expectedTables(5));
    expect(state.history).toEqual([
      ...[1, 2, 3, 4, 5].map((i) => ({ version: v(i), status: 'applied', batch: 1 })),
      { version: v(6), status: 'failed', batch: 1 },
    ]);
    expect(state.advisoryLocks).toBe(0);
    expect(await runCounts(db)).toEqual(Object.fromEntries([1, 2, 3, 4, 5].map((i) => [v(i), 1])));
    const [row6] = await db.query('SELECT error, error_line, error_statement FROM schema_migrations WHERE version = $1', [v(6)]);
    expect(row6).toEqual({ error: 'invalid input syntax for type integer: "six"', error_line: failLine, error_statement: 2 });

    // A second up without fixing anything fails the same way and changes nothing else; it applied
    // nothing, so it does not use up a batch number (DESIGN: every up run that applies something gets the next).
    const again = await runCli(['up', '-migrations', p.migrations], { env });
    expect(again.code).toBe(1);
    expect((await inspect(db)).history.length).toBe(6);

    writeFileSync(join(p.migrations, `${v(6)}_t6.sql`), logged(6));
    const fixed = await runCli(['up', '-migrations', p.migrations], { env });
    expect(fixed, JSON.stringify(fixed)).toMatchObject({ code: 0 });
    expect(fixed.stdout).toContain('Applied 5 migrations in batch 2');
    state = await inspect(db);
    expect(state.tables).toEqual(expectedTables(10));
    expect(state.history).toEqual(Array.from({ length: 10 }, (_, i) => ({ version: v(i + 1), status: 'applied', batch: i < 5 ? 1 : 2 })));
    expect(await runCounts(db)).toEqual(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [v(i + 1), 1])));
  });

  test('a Down that fails in the middle of reset: the ones before it rolled back, it and the rest still applied', async () => {
    const db = await h.database();
    const files = loggedSet(6);
    files[`${v(4)}_t4.sql`] = files[`${v(4)}_t4.sql`].replace('DROP TABLE t4;', "DROP TABLE t4;\nSELECT 'four'::int;");
    const p = project(files);
    h.cleanup(() => p.remove());
    const env = { DATABASE_URL: db.url };
    expect((await runCli(['up', '-migrations', p.migrations], { env })).code).toBe(0);

    const r = await runCli(['reset', '-migrations', p.migrations], { env });
    expect(r.code).toBe(1);
    expect(isOneCleanLine(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(new RegExp(`migration ${v(4)} down failed .*"four"`));
    const state = await inspect(db);
    expect(state.tables).toEqual(expectedTables(4)); // t5, t6 dropped; t4 kept (its Down rolled back)
    expect(state.history.map((h) => [h.version, h.status])).toEqual([
      [v(1), 'applied'], [v(2), 'applied'], [v(3), 'applied'], [v(4), 'applied'], [v(5), 'rollback'], [v(6), 'rollback'],
    ]);
    const [row4] = await db.query<{ error: string }>('SELECT error FROM schema_migrations WHERE version = $1', [v(4)]);
    expect(row4.error).toMatch(/four/);
    expect(state.advisoryLocks).toBe(0);
  });
  test('a database that turned read-only: one clear line, nothing applied, no lock left; writable again, up succeeds', async () => {
    const db = await h.database();
    const p = project(loggedSet(3));
    h.cleanup(() => p.remove());
    const env = { DATABASE_URL: db.url };
    await db.query(`ALTER DATABASE "${db.name}" SET default_transaction_read_only = on`);

    const r = await runCli(['up', '-migrations', p.migrations], { env });
    expect(r.code).toBe(1);
    expect(isOneCleanLine(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/read-only transaction/);
    const state = await inspect(db);
    expect(state.tables.filter((t) => t !== 'public.schema_migrations')).toEqual([]);
    expect(state.history).toEqual([]);
    expect(state.advisoryLocks).toBe(0);

    await withClient(h.server.url('postgres'), (c) => c.query(`ALTER DATABASE "${db.name}" RESET default_transaction_read_only`));
    const ok = await runCli(['up', '-migrations', p.migrations], { env });
    expect(ok, JSON.stringify(ok)).toMatchObject({ code: 0 });
    expect((await inspect(db)).tables).toEqual(expectedTables(3));
  });
});
