// Issue 10: statement-by-statement runs record their progress; a failure is recorded whatever the
// migration did to its session.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MigrationFailedError, Migrator, StateError, type Database, type RunEvent } from '../../src/engine/internal';
import { statusJson, statusTable } from '../../src/cli/format';
import { BACKENDS, useBackend, type Backend } from '../support/backends';
import { migrationsFolder } from '../support/files';

async function rejection(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

const NOTX_UP = [
  '-- +migrate Up notransaction',
  'CREATE TABLE a (v int);',
  'INSERT INTO a VALUES (1);',
  'INSERT INTO a SELECT 100 / (SELECT count(*) FROM gate);',
  'CREATE TABLE b (v int);',
  '',
  '-- +migrate Down',
  'DROP TABLE b;',
  'DROP TABLE a;',
  '',
].join('\n');

describe.each(BACKENDS)('partial runs on %s', (_label, makeBackend) => {
  const suite = useBackend(makeBackend);
  let db: Database;
  beforeEach(() => {
    db = suite.db;
  });

  const folder = (files: Record<string, string>) => suite.folder(files);

  async function notxFailed() {
    await db.exec('CREATE TABLE gate (x int)');
    const f = folder({ '20240101000001_notx.sql': NOTX_UP, '20240101000002_after.sql': '-- +migrate Up\nCREATE TABLE c (v int);\n' });
    const events: RunEvent[] = [];
    const m = new Migrator({ db, migrationsDir: f.dir, onEvent: (e) => events.push(e) });
    const err = await rejection(m.up());
    expect(err).toBeInstanceOf(MigrationFailedError);
    expect((err as MigrationFailedError).statementIndex).toBe(2);
    expect((err as MigrationFailedError).line).toBe(4);
    return { f, m, events };
  }

  it('a notransaction Up that fails half-way is partial: counts, the statement, its line, what continues', async () => {
    const { m } = await notxFailed();
    const [st, after] = await m.status();
    expect(st.status).toBe('partial');
    expect(st.row!.progress).toEqual({ direction: 'up', done: 2, total: 4 });
    expect(st.hint).toContain('2 of 4 statements of its Up completed; statement 3 (');
    expect(st.hint).toContain('20240101000001_notx.sql:4) failed and may or may not have taken effect');
    expect(st.hint).toContain('"up --resume"');
    expect(after.status).toBe('pending');
    const text = statusTable(await m.status());
    expect(text).toContain('partial');
    expect(text).toMatch(/20240101000001 error at line 4: division by zero/);
    expect(JSON.parse(statusJson(await m.status()))[0].progress).toEqual({ direction: 'up', done: 2, total: 4 });
  });

  it('up refuses while a migration is partial, naming it; up --resume runs only the statement that did not complete, then the rest', async () => {
    const { m, events } = await notxFailed();
    const refused = await rejection(m.up());
    expect(refused).toBeInstanceOf(StateError);
    expect(refused.message).toContain('20240101000001_notx.sql: migration 20240101000001 is partial');
    expect(refused.message).toContain('"up --resume" continues it');
    await db.exec('INSERT INTO gate VALUES (1)');
    events.length = 0;
    const up = await m.up({ resume: true });
    expect(up.applied.map((a) => a.version)).toEqual(['20240101000001', '20240101000002']);
    expect(events.find((e) => e.type === 'info')).toMatchObject({
      message: expect.stringContaining('statements 1-2 completed before and are not run again; statement 3 (line 4) did not complete and runs again'),
    });
    // The INSERT of statement 2 ran once; statement 3 once, when resumed.
    expect(await db.query('SELECT v FROM a ORDER BY v')).toEqual([{ v: 1 }, { v: 100 }]);
    expect((await m.status()).map((s) => [s.status, s.row?.progress ?? null])).toEqual([
      ['applied', null],
      ['applied', null],
    ]);
    await expect(m.up({ resume: true })).rejects.toThrow(/nothing to resume/);
  });

  it('mark-applied, forget and mark-rolled-back still resolve a partial migration', async () => {
    const { m } = await notxFailed();
    await m.markApplied('20240101000001');
    expect((await m.status())[0]).toMatchObject({ status: 'applied', row: { progress: null } });
    await m.markRolledBack('20240101000001');
    expect((await m.status())[0].status).toBe('rollback');
    await m.forget('20240101000001');
    expect((await m.status())[0].status).toBe('pending');
    await db.exec('DROP TABLE a; DELETE FROM gate');
    await rejection(m.up());
    await m.markRolledBack('20240101000001');
    expect((await m.status())[0].status).toBe('rollback');
  });

  it('a notransaction Down that fails half-way is partial, with its error in the text status; up does not call it up to date', async () => {
    const f = folder({
      '20240101000001_t.sql': [
        '-- +migrate Up',
        'CREATE TABLE t (v int);',
        'CREATE INDEX t_v ON t (v);',
        '-- +migrate Down notransaction',
        'DROP INDEX t_v;',
        'DROP TABLE no_such_table;',
        'DROP TABLE t;',
        '',
      ].join('\n'),
    });
    const m = new Migrator({ db, migrationsDir: f.dir });
    await m.up();
    const err = await rejection(m.down());
    expect(err).toBeInstanceOf(MigrationFailedError);
    expect((err as MigrationFailedError).line).toBe(6);
    const [st] = await m.status();
    expect(st.status).toBe('partial');
    expect(st.row!.progress).toEqual({ direction: 'down', done: 1, total: 3 });
    expect(statusTable([st])).toMatch(/20240101000001 error at line 6: down failed: .*no_such_table/);
    expect(st.hint).toContain('"down --resume"');
    await expect(m.up()).rejects.toThrow(/is partial/);
    await expect(m.down()).rejects.toThrow(/is partial/);
    // The index is gone and dropped once: resuming runs statement 2 again and 3, never 1.
    await db.exec('CREATE TABLE no_such_table (x int)');
    const down = await m.down({ resume: true });
    expect(down.applied.map((a) => a.version)).toEqual(['20240101000001']);
    expect((await m.status())[0].status).toBe('rollback');
  });

  it('a file with its own BEGIN/COMMIT: progress counts only what its transactions committed', async () => {
    await db.exec('CREATE TABLE gate (x int)');
    const f = folder({
      '20240101000001_own.sql': [
        '-- +migrate Up',
        'CREATE TABLE one (v int);',
        'BEGIN;',
        'INSERT INTO one VALUES (1);',
        'INSERT INTO one SELECT 100 / (SELECT count(*) FROM gate);',
        'COMMIT;',
        '',
      ].join('\n'),
    });
    const events: RunEvent[] = [];
    const m = new Migrator({ db, migrationsDir: f.dir, onEvent: (e) => events.push(e) });
    const plan = await m.up({ dryRun: true });
    expect(plan.planned[0].ownTransactions).toBe(true);
    await rejection(m.up());
    expect(events.some((e) => e.type === 'info' && /runs as written, statement by statement, without a transaction around it/.test(e.message))).toBe(true);
    const [st] = await m.status();
    expect(st.status).toBe('partial');
    expect(st.row!.progress).toEqual({ direction: 'up', done: 1, total: 5 });
    expect(st.hint).toContain('statement 4 (');
    expect(st.hint).toContain('_own.sql:5) failed inside a transaction the file opened, which was rolled back: statements 2-4 did not take effect');
    expect(st.hint).toContain('"up --resume" to run from statement 2 again');
    await db.exec('INSERT INTO gate VALUES (1)');
    await m.up({ resume: true });
    expect(await db.query('SELECT v FROM one ORDER BY v')).toEqual([{ v: 1 }, { v: 100 }]);
  });

  it('DEALLOCATE ALL in a migration, in a transaction or not, does not stop it or the next one being recorded', async () => {
    const f = folder({
      '20240101000001_a.sql': '-- +migrate Up\nCREATE TABLE a (v int);\nDEALLOCATE ALL;\n',
      '20240101000002_b.sql': '-- +migrate Up\nCREATE TABLE b (v int);\n',
      '20240101000003_c.sql': '-- +migrate Up notransaction\nDEALLOCATE ALL;\nCREATE TABLE c (v int);\n',
      '20240101000004_d.sql': '-- +migrate Up\nCREATE TABLE d (v int);\n',
    });
    const m = new Migrator({ db, migrationsDir: f.dir });
    const up = await m.up();
    expect(up.applied).toHaveLength(4);
    expect((await m.status()).map((s) => s.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
  });

  it('SET search_path in a migration does not stop it or the next one being recorded', async () => {
    const f = folder({
      '20240101000001_a.sql': '-- +migrate Up\nCREATE SCHEMA elsewhere;\nSET search_path = elsewhere;\nCREATE TABLE a (v int);\n',
      '20240101000002_b.sql': '-- +migrate Up notransaction\nSET search_path = elsewhere;\nCREATE TABLE b (v int);\n',
      '20240101000003_c.sql': '-- +migrate Up\nCREATE TABLE c (v int);\n',
    });
    const m = new Migrator({ db, migrationsDir: f.dir });
    await m.up();
    expect((await m.status()).map((s) => s.status)).toEqual(['applied', 'applied', 'applied']);
    const [{ schema }] = await db.query<{ schema: string }>(`SELECT relnamespace::regnamespace::text AS schema FROM pg_class WHERE relname = 'c'`);
    expect(schema).toBe('public'); // the next migration starts with the search_path we opened with
  });
});

describe.each(BACKENDS)('a failure is recorded whatever the migration did to its session, on %s', (_label, makeBackend) => {
  let backend: Backend;
  let db: Database;
  const role = `ml_reader_${randomBytes(4).toString('hex')}`;
  let folders: { remove(): void }[] = [];

  beforeAll(async () => {
    backend = await makeBackend();
    db = await backend.open();
    await db.exec(`CREATE ROLE ${role} NOLOGIN`);
  });
  afterAll(async () => {
    // Roles belong to the whole server: its grants go first, or DROP ROLE refuses and the role stays behind.
    await db?.exec(`RESET SESSION AUTHORIZATION; RESET ROLE; DROP OWNED BY ${role}; DROP ROLE ${role}`);
    await db?.close();
    await backend?.close();
  });
  beforeEach(async () => {
    await backend.clean();
  });
  afterEach(() => {
    for (const f of folders) f.remove();
    folders = [];
  });

  function folder(files: Record<string, string>) {
    const f = migrationsFolder(files);
    folders.push(f);
    return f;
  }

  // PGlite: RESET SESSION AUTHORIZATION does not bring its single-user session back (a known gap,
  // see the README); SET ROLE is covered there too.
  const cases: [string, string][] = [['SET ROLE', `SET ROLE ${role}`]];
  if (_label === 'PostgreSQL') cases.push(['SET SESSION AUTHORIZATION', `SET SESSION AUTHORIZATION ${role}`]);
  it.each(cases)('%s to a role that cannot write the tracking table: applied, failed and partial are all recorded', async (_name, setRole) => {
    const f = folder({
      '20240101000001_ok.sql': `-- +migrate Up\nCREATE TABLE t (v int);\nGRANT USAGE ON SCHEMA public TO ${role};\nGRANT INSERT ON t TO ${role};\n${setRole};\nINSERT INTO t VALUES (1);\n`,
      '20240101000002_next.sql': '-- +migrate Up\nCREATE TABLE u (v int);\n',
      '20240101000003_fails.sql': `-- +migrate Up\n${setRole};\nINSERT INTO t VALUES (2);\nSELECT 1 / 0;\n`,
    });
    const m = new Migrator({ db, migrationsDir: f.dir });
    const err = await rejection(m.up());
    expect(err).toBeInstanceOf(MigrationFailedError);
    expect(err.message).toContain('division by zero');
    expect((await m.status()).map((s) => s.status)).toEqual(['applied', 'applied', 'failed']);
    const [{ owner }] = await db.query<{ owner: string }>(`SELECT tableowner AS owner FROM pg_tables WHERE tablename = 'u'`);
    expect(owner).not.toBe(role); // the next migration ran as the session we opened

    const g = folder({
      '20240101000001_notx.sql': `-- +migrate Up notransaction\nCREATE TABLE n (v int);\nGRANT USAGE ON SCHEMA public TO ${role};\nGRANT INSERT ON n TO ${role};\n${setRole};\nINSERT INTO n VALUES (1);\nSELECT 1 / 0;\n`,
    });
    await backend.clean();
    const n = new Migrator({ db, migrationsDir: g.dir });
    await rejection(n.up());
    const [st] = await n.status();
    expect(st.status).toBe('partial');
    expect(st.row!.progress).toEqual({ direction: "up", done: 5, total: 6 });
    // Nothing runs again: up refuses, naming it.
    await expect(n.up()).rejects.toThrow(/is partial/);
    expect(await db.query('SELECT v FROM n')).toEqual([{ v: 1 }]);
  });
});
