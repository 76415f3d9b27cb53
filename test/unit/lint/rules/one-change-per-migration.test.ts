import { describeRuleFixtures } from '../rule-fixtures';

describeRuleFixtures('one-change-per-migration');

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { lintText, loadPgParser } from '../../../../src/lint/lint';
import { FIXTURES } from '../rule-fixtures';

beforeAll(() => loadPgParser());

it('names the tables of each change: a table filled from another joins it, a WITH query is no table', () => {
  const text = readFileSync(join(FIXTURES, 'one-change-per-migration', 'invalid', 'with-query.sql'), 'utf8');
  const [finding] = lintText(text, 'm.sql').filter((f) => f.rule === 'one-change-per-migration');
  expect(finding.message).toContain('2 unrelated tables (users_archive+users, orders)');
});
