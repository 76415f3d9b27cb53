/**
 * Builds a vscode-tmgrammar-test file from the parser's directive list, so a directive added to
 * the parser is checked against the grammar without anyone remembering to write a case for it.
 */

/** The scope each directive word must get; a directive missing here fails the test on purpose. */
export const DIRECTIVE_SCOPES: Record<string, string> = {
  up: 'keyword.control.section.migrate-lens',
  down: 'keyword.control.section.migrate-lens',
  statementbegin: 'support.function.statement-block.migrate-lens',
  statementend: 'support.function.statement-block.migrate-lens',
  notransaction: 'storage.modifier.notransaction.migrate-lens',
  'no transaction': 'storage.modifier.notransaction.migrate-lens',
};

const INVALID = 'invalid.illegal.unknown-directive.migrate-lens';
const SECTIONS = new Set(['up', 'down']);

function scopeOf(directive: string): string {
  const scope = DIRECTIVE_SCOPES[directive.toLowerCase()];
  if (!scope) throw new Error(`no expected scope for directive "${directive}"; add it to the grammar and to DIRECTIVE_SCOPES`);
  return scope;
}

/** A source line followed by an assertion marking `length` characters at `column` with `scope`. */
function caseLine(source: string, column: number, length: number, scope: string): string {
  if (column < 3) throw new Error('assertions start after "-- "');
  return `${source}\n--${' '.repeat(column - 2)}${'^'.repeat(length)} ${scope}`;
}

export function directiveCases(directives: readonly string[], header = 'generated from DIRECTIVES', tool: 'migrate' | 'goose' = 'migrate'): string {
  const lines = [`-- SYNTAX TEST "source.sql" "${header}"`];
  const prefix = `-- +${tool} `;
  for (const directive of directives) {
    const scope = scopeOf(directive);
    for (const word of new Set([directive, directive.toLowerCase(), directive.toUpperCase()])) {
      lines.push(caseLine(prefix + word, prefix.length, word.length, scope));
      // A word with a letter glued to its end, or to +tool: only the touched word is flagged.
      const last = word.lastIndexOf(' ') + 1;
      lines.push(caseLine(`${prefix}${word}x`, prefix.length + last, word.length - last + 1, INVALID));
      const first = word.includes(' ') ? word.indexOf(' ') : word.length;
      lines.push(caseLine(`-- +${tool}${word}`, `-- +${tool}`.length, first, INVALID));
      const extra = 'extra';
      lines.push(caseLine(`${prefix}${word} ${extra}`, prefix.length + word.length + 1, extra.length, INVALID));
      if (tool === 'goose' && SECTIONS.has(directive.toLowerCase())) {
        // goose has no per-section option: notransaction after Up is an unknown word there.
        lines.push(caseLine(`${prefix}${word} notransaction`, prefix.length + word.length + 1, 'notransaction'.length, INVALID));
      }
      if (tool === 'migrate' && SECTIONS.has(directive.toLowerCase())) {
        lines.push(caseLine(`${prefix}${word} notransaction`, prefix.length + word.length + 1, 'notransaction'.length, DIRECTIVE_SCOPES.notransaction));
      }
    }
  }
  return lines.join('\n') + '\n';
}

/** Every word list the grammar's `+migrate` (or `+goose`) rules accept, e.g. ["Up", "Down", …]. */
export function grammarDirectiveWords(grammar: { repository: Record<string, { begin?: string; match?: string }> }, tool: 'migrate' | 'goose' = 'migrate'): string[] {
  const words: string[] = [];
  for (const rule of Object.values(grammar.repository)) {
    const pattern = (rule.begin ?? rule.match ?? '').split('[ \\t]+').join(' ');
    if (!pattern.includes(`\\+${tool}`)) continue;
    for (const m of pattern.matchAll(/\(\?i:\(([A-Za-z ]+(?:\|[A-Za-z ]+)*)\)\)/g)) words.push(...m[1].split('|'));
  }
  return words;
}
