// Shared by test/unit/lint/rules/<rule-id>.test.ts: every file in invalid/ must report the rule at
// exactly the places its .expected file lists (line:column per line); every file in valid/ must not.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lintText, loadPgParser, type LintOptions } from '../../../src/lint/lint';

export const FIXTURES = join(__dirname, '../../fixtures/lint');

export function sqlFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  } catch {
    return [];
  }
}

export function ruleFindings(ruleId: string, path: string, options: LintOptions = {}) {
  return lintText(readFileSync(path, 'utf8'), path, options).filter((f) => f.rule === ruleId);
}

export function describeRuleFixtures(ruleId: string, options: LintOptions = {}): void {
  const dir = join(FIXTURES, ruleId);
  describe(`${ruleId} fixtures`, () => {
    beforeAll(() => loadPgParser());
    const invalid = sqlFiles(join(dir, 'invalid'));
    const valid = sqlFiles(join(dir, 'valid'));
    it('has at least one file that must report and one that must not', () => {
      expect(invalid.length).toBeGreaterThan(0);
      expect(valid.length).toBeGreaterThan(0);
    });
    for (const f of invalid) {
      it(`reports invalid/${f} at the expected places`, () => {
        const path = join(dir, 'invalid', f);
        const expected = readFileSync(path.replace(/\.sql$/, '.expected'), 'utf8').trim().split('\n').filter(Boolean);
        const got = ruleFindings(ruleId, path, options).map((x) => `${x.line}:${x.column}`);
        expect(got).toEqual(expected);
      });
    }
    for (const f of valid) {
      it(`does not report valid/${f}`, () => {
        expect(ruleFindings(ruleId, join(dir, 'valid', f), options)).toEqual([]);
      });
    }
  });
}
