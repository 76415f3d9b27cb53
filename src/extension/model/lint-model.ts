// Lint findings as plain editor data: ranges (0-based line and UTF-16 character) and quick-fix
// edits. Offsets of the linter point into the file's LF-normalised text without a BOM; lines and
// characters are the same in the editor's buffer whatever its line endings.
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

/** Where each line starts in a text. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export function placeOf(starts: readonly number[], offset: number): Place {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - starts[lo] };
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
    const start = placeOf(starts, f.offset);
    const nl = normalisedText.indexOf('\n', f.offset);
    const lineEnd = nl === -1 ? normalisedText.length : nl;
    const endOffset = f.end > f.offset ? Math.min(f.end, lineEnd) : lineEnd;
    const spec: LintDiagnosticSpec = { start, end: placeOf(starts, Math.max(endOffset, f.offset)), message: f.message, severity: f.severity, code: f.rule };
    if (f.fix) {
      spec.fix = {
        title: f.fix.title,
        edits: f.fix.edits.map((e) => ({ start: placeOf(starts, e.offset), end: placeOf(starts, e.offset + e.length), text: e.text })),
      };
    }
    out.push(spec);
  }
  return out;
}
