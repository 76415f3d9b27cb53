// Which statements the runner treats as CREATE INDEX CONCURRENTLY or REINDEX ... CONCURRENTLY, and what it reads of them.
import { describe, expect, it } from 'vitest';
import { concurrentIndexOf, identifierName, qualifiedIndex } from '../../../src/engine/run/concurrent-index';

describe('concurrentIndexOf', () => {
  it.each([
    ['CREATE INDEX CONCURRENTLY t_v ON t (v)', { kind: 'create', name: 't_v', relation: 't', ifNotExists: false }],
    ['create unique index concurrently if not exists "T u" on only public.t using btree (v)', { kind: 'create', name: '"T u"', relation: 'public.t', ifNotExists: true }],
    ['CREATE INDEX CONCURRENTLY ON t (v)', { kind: 'create', name: null, relation: 't', ifNotExists: false }],
    ['CREATE INDEX CONCURRENTLY ON "My Schema" . "My Table"(v)', { kind: 'create', name: null, relation: '"My Schema"."My Table"', ifNotExists: false }],
    ['-- why\n/* note */ CREATE\n  INDEX /* c */ CONCURRENTLY\n  big_idx\n  ON app.big(body)', { kind: 'create', name: 'big_idx', relation: 'app.big', ifNotExists: false }],
    ['CREATE INDEX CONCURRENTLY "a""b" ON db.s.t (v)', { kind: 'create', name: '"a""b"', relation: 'db.s.t', ifNotExists: false }],
    ['CREATE INDEX CONCURRENTLY idx_ön ON tä (v)', { kind: 'create', name: 'idx_ön', relation: 'tä', ifNotExists: false }],
    ['REINDEX INDEX CONCURRENTLY app."T_v"', { kind: 'reindex-index', name: null, relation: 'app."T_v"', ifNotExists: false }],
    ['reindex table concurrently t', { kind: 'reindex-table', name: null, relation: 't', ifNotExists: false }],
    ['REINDEX (VERBOSE, CONCURRENTLY) TABLE /* x.y */ s . t', { kind: 'reindex-table', name: null, relation: 's.t', ifNotExists: false }],
    ['REINDEX (CONCURRENTLY true) INDEX i', { kind: 'reindex-index', name: null, relation: 'i', ifNotExists: false }],
  ])('%j', (sql, expected) => {
    expect(concurrentIndexOf(sql)).toEqual(expected);
  });

  it.each([
    'CREATE INDEX t_v ON t (v)',
    'CREATE INDEX concurrently_idx ON t (v)',
    'DROP INDEX CONCURRENTLY t_v',
    'REINDEX INDEX t_v',
    'REINDEX (VERBOSE) TABLE t',
    'REINDEX (CONCURRENTLY false) TABLE t',
    'REINDEX TABLE concurrently_named',
    'REINDEX SCHEMA CONCURRENTLY app',
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
