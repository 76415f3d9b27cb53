// Builders for status entries and history rows, so each test states only what it is about.
import type { HistoryRow, Migration, StatusEntry } from '../../../src/engine/types';
import { analyseFile } from '../../../src/extension/model/migration-files';

export const UP_DOWN = `-- +migrate Up
CREATE TABLE t (id int);

-- +migrate Down
DROP TABLE t;
`;

export function migration(version: string, name: string, text = UP_DOWN, dir = '/ws/migrations'): Migration {
  const file = analyseFile(`${dir}/${version}_${name}.sql`, text);
  if (!file.migration) throw new Error(`fixture does not parse: ${file.problems[0]?.message}`);
  return file.migration;
}

export function row(version: string, fields: Partial<HistoryRow> = {}): HistoryRow {
  return {
    version,
    name: 'x',
    checksum: 'c',
    status: 'applied',
    batch: 1,
    appliedAt: new Date(2024, 0, 1, 12, 34, 56),
    executionTimeMs: 145,
    error: null,
    errorStatement: null,
    errorLine: null,
    script: null,
    kind: 'file',
    noTransaction: false,
    rolledBackAt: null,
    note: null,
    ...fields,
  };
}

export function entry(status: StatusEntry['status'], version = '20240101120000', name = 'create_users', r: Partial<HistoryRow> | null = {}): StatusEntry {
  const m = status === 'missing' ? null : migration(version, name);
  const withRow = status !== 'pending' && r !== null;
  return {
    version,
    name,
    status,
    migration: m,
    row: withRow ? row(version, { name, checksum: m?.checksum ?? 'c', status: status === 'failed' ? 'failed' : status === 'rollback' ? 'rollback' : 'applied', ...r }) : null,
    outOfOrder: false,
    hint: null,
  };
}
