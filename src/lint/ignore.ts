import type { LintMigration } from './migration';

/**
 * `-- migrate-lens-ignore rule-id[, rule-id]` on a statement (the line before it, a line inside it,
 * or after its `;` on the same line) turns those rules off for that statement; in the file's header
 * (before `-- +migrate Up`), or written `-- migrate-lens-ignore-file`, for the whole file.
 * sql-migrate and PostgreSQL read it as a comment.
 */
const IGNORE = /--[ \t]*migrate-lens-ignore(-file)?(?=[ \t]|$)([^\n]*)/g;

export interface IgnoreComment {
  offset: number;
  rules: string[];
  /** The statement span it applies to, or null for the whole file. */
  span: { textStart: number; end: number } | null;
}

export interface Ignores {
  comments: IgnoreComment[];
  isIgnored(rule: string, offset: number): boolean;
}

export function readIgnores(m: LintMigration): Ignores {
  const comments: IgnoreComment[] = [];
  const { text } = m;
  const upStart = m.up?.directiveOffset ?? text.length;
  for (const match of text.matchAll(IGNORE)) {
    const offset = match.index!;
    if (insideCode(m, offset)) continue;
    const rules = match[2]
      .split(',')
      .map((r) => r.trim().split(/\s+/)[0] ?? '')
      .filter(Boolean);
    let span: IgnoreComment['span'] = null;
    if (!match[1] && offset > upStart) span = spanOf(m, offset);
    comments.push({ offset, rules, span });
  }
  return {
    comments,
    isIgnored(rule, offset) {
      return comments.some(
        (c) => c.rules.includes(rule) && (c.span === null || (offset >= c.span.textStart && offset <= c.span.end)),
      );
    },
  };
}

/** The statement an ignore comment belongs to: one ending earlier on the same line, else the next. */
function spanOf(m: LintMigration, offset: number): IgnoreComment['span'] {
  const lineStart = m.text.lastIndexOf('\n', offset - 1) + 1;
  let previous: IgnoreComment['span'] = null;
  for (const s of m.statementSpans) {
    if (s.end <= offset) {
      previous = s;
      continue;
    }
    if (previous && previous.end >= lineStart) return previous;
    return s;
  }
  return previous && previous.end >= lineStart ? previous : null;
}

/** A `--` inside a string literal is not a comment: only text that is no statement's code counts. */
function insideCode(m: LintMigration, offset: number): boolean {
  // Statement text runs from its first comment to its last code character; a comment inside it is
  // still a comment unless a quote opens before it on its line and closes after it.
  const lineStart = m.text.lastIndexOf('\n', offset - 1) + 1;
  const before = m.text.slice(lineStart, offset);
  return (before.split("'").length - 1) % 2 === 1;
}
