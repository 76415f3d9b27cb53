import { describe, expect, it } from 'vitest';
import { buildStatus } from '../../../src/engine/plan';
import { diagnosticsFor } from '../../../src/extension/model/diagnostics-model';
import { analyseFile, folderModel } from '../../../src/extension/model/migration-files';
import { row } from './fixtures';

const dir = '/ws/migrations';
const good = `${dir}/20240101000000_a.sql`;
const text = '-- +migrate Up\nCREATE TABLE a (id int);\nCREATE TABLE b (id int);\n-- +migrate Down\nDROP TABLE b;\nDROP TABLE a;\n';

function folder(files: [string, string][]) {
  return folderModel(dir, true, files.map(([p, t]) => analyseFile(p, t)));
}

describe('diagnosticsFor', () => {
  it('gives every file an entry, empty when all is well, so old problems are cleared', () => {
    const f = folder([[good, text]]);
    expect(diagnosticsFor(f, null)).toEqual(new Map([[good, []]]));
  });

  it('puts parse errors on their 0-based line', () => {
    const bad = `${dir}/20240102000000_b.sql`;
    const f = folder([[bad, '-- +migrate Up\nSELECT 1;\n-- +migrate Dwn\n']]);
    expect(diagnosticsFor(f, null).get(bad)).toEqual([
      { line: 2, severity: 'error', code: 'parse-error', message: expect.stringMatching(/^unknown directive "-- \+migrate Dwn"; expected Up, Down/) },
    ]);
  });

  it('warns about drift on the Up line with the applied date', () => {
    const f = folder([[good, `\n${text}`]]);
    const entries = buildStatus(f.migrations, [row('20240101000000', { checksum: 'before' })]);
    expect(entries[0].status).toBe('drifted');
    expect(diagnosticsFor(f, entries).get(good)).toEqual([
      { line: 1, severity: 'warning', code: 'drift', message: 'modified after it was applied on 2024-01-01 12:34; restore the file or run "Migrate Lens: Accept Changed File"' },
    ]);
  });

  it('puts a failed migration\'s database error on the failing statement\'s line', () => {
    const f = folder([[good, text]]);
    const entries = buildStatus(f.migrations, [row('20240101000000', { status: 'failed', error: 'relation "b" already exists', errorLine: 3, errorStatement: 1 })]);
    expect(diagnosticsFor(f, entries).get(good)).toEqual([
      { line: 2, endLine: 2, severity: 'error', code: 'failed', message: 'migration failed: relation "b" already exists' },
    ]);
  });

  it('reports a failed rollback kept beside an applied migration', () => {
    const f = folder([[good, text]]);
    const checksum = f.migrations[0].checksum;
    const entries = buildStatus(f.migrations, [row('20240101000000', { checksum, error: 'down failed: table "b" does not exist', errorLine: 5 })]);
    expect(diagnosticsFor(f, entries).get(good)).toEqual([
      { line: 4, endLine: 4, severity: 'error', code: 'failed', message: 'last rollback failed: table "b" does not exist' },
    ]);
  });

  it('spans every line of a failing statement that runs over several lines', () => {
    const multi = `${dir}/20240102000000_m.sql`;
    const f = folder([[multi, '-- +migrate Up\nCREATE TABLE a (id int);\n-- why\nCREATE TABLE b (\n  id int\n);\n']]);
    const entries = buildStatus(f.migrations, [row('20240102000000', { status: 'failed', error: 'boom', errorLine: 4, errorStatement: 1 })]);
    expect(diagnosticsFor(f, entries).get(multi)?.[0]).toMatchObject({ line: 3, endLine: 5 });
  });

  it('puts drift on the first line that differs from the stored text', () => {
    const f = folder([[good, text.replace('CREATE TABLE b', 'CREATE TABLE bb')]]);
    const entries = buildStatus(f.migrations, [row('20240101000000', { checksum: 'old', script: text })]);
    expect(diagnosticsFor(f, entries).get(good)?.find((d) => d.code === 'drift')?.line).toBe(2);
  });

  it('finds a failing statement in any part of a split section, and a Down that comes first', () => {
    const split = `${dir}/20240103000000_s.sql`;
    const splitText = '-- +migrate Down\nDROP TABLE a;\n-- +migrate Up\nCREATE TABLE a (id int);\n-- +migrate Down\nDROP TABLE b;\n-- +migrate Up\nCREATE TABLE b (\n  id int\n);\n';
    const f = folder([[split, splitText]]);
    // Statement 1 of the Up (0-based) is the second part's, on line 8.
    const failed = buildStatus(f.migrations, [row('20240103000000', { status: 'failed', error: 'boom', errorLine: 8, errorStatement: 1 })]);
    expect(diagnosticsFor(f, failed).get(split)).toEqual([{ line: 7, endLine: 9, severity: 'error', code: 'failed', message: 'migration failed: boom' }]);
    // A failed rollback of the first Down statement, above the Up; and without a line, the Up's first directive.
    const checksum = f.migrations[0].checksum;
    const down = buildStatus(f.migrations, [row('20240103000000', { checksum, error: 'down failed: nope', errorLine: 2 })]);
    expect(diagnosticsFor(f, down).get(split)).toEqual([{ line: 1, endLine: 1, severity: 'error', code: 'failed', message: 'last rollback failed: nope' }]);
    const unknown = buildStatus(f.migrations, [row('20240103000000', { status: 'failed', error: 'boom', errorLine: null })]);
    expect(diagnosticsFor(f, unknown).get(split)?.[0].line).toBe(2);
  });

  it('falls back to the Up line when the failing line is unknown', () => {
    const f = folder([[good, text]]);
    const entries = buildStatus(f.migrations, [row('20240101000000', { status: 'failed', error: 'boom', errorLine: null })]);
    expect(diagnosticsFor(f, entries).get(good)?.[0].line).toBe(0);
  });
});

describe('where drift and failures are shown', () => {
  it('firstChangedLine: the first differing line, or the first added line with text', async () => {
    const { firstChangedLine } = await import('../../../src/extension/model/diagnostics-model');
    expect(firstChangedLine('a\nb\nc\n', 'a\nB\nc\n')).toBe(1);
    expect(firstChangedLine('a\nb\n', 'a\nb\n\n-- added\n')).toBe(3);
    expect(firstChangedLine('a\nb\nc\n', 'a\n')).toBe(1);
  });

  it('statementEndLine: a statement spans from its code line to its last line', async () => {
    const { statementEndLine } = await import('../../../src/extension/model/diagnostics-model');
    expect(statementEndLine({ sql: '-- a comment\nCREATE TABLE t (\n  id int\n)', line: 5 })).toBe(6);
    expect(statementEndLine({ sql: 'SELECT 1', line: 3 })).toBe(2);
  });
});
