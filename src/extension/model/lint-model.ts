// Lint findings as plain editor data: ranges (0-based line and UTF-16 character) and quick-fix
// edits. Offsets of the linter point into the file's LF-normalised text without a BOM; lines and
// characters are the same in the editor's buffer whatever its line endings.
import { lineStarts, utf16Position } from '../../engine/lines';
import type { Finding } from '../../lint/lint';

export const LINT_SOURCE = 'migrate-lens lint';

export interface Place {
  line: number;
  character: number;
}

export interface LintDiagnosticSpec {
  start: Place;
  end: Place;
  message: string;
  severity: 'error' | 'warning';
  /** The rule id (or syntax-error). */
  code: string;
  /** The finding's quick fix, as edits on the buffer. */
  fix?: { title: string; edits: { start: Place; end: Place; text: string }[] };
}

/**
 * One diagnostic per finding, from where the finding points to the end of its statement on that
 * line (a syntax error: to the end of its line). `file-format` findings are left out: the
 * migrations folder's own diagnostics already report a file that does not parse.
 */
export function lintDiagnostics(findings: readonly Finding[], normalisedText: string): LintDiagnosticSpec[] {
  const starts = lineStarts(normalisedText);
  const out: LintDiagnosticSpec[] = [];
  for (const f of findings) {
    if (f.rule === 'file-format') continue;
    const start = utf16Position(starts, f.offset);
    const nl = normalisedText.indexOf('\n', f.offset);
    const lineEnd = nl === -1 ? normalisedText.length : nl;
    const endOffset = f.end > f.offset ? Math.min(f.end, lineEnd) : lineEnd;
    const spec: LintDiagnosticSpec = { start, end: utf16Position(starts, Math.max(endOffset, f.offset)), message: f.message, severity: f.severity, code: f.rule };
    if (f.fix) {
      spec.fix = {
        title: f.fix.title,
        edits: f.fix.edits.map((e) => ({ start: utf16Position(starts, e.offset), end: utf16Position(starts, e.offset + e.length), text: e.text })),
      };
    }
    out.push(spec);
  }
  return out;
}
