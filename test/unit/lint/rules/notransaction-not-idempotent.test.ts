import { describeRuleFixtures } from '../rule-fixtures';

describeRuleFixtures('notransaction-not-idempotent');

import { beforeAll, expect, it } from 'vitest';
import { applyFix, lintText, loadPgParser } from '../../../../src/lint/lint';

beforeAll(() => loadPgParser());

it('its fixes add IF NOT EXISTS / IF EXISTS where PostgreSQL accepts them', () => {
  const text = [
    '-- +migrate Up notransaction',
    'CREATE INDEX CONCURRENTLY a_idx ON t (a);',
    'DROP INDEX CONCURRENTLY b_idx;',
    'ALTER TABLE t ADD COLUMN c int;',
    'CREATE TABLE u (id int);',
    '-- +migrate Down',
    'SELECT 1;',
    '',
  ].join('\n');
  let fixed = text;
  for (;;) {
    const next = lintText(fixed, 'm.sql').find((f) => f.rule === 'notransaction-not-idempotent');
    if (!next) break;
    fixed = applyFix(fixed, next.fix!);
  }
  expect(fixed.split('\n').slice(1, 5)).toEqual([
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS a_idx ON t (a);',
    'DROP INDEX CONCURRENTLY IF EXISTS b_idx;',
    'ALTER TABLE t ADD COLUMN IF NOT EXISTS c int;',
    'CREATE TABLE IF NOT EXISTS u (id int);',
  ]);
});
