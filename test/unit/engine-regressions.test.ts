// Regression tests for engine bugs found while writing the unit suite (each failed before its fix).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStatus, checksum, planUp, StateError, type HistoryRow, createMigrationFile, loadMigrations, parseConfig, parseMigration, redact, resolveSettings } from '../../src/engine/internal';

describe('engine regressions', () => {
  it('config: unquoted numeric-looking passwords keep their text', () => {
    for (const pw of ['0123', '1e3', '0x1F', '12345678901234567890']) {
      expect(parseConfig(`database:\n  password: ${pw}\n`, 'c.yaml', {}).database.password).toBe(pw);
    }
  });

  it('redact: a password with an unencoded @ does not leak its tail', () => {
    const url = 'postgres://u:Zp@ssw0rd@h/d';
    resolveSettings({ cwd: tmpdir(), env: { DATABASE_URL: url } });
    expect(redact(`connecting to ${url} failed`)).not.toContain('ssw0rd');
  });

  it('parser: a StatementBegin block starting with a comment gets the line of its first code', () => {
    const p = parseMigration('-- +migrate Up\n-- +migrate StatementBegin\n-- explains\nSELECT 1;\n-- +migrate StatementEnd\n');
    expect(p.up.statements[0].line).toBe(4);
  });

  it('parser: a malformed directive inside a StatementBegin block is an error, as outside', () => {
    expect(() => parseMigration('-- +migrate Up\n-- +migrate StatementBegin\nSELECT 1;\n-- +migrate\n-- +migrate StatementEnd\n')).toThrow(/:4:/);
    expect(() => parseMigration('-- +migrate Up\n-- +migrate StatementBegin\nSELECT 1;\n-- +migrateDown\n-- +migrate StatementEnd\n')).toThrow(/:4:/);
  });

  it('create: a name with a line break cannot put SQL or directives into the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'h2-'));
    try {
      createMigrationFile(dir, 'x\nDROP TABLE users;', new Date('2024-01-01T00:00:00Z'));
      const [m] = await loadMigrations(dir);
      expect(m.parsed!.up.statements).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('plan: a failed notransaction migration whose file is gone still blocks up', () => {
    const text = '-- +migrate Up\nSELECT 1;\n';
    const b = { version: '20240102000000', name: 'b', kind: 'file' as const, path: '/p/20240102000000_b.sql', checksum: checksum(text), text, parsed: parseMigration(text) };
    const failedRow: HistoryRow = {
      version: '20240101000000', name: 'gone', checksum: 'x', status: 'failed', batch: 1, appliedAt: new Date(), executionTimeMs: 1,
      error: 'boom', errorStatement: 1, errorLine: 3, script: '-- +migrate Up notransaction\nSELECT 1;\nSELECT 2;\n', kind: 'file',
      noTransaction: true, rolledBackAt: null, note: null,
    };
    expect(() => planUp(buildStatus([b], [failedRow]))).toThrow(StateError);
  });
});
