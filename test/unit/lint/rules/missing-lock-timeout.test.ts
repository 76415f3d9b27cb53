import { describeRuleFixtures } from '../rule-fixtures';

// The rule speaks only when the run sets no lock timeout itself (migrations.ddl_lock_timeout: 0).
describeRuleFixtures('missing-lock-timeout', { ddlLockTimeoutMs: 0 });

import { beforeAll, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadPgParser } from '../../../../src/lint/lint';
import { FIXTURES, ruleFindings } from '../rule-fixtures';

beforeAll(() => loadPgParser());

it('is silent when the run sets a DDL lock timeout itself', () => {
  const path = join(FIXTURES, 'missing-lock-timeout/invalid/no-timeout.sql');
  expect(ruleFindings('missing-lock-timeout', path, { ddlLockTimeoutMs: 5000 })).toEqual([]);
  expect(ruleFindings('missing-lock-timeout', path, { ddlLockTimeoutMs: 0 })).toHaveLength(1);
});
