import type { LintMigration } from './migration';
import { RULE_IDS } from './rules';

/**
 * `-- migrate-lens-ignore rule-id[, rule-id]` on a statement (the line before it, a line inside it,
 * or after its `;` on the same line) turns those rules off for that statement; in the file's header
 * (before the first `-- +migrate Up` or `Down`), or written `-- migrate-lens-ignore-file`, for the whole file.
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
  // The header ends at the first directive, which may be a Down (sql-migrate takes either order).
  const headerEnd = Math.min(m.up?.directiveOffset ?? text.length, m.down?.directiveOffset ?? text.length);
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
    if (marker === 'migrate-lens-ignore' && offset > headerEnd) {
      span = spanOf(m, offset);
      if (!span) {
        // After the last statement: it silenced the whole file, as if it were in the header.
        const stray = `this migrate-lens-ignore is on no statement: put it on the line before one, or write -- migrate-lens-ignore-file for the whole file`;
        comments.push({ offset, rules: [], span: null, problem: stray });
        continue;
      }
    }
    comments.push({ offset, rules, span, problem });
  }
  // Looked up per finding: by rule for the file, by statement span (found by binary search) otherwise.
  const fileWide = new Set<string>();
  const bySpan = new Map<{ textStart: number; end: number }, Set<string>>();
  for (const c of comments) {
    if (c.span === null) for (const r of c.rules) fileWide.add(r);
    else {
      let rules = bySpan.get(c.span);
      if (!rules) bySpan.set(c.span, (rules = new Set()));
      for (const r of c.rules) rules.add(r);
    }
  }
  return {
    comments,
    isIgnored(rule, offset) {
      if (fileWide.has(rule)) return true;
      if (bySpan.size === 0) return false;
      const span = spanAt(m.statementSpans, offset);
      return span !== null && bySpan.get(span)?.has(rule) === true;
    },
  };
}

/** The statement span holding an offset (spans are in file order and do not overlap), or null. */
function spanAt(spans: LintMigration['statementSpans'], offset: number): LintMigration['statementSpans'][number] | null {
  let lo = 0;
  let hi = spans.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid].textStart <= offset) (found = mid), (lo = mid + 1);
    else hi = mid - 1;
  }
  return found !== -1 && offset <= spans[found].end ? spans[found] : null;
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
    if (!RULE_IDS.has(w)) break;
    ids.push(w);
  }
  return ids;
}

/** The statement an ignore comment belongs to: one ending earlier on the same line, else the next. */
function spanOf(m: LintMigration, offset: number): IgnoreComment['span'] {
  const lineStart = m.text.lastIndexOf('\n', offset - 1) + 1;
  const spans = m.statementSpans;
  // The first span ending after the comment (binary search: spans are in file order).
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid].end <= offset) lo = mid + 1;
    else hi = mid;
  }
  const previous = lo > 0 ? spans[lo - 1] : null;
  if (previous && previous.end >= lineStart) return previous;
  return lo < spans.length ? spans[lo] : null;
}

/** A `--` inside a string literal is not a comment: only text that is no statement's code counts. */
function insideCode(m: LintMigration, offset: number): boolean {
  // Statement text runs from its first comment to its last code character; a comment inside it is
  // still a comment unless a quote opens before it on its line and closes after it.
  const lineStart = m.text.lastIndexOf('\n', offset - 1) + 1;
  const before = m.text.slice(lineStart, offset);
  return (before.split("'").length - 1) % 2 === 1;
}
