// One-line texts about runs, for notifications, confirmations and the log.
import { planDown, type DownOptions } from '../../engine/plan';
import { lockRetryText } from '../../engine/run/retry-text';
import type { RunEvent, RunResult, StatusEntry } from '../../engine/types';
import { formatDateTime, formatDuration } from './format';

export type RunKind = 'up' | 'down' | 'refresh';

const WORDS: Record<RunKind, { done: string; nothing: string }> = {
  up: { done: 'Applied', nothing: 'Nothing to apply' },
  down: { done: 'Rolled back', nothing: 'Nothing to roll back' },
  refresh: { done: 'Refreshed', nothing: 'Nothing to refresh' },
};

/** `Applied: 2 migrations (batch 3) in 45 ms`, `Nothing to apply`, `Cancelled. Applied: 1 migration in 3 ms`. */
export function describeRun(result: RunResult, kind: RunKind): string {
  const n = result.applied.length;
  const total = result.applied.reduce((sum, a) => sum + a.executionTimeMs, 0);
  const batch = result.batch !== null && n && kind === 'up' ? ` (batch ${result.batch})` : '';
  const what = n === 0 ? WORDS[kind].nothing : `${WORDS[kind].done}: ${n} migration${n === 1 ? '' : 's'}${batch} in ${formatDuration(total)}`;
  return result.cancelled ? `Cancelled. ${what}` : what;
}

/** How many migrations a confirmation lists by name before "… and N more". */
export const LIST_LIMIT = 15;

/**
 * Names what a down-like plan would roll back, newest first, one per line, for a confirmation.
 * A migration whose file is gone says that the Down of its stored copy runs, and from when that
 * copy is. '' while the status is unknown. Missing rows need their stored text (row.script) loaded.
 */
export function rollbackList(entries: readonly StatusEntry[] | null, opts: DownOptions): string {
  if (!entries) return '';
  try {
    const plan = planDown([...entries], opts);
    if (plan.length === 0) return 'Nothing is applied that this would roll back.';
    const byVersion = new Map(entries.map((e) => [e.version, e]));
    const lines = plan.slice(0, LIST_LIMIT).map((m) => {
      const e = byVersion.get(m.version);
      const copy = e?.status === 'missing' ? ` (file gone: runs the Down of the copy stored ${e.row?.appliedAt ? formatDateTime(e.row.appliedAt) : 'when it was applied'})` : '';
      return `  ${m.version} ${m.name}${copy}`;
    });
    if (plan.length > LIST_LIMIT) lines.push(`  … and ${plan.length - LIST_LIMIT} more`);
    const head = plan.length === 1 ? 'Rolls back 1 migration:' : `Rolls back ${plan.length} migrations, newest first:`;
    return `${head}\n${lines.join('\n')}`;
  } catch (err) {
    return (err as Error).message;
  }
}

/** A progress/log line for a migrator event. */
export function eventLine(e: RunEvent): string {
  switch (e.type) {
    case 'start':
      return `${e.index + 1}/${e.total} ${e.direction} ${e.migration.version} ${e.migration.name}`;
    case 'done':
      return `${e.index + 1}/${e.total} ${e.direction} ${e.migration.version} ${e.migration.name} done in ${formatDuration(e.executionTimeMs)}`;
    case 'lock-wait':
      return `waiting for the migration lock (held by ${e.holder})`;
    case 'info':
      return e.message;
    case 'lock-retry':
      return lockRetryText(e);
  }
}
