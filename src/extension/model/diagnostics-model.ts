// Problems for the Problems panel, as plain data: file problems plus what the database knows
// (drift, failures) about each file.
import type { StatusEntry } from '../../engine/types';
import { formatDateTime } from './format';
import type { FileProblem, FolderModel } from './migration-files';

export type DiagnosticCode = FileProblem['code'] | 'drift' | 'failed' | 'version-warning';

export interface DiagnosticSpec {
  /** 0-based. */
  line: number;
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
        line: upLine,
        message: `modified after it was applied${when}; restore the file or run "Migrate Lens: Accept Changed File"`,
        severity: 'warning',
        code: 'drift',
      });
    }
    if (row?.error && (e.status === 'failed' || e.status === 'applied' || e.status === 'drifted')) {
      const line = row.errorLine ? row.errorLine - 1 : upLine;
      const what = e.status === 'failed' ? 'migration failed' : 'last rollback failed';
      list.push({ line, message: `${what}: ${row.error.replace(/^down failed: /, '')}`, severity: 'error', code: 'failed' });
    }
  }
  return out;
}
