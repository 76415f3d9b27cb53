// verify's result for the editor, as plain data: where the diagnostic goes, what it says, and the
// one line of the notification.
import type { VerifyResult } from '../../engine/verify/verify';
import { verifyDifferencesText, verifyFailureText } from '../../engine/verify/text';

export interface VerifyDiagnosticSpec {
  /** Absolute path of the migration file. */
  path: string;
  /** 0-based: the `-- +migrate Down` line (or the failing statement's; 0 when unknown). */
  line: number;
  message: string;
}

/** The diagnostic for a failed verify, when the failure is in a file (not a code migration, not the second Up pass). */
export function verifyDiagnostic(result: VerifyResult): VerifyDiagnosticSpec | null {
  const f = result.failure;
  if (!f || f.kind === 'reapply' || !f.file) return null;
  const line = Math.max(0, (f.line ?? 1) - 1);
  if (f.kind === 'schema') return { path: f.file, line, message: `This Down does not restore the schema its Up started from:\n${verifyDifferencesText(f.differences, '')}` };
  // The headline without its "file:line: " (the Problems panel shows where).
  const text = verifyFailureText(f, () => '');
  return { path: f.file, line, message: text.replace(/^:\d+: |^: /, '') };
}

/** The notification's text: the outcome in one sentence. */
export function verifySummary(result: VerifyResult, relative: (path: string) => string): string {
  if (result.cancelled) return `Verify cancelled after ${result.verified} Down${result.verified === 1 ? '' : 's'}.`;
  if (!result.failure) {
    return result.migrations === 0
      ? 'Verify: no migrations to verify.'
      : `Verify passed: every Down restores the schema its Up started from (${result.migrations} migration${result.migrations === 1 ? '' : 's'}).`;
  }
  const f = result.failure;
  if (f.kind === 'schema') {
    const first = f.differences[0]?.message ?? '';
    const more = f.differences.length > 1 ? ` (and ${f.differences.length - 1} more)` : '';
    return `Verify failed: the Down of ${f.file ? relative(f.file) : `${f.version}_${f.name}`} does not restore the schema: ${first}${more}.`;
  }
  return `Verify failed: ${verifyFailureText(f, relative).split('\n')[0]}`;
}
