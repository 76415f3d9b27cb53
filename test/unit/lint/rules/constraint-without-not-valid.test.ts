import { describeRuleFixtures } from '../rule-fixtures';

describeRuleFixtures('constraint-without-not-valid');

import { beforeAll, expect, it } from 'vitest';
import { applyFix, lintText, loadPgParser } from '../../../../src/lint/lint';

beforeAll(() => loadPgParser());

it('its fix adds NOT VALID, a VALIDATE CONSTRAINT after it and notransaction', () => {
  const text = '-- +migrate Up\nALTER TABLE "Orders" ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id);\n-- +migrate Down\nALTER TABLE "Orders" DROP CONSTRAINT fk;\n';
  const [finding] = lintText(text, 'm.sql').filter((f) => f.rule === 'constraint-without-not-valid');
  const fixed = applyFix(text, finding.fix!);
  expect(fixed).toBe(
    '-- +migrate Up notransaction\nALTER TABLE "Orders" ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id) NOT VALID;\nALTER TABLE "Orders" VALIDATE CONSTRAINT fk;\n-- +migrate Down\nALTER TABLE "Orders" DROP CONSTRAINT fk;\n',
  );
  expect(lintText(fixed, 'm.sql').filter((f) => f.severity === 'error')).toEqual([]);
});

it('offers no fix for an unnamed constraint (VALIDATE needs the name)', () => {
  const text = '-- +migrate Up\nALTER TABLE orders ADD CHECK (total > 0);\n-- +migrate Down\nSELECT 1;\n';
  const [finding] = lintText(text, 'm.sql').filter((f) => f.rule === 'constraint-without-not-valid');
  expect(finding.fix).toBeUndefined();
});
