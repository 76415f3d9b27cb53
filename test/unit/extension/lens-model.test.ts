import { describe, expect, it } from 'vitest';
import { lensesFor } from '../../../src/extension/model/lens-model';
import { analyseFile } from '../../../src/extension/model/migration-files';
import { entry } from './fixtures';

const path = '/ws/migrations/20240101120000_create_users.sql';
const text = '-- a header comment\n-- +migrate Up\nCREATE TABLE t (id int);\n\n-- +migrate Down\nDROP TABLE t;\n';
const parsed = analyseFile(path, text).parsed!;
const v = '20240101120000';
const summary = (ls: ReturnType<typeof lensesFor>) => ls.map((l) => [l.line, l.title, l.command]);

describe('lensesFor', () => {
  it('offers Run Up and Preview SQL above Up when pending, nothing above Down', () => {
    const lenses = lensesFor(path, parsed, entry('pending', v), v);
    expect(summary(lenses)).toEqual([[1, 'Run Up', 'migrateLens.runUp'], [1, 'Preview SQL', 'migrateLens.previewSql']]);
    expect(lenses[0].args).toEqual([path, v]);
    expect(lenses[1].args).toEqual([path, v, 'up']);
  });

  it('shows the applied summary as text and Run Down and Preview SQL above Down when applied', () => {
    const lenses = lensesFor(path, parsed, entry('applied', v, 'x', { batch: 3, executionTimeMs: 145 }), v);
    expect(summary(lenses)).toEqual([
      [1, 'applied 2024-01-01 12:34 · batch 3 · 145 ms', ''],
      [4, 'Run Down', 'migrateLens.runDown'],
      [4, 'Preview SQL', 'migrateLens.previewSql'],
    ]);
    expect(lenses[2].args).toEqual([path, v, 'down']);
  });

  it('shows the error and a retry for a failed migration', () => {
    const lenses = lensesFor(path, parsed, entry('failed', v, 'x', { error: 'syntax error at or near "TABL"\nLINE 1' }), v);
    expect(summary(lenses)).toEqual([
      [1, 'failed 2024-01-01 12:34: syntax error at or near "TABL"', 'migrateLens.showError'],
      [1, 'Run Up', 'migrateLens.runUp'],
      [1, 'Preview SQL', 'migrateLens.previewSql'],
    ]);
  });

  it('offers the recovery actions, not a retry, for a migration that failed outside a transaction', () => {
    const lenses = lensesFor(path, parsed, entry('failed', v, 'x', { error: 'boom', noTransaction: true }), v);
    expect(summary(lenses)).toEqual([
      [1, 'failed 2024-01-01 12:34: boom', 'migrateLens.showError'],
      [1, 'Mark as Applied', 'migrateLens.markApplied'],
      [1, 'Forget', 'migrateLens.forget'],
    ]);
  });

  it('says a drifted file changed and offers to accept it', () => {
    expect(summary(lensesFor(path, parsed, entry('drifted', v), v))).toEqual([
      [1, 'drifted: modified after it was applied on 2024-01-01 12:34', ''],
      [1, 'Show Diff', 'migrateLens.showDiff'],
      [1, 'Accept Changed File', 'migrateLens.acceptChecksum'],
      [4, 'Run Down', 'migrateLens.runDown'],
    ]);
  });

  it('offers Run Up again after a rollback', () => {
    expect(summary(lensesFor(path, parsed, entry('rollback', v), v))).toEqual([[1, 'Run Up', 'migrateLens.runUp'], [1, 'Preview SQL', 'migrateLens.previewSql']]);
  });

  it('offers both runs while the status is unknown, and none without a version', () => {
    expect(summary(lensesFor(path, parsed, undefined, v))).toEqual([
      [1, 'Run Up', 'migrateLens.runUp'],
      [1, 'Preview SQL', 'migrateLens.previewSql'],
      [4, 'Run Down', 'migrateLens.runDown'],
      [4, 'Preview SQL', 'migrateLens.previewSql'],
    ]);
    expect(lensesFor(path, parsed, undefined, null)).toEqual([]);
  });

  it('has no Run Down for a file without a Down section', () => {
    const upOnly = analyseFile(path, '-- +migrate Up\nSELECT 1;\n').parsed!;
    expect(summary(lensesFor(path, upOnly, entry('applied', v), v)).map((l) => l[1])).toEqual(['applied 2024-01-01 12:34 · batch 1 · 145 ms']);
  });

  it('sits on the first directive of each direction in a file whose Down comes first and whose sections are split', () => {
    // sql-migrate's reading: Down (line 0) + Down (line 6) are one Down; Up (line 2) + Up (line 4) one Up.
    const split = analyseFile(path, '-- +migrate Down\nDROP TABLE t;\n-- +migrate Up\nCREATE TABLE t (id int);\n-- +migrate Up notransaction\nCREATE INDEX CONCURRENTLY t_id ON t (id);\n-- +migrate Down\nDROP INDEX t_id;\n').parsed!;
    expect(summary(lensesFor(path, split, undefined, v))).toEqual([
      [2, 'Run Up', 'migrateLens.runUp'],
      [2, 'Preview SQL', 'migrateLens.previewSql'],
      [0, 'Run Down', 'migrateLens.runDown'],
      [0, 'Preview SQL', 'migrateLens.previewSql'],
    ]);
    const partial = entry('partial', v, 'x', { status: 'partial', noTransaction: true, progress: { direction: 'up', done: 1, total: 2 } });
    expect(summary(lensesFor(path, split, partial, v))).toEqual([
      [2, 'partial: 1 of 2 statements of its Up done', 'migrateLens.showError'],
      [2, 'Resume Partial Migration', 'migrateLens.resume'],
    ]);
  });
});
