// Problems for the Problems panel, as plain data: file problems plus what the database knows
// (drift, failures) about each file.
import type { StatusEntry } from '../../engine/types';
import { formatDateTime } from './format';
import type { FileProblem, FolderModel } from './migration-files';

export type DiagnosticCode = FileProblem['code'] | 'drift' | 'failed' | 'version-warning';

export interface DiagnosticSpec {
  /** 0-based. */
  line: number;
  /** 0-based last line (a failing statement spans all its lines); the same as `line` when absent. */
  endLine?: number;
  message: string;
  severity: 'error' | 'warning';
  code: DiagnosticCode;
}

export const DIAGNOSTIC_SOURCE = 'migrate-lens';

/** Diagnostics per file path. Every file of the folder gets an entry (empty clears old ones). */
export function diagnosticsFor(folder: FolderModel, entries: readonly StatusEntry[] | null, freshEmpty: (path: string) => boolean = () => false): Map<string, DiagnosticSpec[]> {
  const out = new Map<string, DiagnosticSpec[]>();
  for (const f of folder.files) {
    if (freshEmpty(f.path)) {
      out.set(f.path, []);
      continue;
    }
    const list: DiagnosticSpec[] = f.problems.map((p) => ({ line: Math.max(0, p.line - 1), message: p.message, severity: 'error', code: p.code }));
    if (f.migration?.warning) list.push({ line: 0, message: f.migration.warning, severity: 'warning', code: 'version-warning' });
    out.set(f.path, list);
  }
  for (const e of entries ?? []) {
    const path = e.migration?.path;
    if (!path || !out.has(path)) continue;
    const list = out.get(path)!;
    const upLine = (e.migration?.parsed?.up.line ?? 1) - 1;
    const row = e.row;
    if (e.status === 'drifted') {
      const when = row?.appliedAt ? ` on ${formatDateTime(row.appliedAt)}` : '';
      list.push({
        // On the first line that differs from the text stored when it was applied (once that is loaded).
        line: row?.script && e.migration?.text !== undefined ? firstChangedLine(row.script, e.migration.text) : upLine,
        message: `modified after it was applied${when}; restore the file or run "Migrate Lens: Accept Changed File"`,
        severity: 'warning',
        code: 'drift',
      });
    }
    if (row?.error && (e.status === 'failed' || e.status === 'applied' || e.status === 'drifted' || e.status === 'partial')) {
      const line = row.errorLine ? row.errorLine - 1 : upLine;
      const up = e.status === 'failed' || (e.status === 'partial' && row.progress?.direction !== 'down');
      const what = e.status === 'partial' ? 'stopped part-way' : e.status === 'failed' ? 'migration failed' : 'last rollback failed';
      const section = up ? e.migration?.parsed?.up : e.migration?.parsed?.down;
      const statement = row.errorLine ? section?.statements.find((st) => st.line === row.errorLine) : undefined;
      const endLine = statement ? statementEndLine(statement) : line;
      list.push({ line, endLine, message: `${what}: ${row.error.replace(/^down failed: /, '')}`, severity: 'error', code: 'failed' });
    }
  }
  return out;
}

/** 0-based last line of a statement whose code starts on `line` (its text may begin with comments). */
export function statementEndLine(statement: { sql: string; line: number }): number {
  const lines = statement.sql.replace(/\s+$/, '').split('\n');
  const codeStart = Math.max(0, lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('--')));
  return statement.line - 1 + (lines.length - 1 - codeStart);
}

/** 0-based first line where `now` differs from `stored` (both LF-normalised). */
export function firstChangedLine(stored: string, now: string): number {
  const a = stored.split('\n');
  const b = now.split('\n');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  // Only trailing lines added: the first added one that has text, else the last line.
  if (i >= a.length || i >= b.length) {
    while (i < b.length - 1 && b[i].trim() === '') i++;
    return Math.min(i, Math.max(0, b.length - 1));
  }
  return i;
}
