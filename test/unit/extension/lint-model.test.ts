import { beforeAll, describe, expect, it } from 'vitest';
import { normaliseText } from '../../../src/engine/text';
import { lintText, loadPgParser } from '../../../src/lint';
import { lintDiagnostics } from '../../../src/extension/model/lint-model';

beforeAll(() => loadPgParser());

const specs = (text: string) => lintDiagnostics(lintText(text, 'm.sql'), normaliseText(text));

describe('lintDiagnostics', () => {
  it('puts a finding on its line, from where it points to the end of its statement on that line (UTF-16 characters)', () => {
    const text = '-- +migrate Up\n/* 😀 ü */ CREATE INDEX users_email_idx\n  ON users (email);\n-- +migrate Down\nDROP INDEX users_email_idx;\n';
    const [d] = specs(text);
    expect(d).toMatchObject({ code: 'index-without-concurrently', severity: 'error', start: { line: 1, character: 11 }, end: { line: 1, character: 39 } });
    expect(d.fix).toEqual({
      title: 'Add CONCURRENTLY and notransaction',
      edits: [
        { start: { line: 1, character: 23 }, end: { line: 1, character: 23 }, text: ' CONCURRENTLY' },
        { start: { line: 0, character: 14 }, end: { line: 0, character: 14 }, text: ' notransaction' },
      ],
    });
  });

  it("counts UTF-16 units where the linter's own column counts code points: both point at the same character", () => {
    const text = '-- +migrate Up\n/* café 🚀 */ DROP TABLE "naïve";\n-- +migrate Down\nSELECT 1;\n';
    const [finding] = lintText(text, 'm.sql');
    expect(finding).toMatchObject({ rule: 'drop-table', line: 2, column: 14 });
    const [d] = specs(text);
    expect(d.start).toEqual({ line: 1, character: 14 });
    expect(text.split('\n')[d.start.line].slice(d.start.character)).toMatch(/^DROP TABLE/);
    expect([...text.split('\n')[finding.line - 1]].slice(finding.column - 1).join('')).toMatch(/^DROP TABLE/);
  });

  it('gives the same places for a CRLF buffer with a BOM (the editor counts lines, not line endings)', () => {
    const lf = '-- +migrate Up\nCREATE INDEX a ON users (a);\n-- +migrate Down\nDROP INDEX a;\n';
    expect(specs(`\ufeff${lf.replace(/\n/g, '\r\n')}`)).toEqual(specs(lf));
  });

  it('marks a syntax error from its token to the end of its line', () => {
    const [d] = specs("-- +migrate Up\nINSERT INTO t VALUES ('héllo'), (1 2);\n-- +migrate Down\nSELECT 1;\n");
    expect(d).toMatchObject({ code: 'syntax-error', start: { line: 1, character: 35 }, end: { line: 1, character: 38 } });
    expect(d.fix).toBeUndefined();
  });

  it('leaves out file-format findings: the folder diagnostics already report a file that does not parse', () => {
    expect(specs('-- +migrate Up\nSELECT 1;\n-- +migrate Sideways\n')).toEqual([]);
  });
});
