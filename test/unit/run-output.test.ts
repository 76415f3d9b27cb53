// Issue 10: what a dry run and the status table say about runs outside a transaction and partial migrations.
import { describe, expect, it } from 'vitest';
import { dryRunText, statusTable, summary } from '../../src/cli/format';
import { buildStatus, checksum, parseMigration, planUp, type HistoryRow, type Migration } from '../../src/engine/internal';
import { utf16Offset } from '../../src/engine/run/chunk';

const text = '-- +migrate Up notransaction\nCREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\nCREATE INDEX CONCURRENTLY a_id ON a (id);\n';
const m: Migration = { version: '20240101000001', name: 'a', kind: 'file', path: '/p/20240101000001_a.sql', checksum: checksum(text), text, parsed: parseMigration(text) };
const row: HistoryRow = {
  version: m.version, name: 'a', checksum: m.checksum, status: 'partial', batch: 1, appliedAt: new Date(0), executionTimeMs: null,
  error: null, errorStatement: null, errorLine: null, script: text, kind: 'file', noTransaction: true, rolledBackAt: null, note: null,
  progress: { direction: 'up', done: 2, total: 3 },
};

describe('run output', () => {
  it('a dry run says when a file opens and closes its own transactions, and does not wrap it in one', () => {
    const out = dryRunText({
      batch: null, applied: [], cancelled: false,
      planned: [{ version: '1', name: 'own', direction: 'up', noTransaction: false, ownTransactions: true, statements: [{ sql: 'BEGIN', line: 2 }, { sql: 'COMMIT', line: 3 }] }],
    });
    expect(out).toContain('-- up 1_own (opens and closes its own transactions: runs as written, without a transaction around it)');
    expect(out).not.toMatch(/^BEGIN;\nBEGIN;/m);
  });

  it('a dry run shows the lock_timeout each migration runs with', () => {
    const planned = (extra: object) => dryRunText({
      batch: null, applied: [], cancelled: false,
      planned: [{ version: '1', name: 'a', direction: 'up', noTransaction: false, lockTimeoutMs: 1500, statements: [{ sql: 'SELECT 1', line: 2 }], ...extra }],
    });
    expect(planned({})).toBe("-- up 1_a\nBEGIN;\nSET LOCAL lock_timeout = '1500ms';\nSELECT 1;\nCOMMIT;\n");
    expect(planned({ noTransaction: true })).toBe("-- up 1_a (notransaction)\nSET lock_timeout = '1500ms';\nSELECT 1;\nRESET lock_timeout;\n");
    expect(planned({ lockTimeoutMs: undefined })).toBe('-- up 1_a\nBEGIN;\nSELECT 1;\nCOMMIT;\n');
  });

  it('status shows a partial migration: counts, the running statement and its line, what continues', () => {
    const entries = buildStatus([m], [row]);
    expect(entries[0].status).toBe('partial');
    const out = statusTable(entries);
    expect(out).toMatch(/20240101000001\s+partial/);
    expect(out).toContain('2 of 3 statements of its Up completed; statement 3 (/p/20240101000001_a.sql:4) was running when the run stopped and may or may not have taken effect');
    expect(out).toContain('Run "up --resume" to run statement 3 again and continue');
    expect(summary(entries)).toBe('1 migration: 1 partial');
    expect(() => planUp(entries)).toThrow(/migration 20240101000001 is partial .*"up --resume" continues it/);
    expect(planUp(entries, { resume: true })).toEqual([m]);
  });

  it('error positions: code points to UTF-16 offsets', () => {
    const s = `SELECT '😀😀';\nSELECT x;`;
    // PostgreSQL's position of "x" is 21 (1-based, in characters); its UTF-16 offset is 22.
    expect(utf16Offset(s, 21 - 1)).toBe(s.indexOf('x'));
    expect(s.indexOf('x')).toBe(22);
    expect(utf16Offset('abc', 2)).toBe(2);
  });
});
