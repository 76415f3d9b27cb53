// verify's failure in words, the same in the terminal and in the editor.
import type { SchemaDifference } from './diff';
import type { VerifyFailure } from './verify';

/** At most this many differences are listed; the rest are counted. */
const SHOWN = 20;

/** The differences, one per line, each starting with `indent`. */
export function verifyDifferencesText(differences: SchemaDifference[], indent = '  '): string {
  const lines = differences.slice(0, SHOWN).map((d) => `${indent}${d.message}`);
  if (differences.length > SHOWN) lines.push(`${indent}... and ${differences.length - SHOWN} more`);
  return lines.join('\n');
}

/**
 * The failure as a headline (`file:line: ...`) and, for a schema that differs, one line per
 * difference. `file` turns a migration's absolute path into what to show (relative to the project).
 */
export function verifyFailureText(failure: VerifyFailure, file: (path: string) => string = (p) => p): string {
  if (failure.kind === 'reapply') {
    return `after every Down and every Up again, the schema differs from the one the first Ups built (an Up that does not build the same schema twice):\n${verifyDifferencesText(failure.differences)}`;
  }
  const label = `${failure.version}_${failure.name}`;
  const where = failure.file ? `${file(failure.file)}${failure.line ? `:${failure.line}` : ''}` : `code migration ${label}`;
  switch (failure.kind) {
    case 'schema':
      return `${where}: the Down of ${label} does not restore the schema its Up started from:\n${verifyDifferencesText(failure.differences)}`;
    case 'no-down':
      return `${where}: migration ${label} has no Down, so verify cannot roll it back, nor any migration before it; add a -- +migrate Down section (or a down() to the code migration)`;
    case 'unsupported':
      return `${where}: the embedded PGlite cannot run migration ${label}: ${failure.message}; run verify on a PostgreSQL server that has ${failure.extension ? `"${failure.extension}"` : 'it'}, with --database URL`;
    case 'error': {
      const what = failure.phase === 'reapply' ? 'Up, applied again after every Down,' : failure.phase === 'up' ? 'Up' : 'Down';
      return `${where}: the ${what} of ${label} failed: ${failure.message}`;
    }
  }
}
