import { describe, expect, it } from 'vitest';
import { timestamp } from '../../../src/engine/create';
import { buildStatus } from '../../../src/engine/plan';
import type { Migration } from '../../../src/engine/types';
import { analyseFile } from '../../../src/extension/model/migration-files';
import { buildTreeModel, entryNode, nodeTooltip, STATUS_ICONS } from '../../../src/extension/model/tree-model';
import { entry, migration, row } from './fixtures';

describe('entryNode', () => {
  it('labels an applied migration with version and name, and describes when, batch and time', () => {
    const n = entryNode(entry('applied', '20240101120000', 'create_users', { batch: 3, executionTimeMs: 145 }));
    expect(n).toMatchObject({
      id: 'v20240101120000',
      label: '20240101120000 create_users',
      description: 'applied 2024-01-01 12:34 · batch 3 · 145 ms',
      contextValue: 'migration.applied',
      icon: 'pass-filled',
      color: 'migrateLens.appliedForeground',
      path: '/ws/migrations/20240101120000_create_users.sql',
      line: null,
    });
    expect(nodeTooltip(n)).toContain('Batch: 3');
    expect(nodeTooltip(n)).toContain('Execution time: 145 ms');
  });

  it.each([
    ['pending', 'pending'],
    ['failed', 'failed 2024-01-01 12:34'],
    ['rollback', 'rolled back 2024-01-02 08:00'],
    ['drifted', 'drifted · applied 2024-01-01 12:34 · batch 1'],
    ['missing', 'missing file · applied 2024-01-01 12:34 · batch 1'],
  ] as const)('describes a %s migration', (status, description) => {
    const n = entryNode(entry(status, '20240101120000', 'x', { rolledBackAt: new Date(2024, 0, 2, 8, 0) }));
    expect(n.description).toBe(description);
    expect(n.contextValue).toBe(`migration.${status}`);
    expect(n.icon).toBe(STATUS_ICONS[status].icon);
  });

  it('gives every status its own icon', () => {
    const icons = Object.values(STATUS_ICONS).map((s) => s.icon);
    expect(new Set(icons).size).toBe(icons.length);
  });

  it('puts the database error in the tooltip of a failed migration and points at its line', () => {
    const n = entryNode(entry('failed', '20240101120000', 'x', { error: 'relation "nope" does not exist', errorLine: 7, errorStatement: 1 }));
    expect(n.line).toBe(7);
    expect(nodeTooltip(n)).toContain('relation "nope" does not exist');
    expect(nodeTooltip(n)).toMatch(/line 7, statement 2/);
  });

  it('has no file to open for a missing migration', () => {
    expect(entryNode(entry('missing')).path).toBeNull();
  });

  it('marks a pending migration older than the newest applied one', () => {
    const e = { ...entry('pending'), outOfOrder: true };
    expect(entryNode(e).description).toBe('pending · out of order');
  });
});

describe('buildTreeModel', () => {
  it('places files that cannot run at their version, nameless ones last', () => {
    const entries = [entry('applied', '20240101000000', 'a'), entry('pending', '20240103000000', 'c')];
    const invalid = [
      analyseFile('/ws/migrations/oops.sql', '-- +migrate Up\n'),
      analyseFile('/ws/migrations/20240102000000_b.sql', '-- +migrate Nope\n'),
      analyseFile('/ws/migrations/20240103000000_c_copy.sql', '-- +migrate Up\n'),
    ];
    const nodes = buildTreeModel(entries, invalid);
    expect(nodes.map((n) => `${n.label} ${n.status}`)).toEqual([
      '20240101000000 a applied',
      '20240102000000_b.sql invalid',
      '20240103000000 c pending',
      '20240103000000_c_copy.sql invalid',
      'oops.sql invalid',
    ]);
    expect(nodes[1]).toMatchObject({ contextValue: 'migration.invalid', line: 1, description: expect.stringMatching(/^invalid: unknown directive/) });
    expect(nodeTooltip(nodes[1])).toMatch(/line 1: unknown directive/);
  });

  it('builds one node per status entry, in order, for 10,000 migrations', () => {
    const migrations: Migration[] = [];
    const rows = [];
    for (let i = 0; i < 10_000; i++) {
      const version = timestamp(new Date(Date.UTC(2024, 0, 1) + i * 60_000));
      const m = migration(version, `step_${i}`);
      migrations.push(m);
      if (i < 6000) rows.push(row(version, { name: `step_${i}`, checksum: i % 1000 === 0 ? 'old' : m.checksum, batch: 1 + Math.floor(i / 100) }));
      else if (i % 97 === 0) rows.push(row(version, { status: 'failed', error: 'boom', errorLine: 2 }));
    }
    const entries = buildStatus(migrations, rows);
    // How long this takes is measured by the benchmark (bench/extension-model.mjs), not asserted here.
    const nodes = buildTreeModel(entries);
    expect(nodes).toHaveLength(10_000);
    expect(nodes.map((n) => n.version)).toEqual(entries.map((e) => e.version));
    const count = (s: string) => nodes.filter((n) => n.status === s).length;
    expect(count('drifted')).toBe(6);
    expect(count('applied')).toBe(5994);
    expect(count('failed')).toBe(entries.filter((e) => e.status === 'failed').length);
    expect(count('failed')).toBeGreaterThan(0);
  });
});

describe('editorHint', () => {
  it('names VS Code commands, never the CLI syntax', async () => {
    const { editorHint } = await import('../../../src/extension/model/tree-model');
    const cases = [
      entry('drifted'),
      entry('missing'),
      entry('failed', '20240101120000', 'x', { error: 'boom' }),
      entry('failed', '20240101120000', 'x', { error: 'boom', noTransaction: true }),
    ];
    const hints = cases.map((e) => editorHint(e)!);
    expect(hints[0]).toContain('"Accept Changed File"');
    expect(hints[1]).toContain('"Roll Back (stored copy)"');
    expect(hints[2]).toContain('"Forget History Row"');
    expect(hints[3]).toContain('"Mark as Applied"');
    for (const h of hints) expect(h).not.toMatch(/-version|accept-checksum|mark-applied|mark-rolled-back/);
  });
});
