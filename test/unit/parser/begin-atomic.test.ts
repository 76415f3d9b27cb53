// SQL-standard function bodies (PostgreSQL 14+) are one statement, as psql sends them.
import { describe, expect, it } from 'vitest';
import { parseMigration, splitStatements } from '../../../src/engine/internal';

const sqls = (text: string) => splitStatements(text).map((s) => s.sql);

describe('BEGIN ATOMIC bodies', () => {
  it('keeps the body whole, nested CASE ... END included', () => {
    const fn = [
      'CREATE OR REPLACE FUNCTION grade(n int) RETURNS text LANGUAGE sql',
      'BEGIN ATOMIC',
      "  SELECT CASE WHEN n > 10 THEN 'big' WHEN n > 1 THEN CASE WHEN n = 2 THEN 'two' ELSE 'some' END ELSE 'small' END;",
      '  SELECT 1;',
      'END',
    ].join('\n');
    expect(sqls(`${fn};\nSELECT 2;\n`)).toEqual([fn, 'SELECT 2']);
  });

  it('procedures and comments between the leading words too', () => {
    const p = 'CREATE /* x */ PROCEDURE ins(v int) LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (v); INSERT INTO t VALUES (v + 1); END';
    expect(sqls(`${p};\nSELECT 3;`)).toEqual([p, 'SELECT 3']);
  });

  it('leaves other statements alone: BEGIN as transaction control, a column named begin, CASE in a view', () => {
    expect(sqls('BEGIN;\nSELECT 1;\nEND;')).toEqual(['BEGIN', 'SELECT 1', 'END']);
    expect(sqls('SELECT begin FROM t;\nSELECT 2;')).toEqual(['SELECT begin FROM t', 'SELECT 2']);
    expect(sqls('CREATE VIEW v AS SELECT CASE WHEN true THEN 1 END AS x;\nSELECT 2;')).toEqual(['CREATE VIEW v AS SELECT CASE WHEN true THEN 1 END AS x', 'SELECT 2']);
    expect(sqls("CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;\nSELECT 2;")).toEqual([
      'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$',
      'SELECT 2',
    ]);
  });

  it('words inside strings, identifiers and comments do not count', () => {
    const fn = "CREATE FUNCTION f() RETURNS text LANGUAGE sql BEGIN ATOMIC SELECT 'end'; SELECT \"end\" FROM (SELECT 1 AS \"end\") s; -- end\nEND";
    expect(sqls(`${fn};\nSELECT 2;`)).toEqual([fn, 'SELECT 2']);
  });

  it('in a migration file: the statement after the body keeps its own line', () => {
    const p = parseMigration('-- +migrate Up\nCREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\nEND;\nSELECT 1 / 0;\n');
    expect(p.up.statements.map((s) => s.line)).toEqual([2, 6]);
    expect(p.up.noTransaction).toBe(false);
  });
});
