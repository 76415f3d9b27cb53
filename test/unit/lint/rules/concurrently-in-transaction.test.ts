import { describeRuleFixtures } from '../rule-fixtures';

describeRuleFixtures('concurrently-in-transaction');

import { beforeAll, expect, it } from 'vitest';
import { applyFix, lintText, loadPgParser } from '../../../../src/lint/lint';

beforeAll(() => loadPgParser());

it('its fix marks the Down section notransaction (a Down that would fail is reported)', () => {
  const text = '-- +migrate Up notransaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\n-- +migrate Down  \nDROP INDEX CONCURRENTLY IF EXISTS i;\n';
  const [finding] = lintText(text, 'm.sql').filter((f) => f.rule === 'concurrently-in-transaction');
  expect(finding.line).toBe(4);
  expect(applyFix(text, finding.fix!)).toBe('-- +migrate Up notransaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\n-- +migrate Down notransaction  \nDROP INDEX CONCURRENTLY IF EXISTS i;\n');
});

it('in a goose file, its fix adds -- +goose NO TRANSACTION (goose takes no option after Up), and the result lints clean', () => {
  const text = '-- +goose Up\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\n-- +goose Down\nDROP INDEX CONCURRENTLY IF EXISTS i;\n';
  const [finding] = lintText(text, 'm.sql').filter((f) => f.rule === 'concurrently-in-transaction');
  const fixed = applyFix(text, finding.fix!);
  expect(fixed).toBe('-- +goose Up\n-- +goose NO TRANSACTION\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\n-- +goose Down\nDROP INDEX CONCURRENTLY IF EXISTS i;\n');
  expect(lintText(fixed, 'm.sql')).toEqual([]);
});
