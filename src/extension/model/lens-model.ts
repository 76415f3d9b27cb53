// CodeLens content for one migration file, as plain data.
import type { ParsedMigration, StatusEntry } from '../../engine/types';
import { appliedSummary, firstLine, formatDateTime } from './format';

export interface LensSpec {
  /** 0-based line the lens sits above. */
  line: number;
  title: string;
  /** Empty: a plain label, not clickable. */
  command: string;
  args: unknown[];
  tooltip?: string;
}

export const RUN_UP = 'Run Up';
export const RUN_DOWN = 'Run Down';
export const ACCEPT = 'Accept Changed File';
export const SHOW_DIFF = 'Show Diff';
export const PREVIEW = 'Preview SQL';
export const RESUME = 'Resume Partial Migration';

/**
 * Lenses above `-- +migrate Up` and `-- +migrate Down`. `entry` is this file's status, or
 * undefined when the database has not been asked (yet): then both run actions are offered.
 */
export function lensesFor(path: string, parsed: ParsedMigration, entry: StatusEntry | undefined, version: string | null, folder: string | null = null): LensSpec[] {
  const up = parsed.up.line - 1;
  const down = parsed.down ? parsed.down.line - 1 : null;
  const v = entry?.version ?? version;
  if (v === null) return [];
  const run = (line: number, title: string, command: string): LensSpec => ({ line, title, command, args: [path, v], tooltip: `${title}: migration ${v} only` });
  const preview = (line: number, direction: 'up' | 'down'): LensSpec => ({
    line,
    title: PREVIEW,
    command: 'migrateLens.previewSql',
    args: [path, v, direction],
    tooltip: `The statements the ${direction === 'up' ? 'Up' : 'Down'} section would send, without running them`,
  });
  const lenses: LensSpec[] = [];
  const row = entry?.row ?? null;
  // Actions on this migration name its folder and file, never only its version.
  const target = { folder, version: v, path };
  switch (entry?.status) {
    case undefined:
      lenses.push(run(up, RUN_UP, 'migrateLens.runUp'), preview(up, 'up'));
      if (down !== null) lenses.push(run(down, RUN_DOWN, 'migrateLens.runDown'), preview(down, 'down'));
      break;
    case 'pending':
    case 'rollback':
      lenses.push(run(up, RUN_UP, 'migrateLens.runUp'), preview(up, 'up'));
      break;
    case 'failed':
      lenses.push({
        line: up,
        title: `failed${row?.appliedAt ? ` ${formatDateTime(row.appliedAt)}` : ''}: ${firstLine(row?.error ?? 'unknown error', 80)}`,
        command: 'migrateLens.showError',
        args: [target],
        tooltip: row?.error ?? undefined,
      });
      if (row?.noTransaction) {
        // Stopped part-way outside a transaction: `up` refuses until someone decides what happened.
        lenses.push({ line: up, title: 'Mark as Applied', command: 'migrateLens.markApplied', args: [target], tooltip: 'Its statements were finished by hand' });
        lenses.push({ line: up, title: 'Forget', command: 'migrateLens.forget', args: [target], tooltip: 'Its statements were undone by hand; run it again later' });
      } else lenses.push(run(up, RUN_UP, 'migrateLens.runUp'), preview(up, 'up'));
      break;
    case 'applied':
      lenses.push({ line: up, title: row ? appliedSummary(row) : 'applied', command: '', args: [] });
      if (down !== null) lenses.push(run(down, RUN_DOWN, 'migrateLens.runDown'), preview(down, 'down'));
      break;
    case 'drifted':
      lenses.push({
        line: up,
        title: `drifted: modified after it was applied${row?.appliedAt ? ` on ${formatDateTime(row.appliedAt)}` : ''}`,
        command: '',
        args: [],
      });
      lenses.push({ line: up, title: SHOW_DIFF, command: 'migrateLens.showDiff', args: [target], tooltip: 'Compare the applied text with the file as it is now' });
      lenses.push({ line: up, title: ACCEPT, command: 'migrateLens.acceptChecksum', args: [target], tooltip: 'Take the file as it is now as the applied version' });
      if (down !== null) lenses.push(run(down, RUN_DOWN, 'migrateLens.runDown'));
      break;
    case 'partial': {
      // Stopped part-way outside a transaction: the lens says how far, and offers to go on.
      const p = row?.progress;
      const at = p?.direction === 'down' && down !== null ? down : up;
      const title = p ? `partial: ${p.done} of ${p.total} statements of its ${p.direction === 'up' ? 'Up' : 'Down'} done` : 'partial';
      lenses.push({ line: at, title, command: 'migrateLens.showError', args: [target], tooltip: row?.error ?? 'Stopped part-way outside a transaction' });
      if (p) lenses.push({ line: at, title: RESUME, command: 'migrateLens.resume', args: [target], tooltip: `Run statement ${Math.min(p.done + 1, p.total)} again and finish this migration` });
      break;
    }
    case 'missing':
      break;
  }
  return lenses;
}
