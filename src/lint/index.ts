// The migration linter: PostgreSQL's grammar (libpg_query, WebAssembly, loaded on first use) plus
// what migrate-lens knows about each file: its sections, their transaction mode, what it created.
export { applyFix, BUILTIN_FINDINGS, lintMigration, lintText, lintTextAsync, type Finding, type LintOptions, type RuleSetting } from './lint';
export { lintFiles, migrationFilesIn } from './files';
export { readLintRules, parseLintRules } from './config';
export { loadPgParser, pgParserLoaded } from './pg-parser';
export { formatFindings, type LintFormat } from './format';
export { RULES } from './rules';
export { ParseCache } from './migration';
export type { Rule, RuleMeta, Severity, Fix, Edit } from './rule';
