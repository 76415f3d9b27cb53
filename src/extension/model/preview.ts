// "Preview SQL": the statements the engine would send (its dry run), as a read-only document
// that says the transaction mode and where each statement sits in the file.
import { sentAround, terminated } from '../../engine/dry-run';
import type { RunResult } from '../../engine/types';

export interface PreviewHeader {
  direction: 'up' | 'down';
  /** `20240101000001_initial_tables.sql`, or `… (stored copy)` for a missing file. */
  fileLabel: string;
  database: string;
}

/** The document text for a dry run's plan. */
export function previewText(result: RunResult, header: PreviewHeader): string {
  const out = [
    `-- Preview (${header.direction === 'up' ? 'Up' : 'Down'}) of ${header.fileLabel}`,
    `-- Database: ${header.database}`,
    '-- Nothing has run: these are the statements the engine would send, in order (its dry run).',
  ];
  if (result.planned.length === 0) {
    out.push('', `-- nothing to do: the ${header.direction === 'up' ? 'migration is not pending' : 'migration is not applied'}`);
    return out.join('\n') + '\n';
  }
  for (const p of result.planned) {
    out.push('');
    if (result.planned.length > 1) out.push(`-- ${p.direction} ${p.version}_${p.name}`);
    const { before, after } = sentAround(p);
    out.push(
      p.noTransaction
        ? '-- Transaction: none (notransaction): each statement commits on its own; a failure leaves the ones before it applied.'
        : p.ownTransactions
          ? '-- Transaction: the file opens and closes its own; it runs as written, statement by statement, without one around it.'
          : '-- Transaction: one transaction around every statement below and the history record; a failure rolls all of it back.',
    );
    if (p.statements.length === 0) out.push('-- (no statements: only the history record changes)');
    out.push(...before);
    for (const s of p.statements) out.push('', `-- file line ${s.line}`, terminated(s.sql.trim()));
    if (after.length) out.push('', ...after);
  }
  return out.join('\n') + '\n';
}
