// One-line texts about runs, for notifications, confirmations and the log.
import { planDown, type DownOptions } from '../../engine/plan';
import { lockRetryText } from '../../engine/run/retry-text';
import type { RunEvent, RunResult, StatusEntry } from '../../engine/types';
import { formatDuration } from './format';

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

/** Names what a down-like plan would roll back, for a confirmation; '' while the status is unknown. */
export function rollbackList(entries: readonly StatusEntry[] | null, opts: DownOptions): string {
  if (!entries) return '';
  try {
    const plan = planDown([...entries], opts);
    if (plan.length === 0) return 'Nothing is applied that this would roll back.';
    const shown = plan.slice(0, 8).map((m) => `${m.version} ${m.name}`);
    return `Rolls back ${plan.length} migration${plan.length === 1 ? '' : 's'}: ${shown.join(', ')}${plan.length > shown.length ? ', …' : ''}.`;
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
