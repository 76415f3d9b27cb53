import type { RunResult, StatusEntry } from '../engine/internal';
import { sentAround, terminated } from '../engine/dry-run';

/** `2024-01-01 12:34:56` in UTC: sortable and the same on every machine. */
export function formatTime(d: Date | null): string {
  if (!d || Number.isNaN(d.getTime())) return '-';
  const iso = d.toISOString(); // one native call instead of six getters: status formats one per row
  return iso.length === 24 ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : iso; // beyond year 9999 as it is
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '-';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

/** The status table: VERSION, STATUS, NAME, APPLIED AT, EXECUTION TIME; hints for problems below. */
export function statusTable(entries: StatusEntry[]): string {
  const header = ['VERSION', 'STATUS', 'NAME', 'APPLIED AT', 'EXECUTION TIME'];
  const rows = entries.map((e) => [
    e.version,
    e.status + (e.outOfOrder ? ' (out of order)' : ''),
    e.name,
    e.status === 'pending' || e.status === 'rollback' ? '-' : formatTime(e.row?.appliedAt ?? null),
    e.status === 'pending' ? '-' : formatMs(e.row?.executionTimeMs ?? null),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [line(header), ...rows.map(line)];
  const problems = entries.filter((e) => e.hint || e.row?.error || e.migration?.warning);
  if (problems.length) {
    out.push('');
    for (const e of problems) {
      if (e.row?.error) {
        // A failed Up, and a Down that failed (the migration is still applied, or partial).
        const where = e.row.errorLine ? ` at line ${e.row.errorLine}` : '';
        out.push(`${e.version} ${e.status === 'failed' ? 'failed' : 'error'}${where}: ${e.row.error}`);
      }
      if (e.hint) out.push(`${e.version} ${e.status}: ${e.hint}`);
      if (e.migration?.warning) out.push(`${e.version} warning: ${e.migration.warning}`);
    }
  }
  out.push('', summary(entries));
  return out.join('\n') + '\n';
}

export function summary(entries: StatusEntry[]): string {
  if (entries.length === 0) return 'No migrations found.';
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e.status, (counts.get(e.status) ?? 0) + 1);
  const parts = ['applied', 'pending', 'partial', 'failed', 'rollback', 'drifted', 'missing'].filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${s}`);
  return `${entries.length} migration${entries.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

export function statusJson(entries: StatusEntry[]): string {
  return (
    JSON.stringify(
      entries.map((e) => ({
        version: e.version,
        name: e.name,
        status: e.status,
        outOfOrder: e.outOfOrder,
        batch: e.row?.batch ?? null,
        appliedAt: e.row?.appliedAt?.toISOString() ?? null,
        executionTimeMs: e.row?.executionTimeMs ?? null,
        error: e.row?.error ?? null,
        errorLine: e.row?.errorLine ?? null,
        file: e.migration?.path ?? null,
        hint: e.hint,
        warning: e.migration?.warning ?? null,
        // A statement-by-statement run that stopped: its direction and how many statements completed.
        ...(e.status === 'partial' ? { progress: e.row?.progress ?? null } : {}),
      })),
      null,
      2,
    ) + '\n'
  );
}

/** The statements a dry run would send, as SQL a person can read or pipe into psql. */
export function dryRunText(result: RunResult): string {
  if (result.planned.length === 0) return '-- nothing to do\n';
  return result.planned
    .map((p) => {
      const mode = p.noTransaction ? ' (notransaction)' : p.ownTransactions ? ' (opens and closes its own transactions: runs as written, without a transaction around it)' : '';
      const head = `-- ${p.direction} ${p.version}_${p.name}${mode}`;
      const { before, after } = sentAround(p);
      const lines = [...before, ...p.statements.map((s) => terminated(s.sql)), ...after];
      return `${head}\n${lines.join('\n')}\n`;
    })
    .join('\n');
}
