// What each `-- +migrate` directive means, for hovers. Keyed by the parser's DIRECTIVES.
import { DIRECTIVES, type Directive } from '../../engine/parser';

export const DIRECTIVE_DOCS: Record<Directive, string> = {
  Up: 'Starts the **Up** section: the statements `up` applies. Required, and it comes first. Add `notransaction` to run them outside a transaction.',
  Down: 'Starts the **Down** section: the statements that undo the Up section, run by `down`. Optional; without it the migration cannot be rolled back.',
  StatementBegin: 'Everything up to `-- +migrate StatementEnd` is **one statement**, sent as written (functions, `DO` blocks). Needed only for compatibility: the splitter already understands `$$` bodies.',
  StatementEnd: 'Closes the block opened by `-- +migrate StatementBegin`.',
  notransaction: 'Runs this section **without a transaction**, statement by statement (e.g. `CREATE INDEX CONCURRENTLY`). A failure leaves the statements before it applied; the history says which statement broke.',
};

const LINE = /^[ \t]*--[ \t]*\+migrate[ \t]+(\S+)/i;

/** The directive a line starts with and its column range, if the line is a directive line. */
export function directiveAt(line: string): { directive: Directive | null; word: string; start: number; end: number } | null {
  const m = LINE.exec(line);
  if (!m) return null;
  const word = m[1];
  const start = m[0].length - word.length;
  const directive = DIRECTIVES.find((d) => d.toLowerCase() === word.toLowerCase()) ?? null;
  return { directive, word, start, end: start + word.length };
}

/** Markdown for a hover on a directive line (an unknown word lists the known ones). */
export function directiveHover(line: string): string | null {
  const at = directiveAt(line);
  if (!at) return null;
  if (!at.directive) return `\`${at.word}\` is not a directive. Known: ${DIRECTIVES.map((d) => `\`${d}\``).join(', ')}.`;
  let text = `**-- +migrate ${at.directive}** — ${DIRECTIVE_DOCS[at.directive]}`;
  if (/[ \t]notransaction\b/i.test(line.slice(at.end)) && (at.directive === 'Up' || at.directive === 'Down')) {
    text += `\n\n**notransaction** — ${DIRECTIVE_DOCS.notransaction}`;
  }
  return text;
}
