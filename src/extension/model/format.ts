// Human text for times and durations, shared by the tree, CodeLens and diagnostics so they agree.
import type { HistoryRow } from '../../engine/types';

const pad = (n: number) => String(n).padStart(2, '0');

// A run applies many migrations within a minute; the tree formats 10,000 dates per refresh.
const byMinute = new Map<number, string>();

/** `2024-01-01 12:34` in local time: the reader's clock, minutes are enough to recognise a run. */
export function formatDateTime(date: Date): string {
  // Every time zone offset is a whole number of minutes, so UTC minutes are local minutes too.
  const minute = Math.floor(date.getTime() / 60_000);
  let text = byMinute.get(minute);
  if (text === undefined) {
    text = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
    if (byMinute.size > 50_000) byMinute.clear();
    byMinute.set(minute, text);
  }
  return text;
}

/** `145 ms`, `2.3 s`, `4 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${pad(s % 60)} s`;
}

/** `applied 2024-01-01 12:34 · batch 3 · 145 ms`, leaving out what the row does not know. */
export function appliedSummary(row: HistoryRow, verb = 'applied'): string {
  let text = row.appliedAt ? `${verb} ${formatDateTime(row.appliedAt)}` : verb;
  if (row.batch !== null) text += ` · batch ${row.batch}`;
  if (row.executionTimeMs !== null) text += ` · ${formatDuration(row.executionTimeMs)}`;
  return text;
}

/** The first line of a (database) error, for places with room for one line. */
export function firstLine(text: string, max = 120): string {
  const line = text.split('\n', 1)[0].trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
