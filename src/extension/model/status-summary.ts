// What the status bar says and how it is coloured, as plain data.
import type { StatusEntry } from '../../engine/types';
import type { ConnectionInfo } from './migrations-model';

export interface StatusBarSummary {
  text: string;
  tooltip: string;
  /** error: a failed or partial migration; warning: drift, a missing file, or no connection. */
  severity: 'error' | 'warning' | null;
  counts: Record<'pending' | 'failed' | 'partial' | 'drifted' | 'missing', number>;
}

/** A failed migration that stopped part-way outside a transaction (issue 10's `partial`). */
export function isPartial(e: StatusEntry): boolean {
  return (e.status as string) === 'partial' || (e.status === 'failed' && !!e.row?.noTransaction);
}

export function countProblems(entries: readonly StatusEntry[] | null): StatusBarSummary['counts'] {
  const counts = { pending: 0, failed: 0, partial: 0, drifted: 0, missing: 0 };
  for (const e of entries ?? []) {
    if (isPartial(e)) counts.partial++;
    else if (e.status === 'failed') counts.failed++;
    else if (e.status === 'drifted') counts.drifted++;
    else if (e.status === 'missing') counts.missing++;
    if (e.status === 'pending' || e.status === 'rollback' || e.status === 'failed' || (e.status as string) === 'partial') counts.pending++;
  }
  return counts;
}

const plural = (n: number, word: string) => `${n} ${word}`;

export function statusBarSummary(
  connection: ConnectionInfo,
  entries: readonly StatusEntry[] | null,
  opts: { folder?: string | null; environment?: string | null } = {},
): StatusBarSummary {
  const db = connection.database ?? 'database';
  const where = [opts.folder, opts.environment ? `[${opts.environment}]` : null].filter(Boolean).join(' ');
  const prefix = where ? `${where} · ` : '';
  const counts = countProblems(entries);
  switch (connection.state) {
    case 'connected': {
      const problems: string[] = [];
      if (counts.failed) problems.push(plural(counts.failed, 'failed'));
      if (counts.partial) problems.push(plural(counts.partial, 'partial'));
      if (counts.drifted) problems.push(plural(counts.drifted, 'drifted'));
      if (counts.missing) problems.push(plural(counts.missing, 'missing'));
      const severity = counts.failed || counts.partial ? 'error' : counts.drifted || counts.missing ? 'warning' : null;
      const icon = severity === 'error' ? '$(error)' : severity === 'warning' ? '$(warning)' : '$(database)';
      const text = `${icon} ${prefix}${db} · ${[...problems, `${counts.pending} pending`].join(' · ')}`;
      const tooltip = [
        `Migrate Lens: ${entries?.length ?? 0} migrations, ${counts.pending} pending${problems.length ? `, ${problems.join(', ')}` : ''}`,
        `Database: ${db} (from ${connection.source})`,
        opts.folder ? `Folder: ${opts.folder}` : '',
        opts.environment ? `Environment: ${opts.environment}` : '',
        'Click for actions',
      ].filter(Boolean).join('\n');
      return { text, tooltip, severity, counts };
    }
    case 'error':
      return { text: `$(warning) ${prefix}${db}`, tooltip: `Migrate Lens: cannot read the database\n${connection.error ?? ''}\nClick for actions`, severity: 'warning', counts };
    case 'connecting':
      return {
        text: `$(sync~spin) ${prefix}${db}`,
        tooltip: connection.firstStart ? 'Migrate Lens: starting the embedded database (first time only)…' : 'Migrate Lens: reading migration status…',
        severity: null,
        counts,
      };
    case 'untrusted':
      return { text: `$(shield) ${prefix}Migrations`, tooltip: 'Migrate Lens: database actions need a trusted workspace (Restricted Mode)', severity: null, counts };
    case 'idle':
      return { text: `$(database) ${prefix}Migrations`, tooltip: 'Migrate Lens: open the Migrations view to read the status', severity: null, counts };
  }
}
