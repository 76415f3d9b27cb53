// What each `-- +migrate` directive means, for hovers. Keyed by the parser's DIRECTIVES (and its
// GOOSE_DIRECTIVES for goose's `-- +goose` lines, which the parser reads as their equivalents).
import { DIRECTIVES, GOOSE_DIRECTIVES, type Directive, type GooseDirective } from '../../engine/parser';

export const DIRECTIVE_DOCS: Record<Directive, string> = {
  Up: 'Starts the **Up** section: the statements `up` applies. Required. Add `notransaction` to run them outside a transaction. As in sql-migrate, a second `-- +migrate Up` adds to the same section (run in file order; `notransaction` on either covers all of it).',
  Down: 'Starts the **Down** section: the statements that undo the Up section, run by `down`. Optional; without it the migration cannot be rolled back. As in sql-migrate, it may come before the Up, and a second `-- +migrate Down` adds to the same section.',
  StatementBegin: 'Everything up to `-- +migrate StatementEnd` is **one statement**, sent as written (functions, `DO` blocks). Needed only for compatibility: the splitter already understands `$$` bodies.',
  StatementEnd: 'Closes the block opened by `-- +migrate StatementBegin`.',
  notransaction: 'Runs this section **without a transaction**, statement by statement (e.g. `CREATE INDEX CONCURRENTLY`). A failure leaves the statements before it applied; the history says which statement broke.',
};

export const GOOSE_DIRECTIVE_DOCS: Record<GooseDirective, string> = {
  Up: "goose's form of `-- +migrate Up`: starts the **Up** section, the statements `up` applies. Required, and it comes first.",
  Down: "goose's form of `-- +migrate Down`: starts the **Down** section, the statements that undo the Up section, run by `down`. Optional.",
  StatementBegin: "goose's form of `-- +migrate StatementBegin`: everything up to `-- +goose StatementEnd` is **one statement**, sent as written (functions, `DO` blocks).",
  StatementEnd: 'Closes the block opened by `-- +goose StatementBegin`.',
  'NO TRANSACTION': "Runs the **whole file** (Up and Down) without a transaction, statement by statement, as goose does (e.g. `CREATE INDEX CONCURRENTLY`); `notransaction` after `-- +migrate Up` is the per-section form. A failure leaves the statements before it applied; the history says which statement broke.",
};

const LINE = /^[ \t]*--[ \t]*\+migrate[ \t]+(\S+)/i;
const GOOSE_LINE = /^([ \t]*--[ \t]*\+goose[ \t]+)(\S+(?:[ \t]+\S+)*)/i;

/** The directive a line starts with and its column range, if the line is a directive line. */
export function directiveAt(line: string): { directive: Directive | null; word: string; start: number; end: number } | null {
  const m = LINE.exec(line);
  if (!m) return null;
  const word = m[1];
  const start = m[0].length - word.length;
  const directive = DIRECTIVES.find((d) => d.toLowerCase() === word.toLowerCase()) ?? null;
  return { directive, word, start, end: start + word.length };
}

/** The goose directive a `-- +goose` line holds (NO TRANSACTION is two words) and its column range. */
export function gooseDirectiveAt(line: string): { directive: GooseDirective | null; word: string; start: number; end: number } | null {
  const m = GOOSE_LINE.exec(line);
  if (!m) return null;
  const words = m[2];
  const start = m[1].length;
  const phrase = words.split(/[ \t]+/).join(' ').toLowerCase();
  const two = GOOSE_DIRECTIVES.find((d) => d.toLowerCase() === phrase);
  if (two) return { directive: two, word: words, start, end: start + words.length };
  const word = words.split(/[ \t]+/)[0];
  const directive = GOOSE_DIRECTIVES.find((d) => d.toLowerCase() === word.toLowerCase()) ?? null;
  return { directive, word, start, end: start + word.length };
}

/** The columns a hover covers on a directive line of either form. */
export function directiveRange(line: string): { start: number; end: number } | null {
  return directiveAt(line) ?? gooseDirectiveAt(line);
}

/** Markdown for a hover on a directive line (an unknown word lists the known ones). */
export function directiveHover(line: string): string | null {
  const goose = gooseDirectiveAt(line);
  if (goose) {
    if (goose.directive) return `**-- +goose ${goose.directive}** — ${GOOSE_DIRECTIVE_DOCS[goose.directive]}`;
    if (/^envsub$/i.test(goose.word)) return "goose's `ENVSUB` is not supported: migrate-lens runs the SQL as written; put the values in the file.";
    return `\`${goose.word}\` is not a goose directive. Known: ${GOOSE_DIRECTIVES.map((d) => `\`${d}\``).join(', ')}.`;
  }
  const at = directiveAt(line);
  if (!at) return null;
  if (!at.directive) return `\`${at.word}\` is not a directive. Known: ${DIRECTIVES.map((d) => `\`${d}\``).join(', ')}.`;
  let text = `**-- +migrate ${at.directive}** — ${DIRECTIVE_DOCS[at.directive]}`;
  if (/[ \t]notransaction\b/i.test(line.slice(at.end)) && (at.directive === 'Up' || at.directive === 'Down')) {
    text += `\n\n**notransaction** — ${DIRECTIVE_DOCS.notransaction}`;
  }
  return text;
}
