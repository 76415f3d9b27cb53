import { describeRuleFixtures } from '../rule-fixtures';

describeRuleFixtures('index-without-concurrently');

import { beforeAll, expect, it } from 'vitest';
import { applyFix, lintText, loadPgParser } from '../../../../src/lint/lint';

beforeAll(() => loadPgParser());

it('its fix adds CONCURRENTLY and notransaction, and the result passes both rules', () => {
  const text = '-- +migrate Up\nCREATE UNIQUE INDEX users_email_idx ON users (email);\n\n-- +migrate Down\nDROP INDEX users_email_idx;\n';
  const [finding] = lintText(text, 'm.sql').filter((f) => f.rule === 'index-without-concurrently');
  expect(finding.fix?.title).toBe('Add CONCURRENTLY and notransaction');
  const fixed = applyFix(text, finding.fix!);
  expect(fixed).toBe('-- +migrate Up notransaction\nCREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON users (email);\n\n-- +migrate Down\nDROP INDEX users_email_idx;\n');
  expect(lintText(fixed, 'm.sql').filter((f) => f.rule === 'index-without-concurrently' || f.rule === 'concurrently-in-transaction')).toEqual([]);
});
