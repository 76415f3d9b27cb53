// Which statements the runner treats as CREATE INDEX CONCURRENTLY, and what it reads of them.
import { describe, expect, it } from 'vitest';
import { concurrentIndexOf, identifierName, qualifiedIndex } from '../../../src/engine/run/concurrent-index';

describe('concurrentIndexOf', () => {
  it.each([
    ['CREATE INDEX CONCURRENTLY t_v ON t (v)', { name: 't_v', table: 't', ifNotExists: false }],
    ['create unique index concurrently if not exists "T u" on only public.t using btree (v)', { name: '"T u"', table: 'public.t', ifNotExists: true }],
    ['CREATE INDEX CONCURRENTLY ON t (v)', { name: null, table: 't', ifNotExists: false }],
    ['CREATE INDEX CONCURRENTLY ON "My Schema" . "My Table"(v)', { name: null, table: '"My Schema"."My Table"', ifNotExists: false }],
    ['-- why\n/* note */ CREATE\n  INDEX /* c */ CONCURRENTLY\n  big_idx\n  ON app.big(body)', { name: 'big_idx', table: 'app.big', ifNotExists: false }],
    ['CREATE INDEX CONCURRENTLY "a""b" ON db.s.t (v)', { name: '"a""b"', table: 'db.s.t', ifNotExists: false }],
    ['CREATE INDEX CONCURRENTLY idx_ön ON tä (v)', { name: 'idx_ön', table: 'tä', ifNotExists: false }],
  ])('%j', (sql, expected) => {
    expect(concurrentIndexOf(sql)).toEqual(expected);
  });

  it.each([
    'CREATE INDEX t_v ON t (v)',
    'CREATE INDEX concurrently_idx ON t (v)',
    'DROP INDEX CONCURRENTLY t_v',
    'REINDEX INDEX CONCURRENTLY t_v',
    "SELECT 'CREATE INDEX CONCURRENTLY x ON t (v)'",
    'ALTER TABLE t ADD COLUMN v int',
  ])('not one: %j', (sql) => {
    expect(concurrentIndexOf(sql)).toBeNull();
  });
});

describe('identifierName', () => {
  it('folds unquoted ASCII letters to lower case, as PostgreSQL does, and unquotes quoted names', () => {
    expect(identifierName('T_V')).toBe('t_v');
    expect(identifierName('Ünï')).toBe('Ünï');
    expect(identifierName('"T ""u"""')).toBe('T "u"');
  });

  it('qualifiedIndex quotes both parts', () => {
    expect(qualifiedIndex({ schema: 'My"s', name: 'T u' })).toBe('"My""s"."T u"');
  });
});
