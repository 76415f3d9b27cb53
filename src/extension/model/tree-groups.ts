// The Migrations view at scale: the flat, version-ordered nodes of one folder arranged in groups.
// Problems (failed, partial, drifted, missing, invalid) first and expanded, then Pending expanded,
// then the applied migrations by batch, newest batch first, collapsed. A group of more than
// CHUNK_SIZE migrations is split into chunks so no level of the tree holds thousands of rows.
// Pure: no vscode; the view turns these into TreeItems only when VS Code asks for a level.
import { formatDateTime } from './format';
import type { TreeNode } from './tree-model';

/** What "Filter by Status…" offers. Rolled back and not-yet-read files count as pending. */
export type FilterStatus = 'pending' | 'applied' | 'failed' | 'partial' | 'drifted' | 'missing' | 'invalid';
export const FILTER_STATUSES: readonly FilterStatus[] = ['pending', 'applied', 'failed', 'partial', 'drifted', 'missing', 'invalid'];

export const CHUNK_SIZE = 100;

export type GroupCategory = 'problems' | 'pending' | 'batch' | 'chunk';

export interface GroupNode {
  kind: 'group';
  /** Stable across refreshes (`<folder>#batch:12`), so VS Code keeps a group expanded. */
  id: string;
  category: GroupCategory;
  /** The workspace folder (its key) or null in a single-folder workspace. */
  folder: string | null;
  label: string;
  description: string;
  tooltip: string;
  /** How the group starts; the user's own expand/collapse wins afterwards (same id). */
  expanded: boolean;
  /** Every migration below it, in view order. */
  members: readonly TreeNode[];
  parent: GroupNode | null;
  /** Its chunks when it has more than CHUNK_SIZE members, else null (members are its children). */
  chunks: GroupNode[] | null;
}

export type GroupedNode = GroupNode | TreeNode;

export function isGroupNode(n: object): n is GroupNode {
  return (n as { kind?: string }).kind === 'group';
}

const PROBLEMS = new Set<string>(['failed', 'partial', 'drifted', 'missing', 'invalid']);

export function filterStatusOf(n: TreeNode): FilterStatus {
  switch (n.status) {
    case 'rollback':
    case 'unknown':
      return 'pending';
    default:
      return n.status;
  }
}

export function parseFilter(value: unknown): FilterStatus[] | null {
  if (!Array.isArray(value)) return null;
  const known = FILTER_STATUSES.filter((s) => value.includes(s));
  return known.length === 0 || known.length === FILTER_STATUSES.length ? null : known;
}

export interface Grouped {
  /** The folder's top level: groups, or (status not read) the nodes themselves or their chunks. */
  top: GroupedNode[];
  /** Migrations before and after the filter. */
  total: number;
  shown: number;
  /** Parent of every node below the top level, by id. */
  parents: Map<string, GroupNode>;
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/**
 * Groups one folder's nodes. `statusKnown`: the database has been read (else the files are listed
 * flat, as they are, chunked when many). `filter`: statuses to keep, null for all.
 */
export function groupNodes(
  nodes: readonly TreeNode[],
  opts: { folder?: string | null; statusKnown: boolean; filter?: ReadonlySet<FilterStatus> | null; chunkSize?: number },
): Grouped {
  const folder = opts.folder ?? null;
  const chunkSize = opts.chunkSize ?? CHUNK_SIZE;
  const filter = opts.filter ?? null;
  const kept = filter ? nodes.filter((n) => filter.has(filterStatusOf(n))) : nodes;
  const parents = new Map<string, GroupNode>();
  const prefix = folder ? `${folder}#` : '';
  const result: Grouped = { top: [], total: nodes.length, shown: kept.length, parents };

  if (!opts.statusKnown) {
    if (kept.length <= chunkSize) result.top = [...kept];
    else result.top = chunk(kept, null, `${prefix}files`, folder, chunkSize, true, parents);
    return result;
  }

  const problems: TreeNode[] = [];
  const pending: TreeNode[] = [];
  const batches = new Map<number | null, TreeNode[]>();
  for (const n of kept) {
    if (PROBLEMS.has(n.status)) problems.push(n);
    else if (n.status === 'applied') {
      const batch = n.entry?.row?.batch ?? null;
      let list = batches.get(batch);
      if (!list) batches.set(batch, (list = []));
      list.push(n);
    } else pending.push(n);
  }

  const make = (category: GroupCategory, id: string, label: string, description: string, tooltip: string, expanded: boolean, members: TreeNode[]): GroupNode => {
    const group: GroupNode = { kind: 'group', id, category, folder, label, description, tooltip, expanded, members, parent: null, chunks: null };
    if (members.length > chunkSize) group.chunks = chunk(members, group, id, folder, chunkSize, expanded, parents);
    else for (const m of members) parents.set(m.id, group);
    return group;
  };

  if (problems.length) {
    const counts = new Map<string, number>();
    for (const n of problems) counts.set(n.status, (counts.get(n.status) ?? 0) + 1);
    const what = [...counts].map(([s, c]) => `${c.toLocaleString('en-US')} ${s}`).join(' · ');
    result.top.push(make('problems', `${prefix}group:problems`, 'Problems', what,
      'Failed, partial, drifted, missing and invalid migrations: each needs a look before the next run.', true, problems));
  }
  if (pending.length) {
    result.top.push(make('pending', `${prefix}group:pending`, 'Pending', plural(pending.length, 'migration'),
      'Not applied yet (or rolled back): "Up" runs them in this order.', true, pending));
  }
  const order = [...batches.keys()].sort((a, b) => (a === null ? 1 : b === null ? -1 : b - a));
  for (const batch of order) {
    const members = batches.get(batch)!;
    let first: Date | null = null;
    for (const m of members) {
      const at = m.entry?.row?.appliedAt;
      if (at && (!first || at < first)) first = at;
    }
    const when = first ? ` · applied ${formatDateTime(first)}` : '';
    const label = batch === null ? 'Applied (no batch)' : `Batch ${batch}`;
    const tooltip = batch === null
      ? 'Applied migrations whose history row has no batch (recorded by hand or adopted from another tool).'
      : `Applied together by one run${when ? ` (${when.slice(3)})` : ''}. "Roll Back to Here" on its oldest migration rolls back this batch and every newer one.`;
    result.top.push(make('batch', `${prefix}batch:${batch ?? 'none'}`, label, plural(members.length, 'migration') + when, tooltip, false, members));
  }
  return result;
}

/** Chunks of `chunkSize` nodes: "20240101000001 … 20240101000100", "1–100 of 1,000". */
function chunk(
  members: readonly TreeNode[],
  parent: GroupNode | null,
  idBase: string,
  folder: string | null,
  chunkSize: number,
  expandFirst: boolean,
  parents: Map<string, GroupNode>,
): GroupNode[] {
  const chunks: GroupNode[] = [];
  for (let i = 0, k = 0; i < members.length; i += chunkSize, k++) {
    const slice = members.slice(i, i + chunkSize);
    const first = slice[0];
    const last = slice[slice.length - 1];
    const name = (n: TreeNode) => n.version ?? n.label;
    const range = `${(i + 1).toLocaleString('en-US')}–${(i + slice.length).toLocaleString('en-US')} of ${members.length.toLocaleString('en-US')}`;
    const group: GroupNode = {
      kind: 'group',
      id: `${idBase}/${k}`,
      category: 'chunk',
      folder,
      label: slice.length === 1 ? name(first) : `${name(first)} … ${name(last)}`,
      description: range,
      tooltip: `Migrations ${range}, in version order.`,
      expanded: expandFirst && k === 0,
      members: slice,
      parent,
      chunks: null,
    };
    if (parent) parents.set(group.id, parent);
    for (const m of slice) parents.set(m.id, group);
    chunks.push(group);
  }
  return chunks;
}

/** The children a group shows: its chunks, or its migrations. */
export function groupChildren(group: GroupNode): readonly GroupedNode[] {
  return group.chunks ?? group.members;
}

/** The view's line while a filter is on: "Filter: pending, failed". */
export function filterText(filter: readonly FilterStatus[]): string {
  return `Filter: ${filter.join(', ')}`;
}

/** Said in place of a blank view when the filter hides every migration. */
export function filterHidesAllMessage(filter: readonly FilterStatus[]): string {
  return `No migration is ${filter.join(' or ')}. The status filter hides every migration: "Clear Filter" (title bar) shows them all again.`;
}
