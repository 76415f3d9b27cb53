import { ChecksumMismatchError, NoDownError, OutOfOrderError, StateError, UnknownVersionError } from './errors';
import { parseMigration } from './parser';
import { compareVersions } from './source';
import type { HistoryRow, Migration, StatusEntry } from './types';

/** Rows that mean "this migration's changes are in the database". */
export function isApplied(entry: StatusEntry): boolean {
  return entry.status === 'applied' || entry.status === 'drifted' || entry.status === 'missing';
}

/** Status of every known migration and every applied row, sorted by version. A pure function. */
export function buildStatus(migrations: Migration[], rows: HistoryRow[]): StatusEntry[] {
  // Both lists in version order (they almost always come that way, and sorting a sorted list is one
  // pass), then walked together: no map of ten thousand versions to build and hash.
  const ms = [...migrations].sort(byVersion);
  const rs = [...rows].sort(byVersion);
  let newestApplied: string | null = null;
  for (let j = rs.length - 1; j >= 0 && newestApplied === null; j--) if (rs[j].status === 'applied') newestApplied = rs[j].version;
  const entries: StatusEntry[] = [];
  for (let i = 0, j = 0; i < ms.length || j < rs.length; ) {
    const m = i < ms.length ? ms[i] : null;
    const r = j < rs.length ? rs[j] : null;
    const order = !m ? 1 : !r ? -1 : compareVersions(m.version, r.version);
    if (order > 0) {
      // A row without a migration: applied ones are missing their file; a rolled back one is history.
      j++;
      if (r!.status !== 'rollback') entries.push(entry(r!.version, r!.name, r!.status === 'applied' ? 'missing' : r!.status, null, r, false));
      continue;
    }
    i++;
    const row = order === 0 ? (j++, r) : null;
    let status: StatusEntry['status'];
    if (!row) status = 'pending';
    else if (row.status === 'applied') status = row.checksum === m!.checksum ? 'applied' : 'drifted';
    else status = row.status;
    const waiting = status === 'pending' || status === 'rollback' || status === 'failed';
    const outOfOrder = waiting && newestApplied !== null && compareVersions(m!.version, newestApplied) < 0;
    entries.push(entry(m!.version, m!.name, status, m, row, outOfOrder));
  }
  return entries;
}

function entry(version: string, name: string, status: StatusEntry['status'], migration: Migration | null, row: HistoryRow | null, outOfOrder: boolean): StatusEntry {
  const e: StatusEntry = { version, name, status, migration, row, outOfOrder, hint: null };
  e.hint = hintFor(e);
  return e;
}

function byVersion(a: { version: string }, b: { version: string }): number {
  return compareVersions(a.version, b.version);
}

/** The command that fits each problem, as `status` prints it. */
function hintFor(e: StatusEntry): string | null {
  const v = e.version;
  switch (e.status) {
    case 'drifted':
      return `file changed after it was applied: restore it, or run "accept-checksum -version ${v}" if the change is intended`;
    case 'missing':
      return `applied but the file is gone (another branch?): restore it, or "down" can still roll it back from the stored copy; "mark-rolled-back -version ${v}" if it was undone by hand`;
    case 'failed':
      return e.row?.noTransaction
        ? `failed part-way outside a transaction: finish or undo its statements by hand, then "mark-applied -version ${v}" or "forget -version ${v}"`
        : `nothing of it was applied: fix the file and run "up" again (or "forget -version ${v}" to clear the record)`;
    case 'partial':
      return partialHint(e);
    case 'pending':
    case 'rollback':
      return e.outOfOrder
        ? `older than the newest applied migration: run "up --out-of-order", or "mark-applied -version ${v}" if it is already in the database`
        : null;
    default:
      return null;
  }
}

/**
 * Where a statement-by-statement run stopped, and what continues it. The statements before the
 * one that was running are recorded as completed and never run again; that one may or may not
 * have taken effect (a crash between its end and the record of it), so resuming runs it again.
 */
export function partialHint(e: StatusEntry): string {
  const v = e.version;
  const p = e.row?.progress;
  if (!p) return `stopped part-way outside a transaction: finish or undo it by hand, then "mark-applied -version ${v}" or "forget -version ${v}"`;
  const section = p.direction === 'up' ? e.migration?.parsed?.up : e.migration?.parsed?.down;
  const next = p.done + 1;
  const line = section?.statements[p.done]?.line;
  const file = e.migration?.path ?? `${v}_${e.name}.sql`;
  const what = p.direction === 'up' ? 'Up' : 'Down';
  const failedAt = e.row?.error && e.row.errorStatement !== null && e.row.errorStatement > p.done ? e.row.errorStatement : null;
  const running =
    p.done >= p.total
      ? `all ${p.total} statements of its ${what} completed, the record of it did not`
      : failedAt !== null
        ? `${p.done} of ${p.total} statements of its ${what} completed; statement ${failedAt + 1} (${file}${e.row?.errorLine ? `:${e.row.errorLine}` : ''}) failed inside a transaction the file opened, which was rolled back: statements ${next}-${failedAt + 1} did not take effect`
        : `${p.done} of ${p.total} statements of its ${what} completed; statement ${next} (${file}${line ? `:${line}` : ''}) ${e.row?.error ? 'failed' : 'was running when the run stopped'} and may or may not have taken effect`;
  const ways = p.direction === 'up'
    ? `or finish or undo it by hand, then "mark-applied -version ${v}" or "forget -version ${v}"`
    : `or finish or undo it by hand, then "mark-rolled-back -version ${v}" or "mark-applied -version ${v}"`;
  return `${running}. Run "${p.direction} --resume" to ${p.done >= p.total ? 'record it' : `run ${failedAt !== null ? 'from ' : ''}statement ${next} again and continue`}, ${ways}`;
}

export interface UpOptions {
  target?: string;
  only?: string;
  allowOutOfOrder?: boolean;
  /** Continue a partial Up from the statement that did not complete. */
  resume?: boolean;
}

/** A migration left part-way by a statement-by-statement run: what to resume, or an error that names it. */
export function resumable(entries: StatusEntry[], direction: 'up' | 'down', resume: boolean | undefined): { migration: Migration; from: number; error: string | null } | null {
  const partial = entries.find((e) => e.status === 'partial');
  if (!partial) {
    if (resume) throw new StateError(`nothing to resume: no migration is partial`);
    return null;
  }
  const file = partial.migration?.path ?? `${partial.version}_${partial.name}.sql`;
  const p = partial.row?.progress;
  if (!resume || !p || p.direction !== direction || !partial.migration) {
    const how = p && partial.migration ? `"${p.direction} --resume" continues it; ` : '';
    throw new StateError(`${file}: migration ${partial.version} is partial (${partial.hint ?? partialHint(partial)}); ${how}nothing else runs until it is resolved`);
  }
  return { migration: direction === 'down' ? downMigration(partial) : partial.migration, from: p.done, error: partial.row?.error ?? null };
}

/** What `up` would apply, in order. Throws when drift or order forbids running. */
export function planUp(entries: StatusEntry[], opts: UpOptions = {}): Migration[] {
  const drifted = entries.find((e) => e.status === 'drifted');
  if (drifted) throw new ChecksumMismatchError(drifted.version, drifted.migration?.path ?? drifted.name, drifted.row?.appliedAt ?? null);
  const partial = entries.find((e) => e.status === 'failed' && e.row?.noTransaction);
  if (partial) {
    throw new StateError(
      `${partial.migration?.path ?? `${partial.version}_${partial.name}.sql`}: migration ${partial.version} failed part-way outside a transaction; ` +
        `finish or undo it by hand, then "mark-applied -version ${partial.version}" or "forget -version ${partial.version}"`,
    );
  }
  const resumed = resumable(entries, 'up', opts.resume);
  if (opts.target !== undefined && !entries.some((e) => e.version === opts.target)) throw new UnknownVersionError(opts.target);
  let candidates = entries.filter((e) => e.migration && (e.status === 'pending' || e.status === 'rollback' || e.status === 'failed'));
  if (opts.only !== undefined) {
    const entry = entries.find((e) => e.version === opts.only);
    if (!entry?.migration) throw new UnknownVersionError(opts.only);
    if (isApplied(entry)) throw new UnknownVersionError(opts.only, 'already applied');
    candidates = [entry];
  } else if (opts.target !== undefined) {
    candidates = candidates.filter((e) => compareVersions(e.version, opts.target!) <= 0);
  }
  if (!opts.allowOutOfOrder) {
    const early = candidates.find((e) => e.outOfOrder);
    if (early) {
      const newest = entries.filter(isApplied).reduce((a, b) => (compareVersions(a.version, b.version) > 0 ? a : b));
      throw new OutOfOrderError(early.version, early.migration!.path ?? early.name, newest.version);
    }
  }
  const plan = candidates.map((e) => e.migration!);
  return resumed ? [resumed.migration, ...plan.filter((m) => m.version !== resumed.migration.version)] : plan;
}

export interface DownOptions {
  /** Roll back everything applied after this version ("0": everything). */
  target?: string;
  /** Roll back the whole last batch. */
  batch?: boolean;
  /** Roll back every applied migration. */
  all?: boolean;
  /** Roll back exactly this version. */
  only?: string;
  /** Continue a partial Down from the statement that did not complete (and nothing else). */
  resume?: boolean;
}

/** What `down` would roll back, most recent first. Throws before anything runs when one cannot be. */
export function planDown(entries: StatusEntry[], opts: DownOptions = {}): Migration[] {
  const resumed = resumable(entries, 'down', opts.resume);
  if (resumed) return [resumed.migration];
  const applied = entries.filter(isApplied).sort(mostRecentFirst);
  let chosen: StatusEntry[];
  if (opts.only !== undefined) {
    const entry = applied.find((e) => e.version === opts.only);
    if (!entry) throw new UnknownVersionError(opts.only, entries.some((e) => e.version === opts.only) ? 'not applied' : 'no such migration');
    chosen = [entry];
  } else if (opts.target !== undefined) {
    if (opts.target !== '0' && !entries.some((e) => e.version === opts.target)) throw new UnknownVersionError(opts.target);
    chosen = applied.filter((e) => compareVersions(e.version, opts.target!) > 0);
  } else if (opts.all) {
    chosen = applied;
  } else if (opts.batch) {
    const last = applied[0]?.row?.batch;
    chosen = applied.filter((e) => e.row?.batch === last);
  } else {
    chosen = applied.slice(0, 1);
  }
  return chosen.map(downMigration);
}

/** Reverse of the order things were applied in: latest batch, then latest applied, then highest version. */
function mostRecentFirst(a: StatusEntry, b: StatusEntry): number {
  const batch = (b.row?.batch ?? 0) - (a.row?.batch ?? 0);
  if (batch) return batch;
  const time = (b.row?.appliedAt?.getTime() ?? 0) - (a.row?.appliedAt?.getTime() ?? 0);
  return time || compareVersions(b.version, a.version);
}

function downMigration(e: StatusEntry): Migration {
  if (e.status === 'drifted') throw new ChecksumMismatchError(e.version, e.migration?.path ?? e.name, e.row?.appliedAt ?? null);
  if (e.migration) {
    if (e.migration.kind === 'code' ? !e.migration.downFn : !e.migration.parsed?.down) throw new NoDownError(e.version, e.migration.path ?? e.name);
    return e.migration;
  }
  // The file is gone: roll back from the copy stored when it was applied.
  const row = e.row!;
  const label = `${row.version}_${row.name}.sql (stored copy)`;
  if (!row.script) throw new StateError(`migration ${row.version} is applied but neither its file nor a stored copy exists; "mark-rolled-back -version ${row.version}" after undoing it by hand`);
  const parsed = parseMigration(row.script, label);
  if (!parsed.down) throw new NoDownError(row.version, label);
  return { version: row.version, name: row.name, kind: 'file', path: label, checksum: row.checksum, text: row.script, parsed };
}
