import { describe, expect, it } from 'vitest';
import type { StatusEntry } from '../../../src/engine/types';
import { analyseFile } from '../../../src/extension/model/migration-files';
import { CHUNK_SIZE, filterStatusOf, groupChildren, groupNodes, isGroupNode, parseFilter, type GroupNode } from '../../../src/extension/model/tree-groups';
import { buildTreeModel, buildUnknownTreeModel, entryNode, invalidNode, type TreeNode } from '../../../src/extension/model/tree-model';
import { entry, migration } from './fixtures';

const v = (i: number) => String(20240101000000 + i);

function applied(i: number, batch: number, at = new Date(2024, 0, batch, 10, 0)): StatusEntry {
  return entry('applied', v(i), `m${i}`, { batch, appliedAt: at });
}

const labels = (list: readonly (TreeNode | GroupNode)[]) => list.map((n) => (isGroupNode(n) ? `[${n.label} · ${n.description}]` : n.label));

describe('groupNodes', () => {
  it('puts problems first, then pending (both expanded), then batches newest first (collapsed)', () => {
    const entries = [
      applied(1, 1), applied(2, 1), applied(3, 2, new Date(2026, 10, 29, 14, 2)),
      entry('drifted', v(4), 'm4', { batch: 2 }),
      entry('failed', v(5), 'm5'),
      entry('pending', v(6), 'm6'),
      entry('rollback', v(7), 'm7'),
    ];
    const g = groupNodes(buildTreeModel(entries), { statusKnown: true });
    expect(labels(g.top)).toEqual([
      '[Problems · 1 drifted · 1 failed]',
      '[Pending · 2 migrations]',
      '[Batch 2 · 1 migration · applied 2026-11-29 14:02]',
      '[Batch 1 · 2 migrations · applied 2024-01-01 10:00]',
    ]);
    const [problems, pending, b2, b1] = g.top as GroupNode[];
    expect([problems.expanded, pending.expanded, b2.expanded, b1.expanded]).toEqual([true, true, false, false]);
    expect(labels(groupChildren(problems))).toEqual([`${v(4)} m4`, `${v(5)} m5`]);
    expect(labels(groupChildren(pending))).toEqual([`${v(6)} m6`, `${v(7)} m7`]);
    expect(labels(groupChildren(b1))).toEqual([`${v(1)} m1`, `${v(2)} m2`]);
    expect(g.parents.get(`v${v(6)}`)).toBe(pending);
    expect(g.parents.get(`v${v(1)}`)).toBe(b1);
  });

  it('gives groups ids that stay the same across refreshes and differ between folders', () => {
    const make = () => groupNodes(buildTreeModel([applied(1, 1), entry('pending', v(2), 'm2')], [], 'file:///app'), { folder: 'file:///app', statusKnown: true });
    expect(make().top.map((n) => n.id)).toEqual(['file:///app#group:pending', 'file:///app#batch:1']);
    expect(make().top.map((n) => n.id)).toEqual(make().top.map((n) => n.id));
    const other = groupNodes(buildTreeModel([applied(1, 1)], [], 'file:///billing'), { folder: 'file:///billing', statusKnown: true });
    expect(other.top[0].id).toBe('file:///billing#batch:1');
  });

  it('lists partial, missing and invalid ones as problems', () => {
    const bad = analyseFile(`/ws/migrations/${v(9)}_bad.sql`, '-- +migrate Upp\n');
    const nodes = buildTreeModel([entry('partial', v(7), 'half', { batch: 1 }), entry('missing', v(8), 'gone', { batch: 1 })], [bad]);
    const g = groupNodes(nodes, { statusKnown: true });
    expect(labels(g.top)).toEqual(['[Problems · 1 partial · 1 missing · 1 invalid]']);
  });

  it('splits 1,000 applied migrations of one batch into chunks of 100', () => {
    const entries = Array.from({ length: 1000 }, (_, i) => applied(i + 1, 1));
    entries.push(entry('pending', v(1001), 'next'));
    const nodes = buildTreeModel(entries);
    const g = groupNodes(nodes, { statusKnown: true });
    expect(labels(g.top)).toEqual(['[Pending · 1 migration]', '[Batch 1 · 1,000 migrations · applied 2024-01-01 10:00]']);
    const batch = g.top[1] as GroupNode;
    const chunks = groupChildren(batch) as GroupNode[];
    expect(chunks.length).toBe(1000 / CHUNK_SIZE);
    expect(chunks.every((c) => isGroupNode(c) && !c.expanded)).toBe(true);
    expect(chunks[0].label).toBe(`${v(1)} … ${v(100)}`);
    expect(chunks[0].description).toBe('1–100 of 1,000');
    expect(chunks[9].description).toBe('901–1,000 of 1,000');
    expect(groupChildren(chunks[9]).length).toBe(100);
    // Every migration can find its way up (TreeView.reveal needs getParent): node → chunk → batch.
    const last = nodes[999];
    expect(g.parents.get(last.id)).toBe(chunks[9]);
    expect(g.parents.get(chunks[9].id)).toBe(batch);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(chunks.length);
  });

  it('expands the first chunk of a large pending group only', () => {
    const entries = Array.from({ length: 250 }, (_, i) => entry('pending', v(i + 1), `m${i + 1}`));
    const g = groupNodes(buildTreeModel(entries), { statusKnown: true });
    const chunks = groupChildren(g.top[0] as GroupNode) as GroupNode[];
    expect(chunks.map((c) => [c.description, c.expanded])).toEqual([['1–100 of 250', true], ['101–200 of 250', false], ['201–250 of 250', false]]);
  });

  it('filters by status: rolled back counts as pending; a filter that hides all says so through shown = 0', () => {
    const entries = [applied(1, 1), entry('failed', v(2), 'm2'), entry('rollback', v(3), 'm3')];
    const nodes = buildTreeModel(entries);
    expect(nodes.map(filterStatusOf)).toEqual(['applied', 'failed', 'pending']);
    const pendingOnly = groupNodes(nodes, { statusKnown: true, filter: new Set(['pending']) });
    expect(labels(pendingOnly.top)).toEqual(['[Pending · 1 migration]']);
    expect([pendingOnly.total, pendingOnly.shown]).toEqual([3, 1]);
    const none = groupNodes(nodes, { statusKnown: true, filter: new Set(['drifted']) });
    expect([none.top.length, none.total, none.shown]).toEqual([0, 3, 0]);
  });

  it('lists files flat while the status is unknown (Restricted Mode), chunked when many', () => {
    const few = buildUnknownTreeModel([migration(v(1), 'a'), migration(v(2), 'b')], [], 'read-only (Restricted Mode)');
    expect(labels(groupNodes(few, { statusKnown: false }).top)).toEqual([`${v(1)} a`, `${v(2)} b`]);
    const many = buildUnknownTreeModel(Array.from({ length: 150 }, (_, i) => migration(v(i + 1), `m${i + 1}`)), [], 'reading status…');
    const g = groupNodes(many, { statusKnown: false });
    expect(labels(g.top)).toEqual([`[${v(1)} … ${v(100)} · 1–100 of 150]`, `[${v(101)} … ${v(150)} · 101–150 of 150]`]);
    expect(g.parents.get(many[120].id)).toBe(g.top[1]);
    expect((g.top as GroupNode[]).map((c) => c.expanded)).toEqual([true, false]);
  });

  it('keeps a new empty file with the pending ones', () => {
    const fresh = invalidNode(analyseFile(`/ws/migrations/${v(2)}_new.sql`, ''), null, true);
    const g = groupNodes([entryNode(applied(1, 1)), fresh], { statusKnown: true });
    expect(labels(g.top)).toEqual(['[Pending · 1 migration]', '[Batch 1 · 1 migration · applied 2024-01-01 10:00]']);
  });
});

describe('parseFilter', () => {
  it('keeps known statuses; none or all is no filter', () => {
    expect(parseFilter(['failed', 'pending', 'bogus'])).toEqual(['pending', 'failed']);
    expect(parseFilter([])).toBeNull();
    expect(parseFilter(undefined)).toBeNull();
    expect(parseFilter(['pending', 'applied', 'failed', 'partial', 'drifted', 'missing', 'invalid'])).toBeNull();
  });
});
