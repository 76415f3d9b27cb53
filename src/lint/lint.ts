import { DEFAULT_DDL_LOCK_TIMEOUT_MS } from '../engine/config';
import { codePointPosition, lineStarts } from '../engine/lines';
import { readIgnores } from './ignore';
import { readMigration, type LintMigration, type ParseCache } from './migration';
import { loadPgParser } from './pg-parser';
import type { Fix, Report, Rule, RuleContext, Severity } from './rule';
import { RULE_IDS, RULES } from './rules';

/** Findings that are not rules: they cannot be turned off, since nothing else can be checked. */
export const BUILTIN_FINDINGS = {
  'syntax-error': 'a statement PostgreSQL\'s grammar rejects (it would fail at run time)',
  'file-format': 'a file that is not a valid sql-migrate migration (unknown directive, unterminated string, …)',
  'unknown-rule': 'a migrate-lens-ignore comment that names no rule, or is on no statement',
} as const;

export type RuleSetting = Severity | 'off';

export interface LintOptions {
  /** `lint.rules` of the config: a severity per rule id, or off. */
  rules?: Record<string, RuleSetting>;
  /** The run's lock_timeout for DDL in ms (0: none; default: the runner's default); missing-lock-timeout reads it. */
  ddlLockTimeoutMs?: number;
  /** Parse results kept between runs over one document (an editor keeps one per open file). */
  parseCache?: ParseCache;
}

export interface Finding {
  file: string;
  /** 1-based line and column of the finding in the file; the column counts code points (an emoji is one). */
  line: number;
  column: number;
  severity: Severity;
  rule: string;
  message: string;
  /** Offset in the LF-normalised text, and the end of the statement it is about. */
  offset: number;
  end: number;
  fix?: Fix;
}

export { loadPgParser };

/** Lints one migration's text. The SQL parser must be loaded first (`await loadPgParser()`). */
export function lintText(text: string, file: string, options: LintOptions = {}): Finding[] {
  const m = readMigration(text, file, options.parseCache);
  return lintMigration(m, options);
}

/** Loads the parser if needed, then lints. */
export async function lintTextAsync(text: string, file: string, options: LintOptions = {}): Promise<Finding[]> {
  await loadPgParser();
  return lintText(text, file, options);
}

export function lintMigration(m: LintMigration, options: LintOptions = {}): Finding[] {
  const lines = lineStarts(m.text);
  const findings: Finding[] = [];
  const add = (offset: number, end: number, severity: Severity, rule: string, message: string, fix?: Fix) => {
    const { line, column } = codePointPosition(m.text, lines, offset);
    findings.push({ file: m.file, line, column, severity, rule, message, offset, end, fix });
  };
  if (m.formatError) {
    const offset = m.formatError.offset ?? lines[m.formatError.line - 1] ?? 0;
    add(offset, offset, 'error', 'file-format', m.formatError.message);
    return findings;
  }
  for (const e of m.syntaxErrors) add(e.offset, e.offset, 'error', 'syntax-error', e.message);

  const ignores = readIgnores(m);
  for (const c of ignores.comments) {
    if (c.problem) add(c.offset, c.offset, 'warning', 'unknown-rule', c.problem);
    for (const id of c.rules) {
      if (!RULE_IDS.has(id) && !(id in BUILTIN_FINDINGS)) add(c.offset, c.offset, 'warning', 'unknown-rule', `migrate-lens-ignore names no rule "${id}"`);
    }
  }
  const settings = options.rules ?? {};
  for (const rule of RULES) {
    const setting = settings[rule.meta.id] ?? rule.meta.severity;
    if (setting === 'off') continue;
    const report = (r: Report) => {
      const offset = r.offset ?? r.statement.offset;
      if (ignores.isIgnored(rule.meta.id, offset) || ignores.isIgnored(rule.meta.id, r.statement.offset)) return;
      add(offset, r.end ?? r.statement.end, setting, rule.meta.id, r.message, r.fix);
    };
    runRule(rule, m, { migration: m, ddlLockTimeoutMs: options.ddlLockTimeoutMs ?? DEFAULT_DDL_LOCK_TIMEOUT_MS, report });
  }
  findings.sort((a, b) => a.offset - b.offset || a.rule.localeCompare(b.rule));
  return findings;
}

function runRule(rule: Rule, m: LintMigration, ctx: RuleContext): void {
  for (const name of rule.meta.sections) {
    const section = name === 'up' ? m.up : m.down;
    for (const stmt of section?.statements ?? []) rule.check(stmt, ctx);
  }
  rule.checkMigration?.(ctx);
}

/** Applies a fix's edits to the LF-normalised text (for tests and a future --fix). */
export function applyFix(text: string, fix: Fix): string {
  let out = text;
  for (const e of [...fix.edits].sort((a, b) => b.offset - a.offset)) out = out.slice(0, e.offset) + e.text + out.slice(e.offset + e.length);
  return out;
}
