import { describe, expect, it } from 'vitest';
import { previewText } from '../../../src/extension/model/preview';

const header = { direction: 'up' as const, fileLabel: '20240101000001_a.sql', database: 'postgres://u@h:5432/db' };

describe('previewText', () => {
  it('wraps a transactional section in BEGIN/COMMIT and names each statement\'s file line', () => {
    const text = previewText({ batch: null, applied: [], cancelled: false, planned: [
      { version: '20240101000001', name: 'a', direction: 'up', noTransaction: false, statements: [{ sql: 'CREATE TABLE t (id int)', line: 2 }, { sql: 'INSERT INTO t VALUES (1) -- one', line: 4 }] },
    ] }, header);
    expect(text).toBe([
      '-- Preview (Up) of 20240101000001_a.sql',
      '-- Database: postgres://u@h:5432/db',
      '-- Nothing has run: these are the statements the engine would send, in order (its dry run).',
      '',
      '-- Transaction: one transaction around every statement below and the history record; a failure rolls all of it back.',
      'BEGIN;',
      '',
      '-- file line 2',
      'CREATE TABLE t (id int);',
      '',
      '-- file line 4',
      'INSERT INTO t VALUES (1) -- one\n;',
      '',
      'COMMIT;',
      '',
    ].join('\n'));
  });

  it('says when a section runs without a transaction, and when there is nothing to do', () => {
    const nt = previewText({ batch: null, applied: [], cancelled: false, planned: [
      { version: '1', name: 'a', direction: 'down', noTransaction: true, statements: [{ sql: 'DROP INDEX CONCURRENTLY i', line: 7 }] },
    ] }, { ...header, direction: 'down' });
    expect(nt).toContain('-- Transaction: none (notransaction)');
    expect(nt).not.toContain('BEGIN;');
    expect(nt).toContain('-- file line 7\nDROP INDEX CONCURRENTLY i;');
    expect(previewText({ batch: null, applied: [], cancelled: false, planned: [] }, header)).toContain('-- nothing to do');
  });

  it('shows the lock_timeout the run sets: SET LOCAL in the transaction, SET and RESET around a notransaction one', () => {
    const planned = (noTransaction: boolean) => previewText({ batch: null, applied: [], cancelled: false, planned: [
      { version: '1', name: 'a', direction: 'up', noTransaction, lockTimeoutMs: 5000, statements: [{ sql: 'ALTER TABLE t ADD c int', line: 2 }] },
    ] }, header);
    expect(planned(false)).toContain("BEGIN;\nSET LOCAL lock_timeout = '5000ms';\n\n-- file line 2\nALTER TABLE t ADD c int;\n\nCOMMIT;\n");
    expect(planned(true)).toContain("SET lock_timeout = '5000ms';\n\n-- file line 2\nALTER TABLE t ADD c int;\n\nRESET lock_timeout;\n");
  });

  it('does not wrap a file that opens and closes its own transactions in one more', () => {
    const text = previewText({ batch: null, applied: [], cancelled: false, planned: [
      { version: '1', name: 'own', direction: 'up', noTransaction: false, ownTransactions: true, statements: [{ sql: 'BEGIN', line: 2 }, { sql: 'CREATE TABLE t (id int)', line: 3 }, { sql: 'COMMIT', line: 4 }] },
    ] }, header);
    expect(text).toContain('-- Transaction: the file opens and closes its own');
    expect(text).not.toContain('one transaction around every statement');
    expect(text.match(/^BEGIN;$/gm)).toHaveLength(1); // the file's own
  });
});
