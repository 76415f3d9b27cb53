import type { LintMigration } from './migration';
import { RULES } from './rules';

const KNOWN = new Set(RULES.map((r) => r.meta.id));

/**
 * `-- migrate-lens-ignore rule-id[, rule-id]` on a statement (the line before it, a line inside it,
 * or after its `;` on the same line) turns those rules off for that statement; in the file's header
 * (before `-- +migrate Up`), or written `-- migrate-lens-ignore-file`, for the whole file.
 * sql-migrate and PostgreSQL read it as a comment.
 */
const IGNORE = /--[ \t]*(migrate-lens-ignore[^\s:,]*)(:?)([^\n]*)/g;

export interface IgnoreComment {
  offset: number;
  rules: string[];
  /** The statement span it applies to, or null for the whole file. */
  span: { textStart: number; end: number } | null;
  /** Why the comment ignores nothing (no rule id, a misspelt marker), or null. */
  problem: string | null;
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
    const marker = match[1];
    if (marker !== 'migrate-lens-ignore' && marker !== 'migrate-lens-ignore-file') {
      const problem = `"${marker}" is not a migrate-lens comment: write -- migrate-lens-ignore rule-id (or -- migrate-lens-ignore-file rule-id)`;
      comments.push({ offset, rules: [], span: null, problem });
      continue;
    }
    const rules = match[3].split(',').flatMap(ruleIds);
    const problem = rules.length ? null : `${marker} names no rule: write -- ${marker} rule-id[, rule-id]`;
    let span: IgnoreComment['span'] = null;
    if (marker === 'migrate-lens-ignore' && offset > upStart) span = spanOf(m, offset);
    comments.push({ offset, rules, span, problem });
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

/**
 * The rule ids of one comma-separated part: its first word, and the words after it while they are
 * rule ids too (`drop-column drop-table`); the rest is the reason, free text.
 */
function ruleIds(part: string): string[] {
  const words = part.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  const ids = [words[0]];
  for (const w of words.slice(1)) {
    if (!KNOWN.has(w)) break;
    ids.push(w);
  }
  return ids;
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
