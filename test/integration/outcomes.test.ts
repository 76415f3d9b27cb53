// Issue 10: a run never blames the wrong migration, never repeats a statement, never hides a half-done one.
import { beforeEach, describe, expect, it } from 'vitest';
import { MigrationFailedError, Migrator, type Database } from '../../src/engine/internal';
import { BACKENDS, useBackend } from '../support/backends';

type Row = { version: string; status: string; error: string | null; error_statement: number | null; error_line: number | null };

async function rows(db: Database): Promise<Row[]> {
  return db.query<Row>(`SELECT version::text AS version, status, error, error_statement, error_line FROM public.schema_migrations ORDER BY version`);
}

async function failure(p: Promise<unknown>): Promise<MigrationFailedError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(MigrationFailedError);
  return err as MigrationFailedError;
}

const table = (name: string) => `-- +migrate Up\nCREATE TABLE ${name} (id int);\n\n-- +migrate Down\nDROP TABLE ${name};\n`;

describe.each(BACKENDS)('exact outcomes on %s', (_label, makeBackend) => {
  const suite = useBackend(makeBackend);
  let db: Database;
  beforeEach(() => {
    db = suite.db;
  });

  const folder = (files: Record<string, string>) => suite.folder(files);

  it('a syntax error in the third of three migrations: the first two are applied, the third is blamed on its line', async () => {
    const f = folder({
      '20240101000001_users.sql': table('users'),
      '20240101000002_posts.sql': table('posts'),
      '20240101000003_index.sql': '-- +migrate Up\nCREATE TABLE tags (id int);\nCREAT INDEX tags_id ON tags (id);\n',
    });
    const m = new Migrator({ db, migrationsDir: f.dir });
    for (let attempt = 0; attempt < 2; attempt++) {
      const err = await failure(m.up());
      expect(err.version).toBe('20240101000003');
      expect(err.file).toMatch(/20240101000003_index\.sql$/);
      expect(err.line).toBe(3);
      expect(err.statementIndex).toBe(1);
      expect(err.message).toContain('CREAT');
      expect(await rows(db)).toEqual([
        { version: '20240101000001', status: 'applied', error: null, error_statement: null, error_line: null },
        { version: '20240101000002', status: 'applied', error: null, error_statement: null, error_line: null },
        { version: '20240101000003', status: 'failed', error: expect.stringContaining('CREAT'), error_statement: 1, error_line: 3 },
      ]);
    }
  });

  it('a syntax error in the oldest Down: the newer ones roll back, the error names its file and Down line', async () => {
    const f = folder({
      '20240101000001_users.sql': '-- +migrate Up\nCREATE TABLE users (id int);\n\n-- +migrate Down\nDROP TABLE users;\nDROPP TABLE nothing;\n',
      '20240101000002_posts.sql': table('posts'),
      '20240101000003_tags.sql': table('tags'),
    });
    const m = new Migrator({ db, migrationsDir: f.dir });
    await m.up();
    const err = await failure(m.reset());
    expect(err.version).toBe('20240101000001');
    expect(err.direction).toBe('down');
    expect(err.file).toMatch(/20240101000001_users\.sql$/);
    expect(err.line).toBe(6);
    expect((await rows(db)).map((r) => [r.version, r.status])).toEqual([
      ['20240101000001', 'applied'],
      ['20240101000002', 'rollback'],
      ['20240101000003', 'rollback'],
    ]);
    expect((await m.status()).map((s) => s.status)).toEqual(['applied', 'rollback', 'rollback']);
  });

  it('finds a failing statement without a position by the statements completed, running each once', async () => {
    const f = folder({
      '20240101000001_seq.sql': '-- +migrate Up\nCREATE SEQUENCE counter;\n',
      '20240101000002_use.sql': '-- +migrate Up\nSELECT nextval(\'counter\');\nSELECT 1;\n\nSELECT 1 / 0;\nSELECT 2;\n',
    });
    const m = new Migrator({ db, migrationsDir: f.dir });
    const err = await failure(m.up());
    expect(err.version).toBe('20240101000002');
    expect(err.statementIndex).toBe(2);
    expect(err.line).toBe(5);
    // A sequence does not roll back: it shows how many times nextval ran.
    const [{ last_value }] = await db.query<{ last_value: string }>('SELECT last_value::text AS last_value FROM counter');
    expect(last_value).toBe('1');
  });

  it('counts error positions in characters: an emoji before the error does not shift statement or line', async () => {
    const f = folder({
      '20240101000001_a.sql': table('a'),
      '20240101000002_emoji.sql': `-- +migrate Up\nSELECT '${'😀'.repeat(40)}';\nSELECT 1;\nSELECT * FROM no_such_table;\n`,
    });
    const m = new Migrator({ db, migrationsDir: f.dir });
    const err = await failure(m.up());
    expect(err.version).toBe('20240101000002');
    expect(err.statementIndex).toBe(2);
    expect(err.line).toBe(4);
    expect((await rows(db)).find((r) => r.version === '20240101000002')).toMatchObject({ error_statement: 2, error_line: 4 });
  });

  it('keeps a BEGIN ATOMIC body whole: a later failure leaves nothing of the migration behind', async () => {
    const f = folder({
      '20240101000001_fn.sql': [
        '-- +migrate Up',
        'CREATE TABLE audit (id int);',
        'CREATE FUNCTION grade(n int) RETURNS text LANGUAGE sql',
        'BEGIN ATOMIC',
        "  SELECT CASE WHEN n > 1 THEN 'big' ELSE 'small' END;",
        'END;',
        'SELECT 1 / 0;',
        '',
      ].join('\n'),
    });
    const m = new Migrator({ db, migrationsDir: f.dir });
    const err = await failure(m.up());
    expect(err.statementIndex).toBe(2);
    expect(err.line).toBe(7);
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_class WHERE relname = 'audit'`);
    expect(n).toBe(0);
    const [st] = await m.status();
    expect(st.status).toBe('failed');
    expect(st.row!.noTransaction).toBe(false);
  });

  it('runs SAVEPOINT, ROLLBACK TO SAVEPOINT and RELEASE inside the migration transaction', async () => {
    const f = folder({
      '20240101000001_sp.sql': [
        '-- +migrate Up',
        'CREATE TABLE t (a int);',
        'SAVEPOINT before_one;',
        'INSERT INTO t VALUES (1);',
        'ROLLBACK TO SAVEPOINT before_one;',
        'INSERT INTO t VALUES (2);',
        'RELEASE SAVEPOINT before_one;',
        '',
      ].join('\n'),
      '20240101000002_sp.sql': '-- +migrate Up\nSAVEPOINT s;\nINSERT INTO t VALUES (3);\nROLLBACK TO s;\nRELEASE s;\n',
      '20240101000003_sp.sql': '-- +migrate Up\nSAVEPOINT s;\nINSERT INTO t VALUES (4);\nROLLBACK WORK TO SAVEPOINT s;\nSAVEPOINT u;\nINSERT INTO t VALUES (5);\nROLLBACK TRANSACTION TO u;\n',
    });
    const m = new Migrator({ db, migrationsDir: f.dir });
    const up = await m.up();
    expect(up.applied).toHaveLength(3);
    expect(await db.query('SELECT a FROM t ORDER BY a')).toEqual([{ a: 2 }]);
    expect((await m.status()).map((s) => s.row!.noTransaction)).toEqual([false, false, false]);
  });
});
