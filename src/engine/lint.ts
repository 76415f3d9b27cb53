// The linter as part of the library: files or a folder in, findings out. The linter itself
// (src/lint, with PostgreSQL's grammar in WebAssembly) loads on the first call only.
import { isAbsolute, resolve } from 'node:path';
import { resolveSettings } from './config';

/** How a rule's findings count: `error` fails the CLI's run, `warning` only with `--strict`. */
export type LintSeverity = 'error' | 'warning';

/** One problem the linter found: where it is (1-based line, and column in code points: an emoji is one), which rule, what to do. */
export interface LintFinding {
  /** The file as it was given (a folder's files: the folder joined with the file name). */
  file: string;
  line: number;
  column: number;
  severity: LintSeverity;
  /** A rule id of README "Lint rules", or `syntax-error`, `file-format`, `unknown-rule`. */
  rule: string;
  message: string;
}

/** Options of {@link lint}. */
export interface LintOptions {
  /** Folder that relative paths and the config file are read from. Default `process.cwd()`. */
  cwd?: string;
  /** Environment for `${VAR}` in the config file. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Config file (the CLI's `-config`), relative to `cwd`; it must exist. Default: `config.yaml` in `cwd` when present. */
  configFile?: string;
  /** A severity per rule id, or `off`; wins over the config file's `lint.rules`. */
  rules?: Record<string, LintSeverity | 'off'>;
  /**
   * The `lock_timeout` the run sets for DDL, ms (0: none): `missing-lock-timeout` reports only when it
   * is 0. Default: the config file's `migrations.ddl_lock_timeout`, else 5 s (what `up` uses).
   */
  ddlLockTimeoutMs?: number;
}

/**
 * Lints migrations like `migrate-lens lint`: PostgreSQL's own grammar and the rules of README
 * "Lint rules", knowing each file's sections and transaction mode.
 *
 * @param target A migrations folder (its `.sql` files, sorted), or a list of files; relative to
 *   `options.cwd`. Default: the migrations folder of the settings (`config.yaml`, else `migrations`).
 * @returns The findings of every file, in file order. A file that cannot be read rejects the promise;
 *   a file that is not a valid migration is a `file-format` finding, not an error.
 */
export async function lint(target?: string | string[], options: LintOptions = {}): Promise<LintFinding[]> {
  const cwd = options.cwd ?? process.cwd();
  const settings = resolveSettings({ cwd, env: options.env ?? process.env, configFile: options.configFile, ddlLockTimeoutMs: options.ddlLockTimeoutMs });
  const { lintFiles, migrationFilesIn, readLintRules } = await import('../lint');
  const rules = { ...readLintRules(cwd, options.configFile), ...options.rules };
  const paths = Array.isArray(target)
    ? target.map((f) => (isAbsolute(f) ? f : resolve(cwd, f)))
    : migrationFilesIn(target === undefined ? settings.migrationsDir : resolve(cwd, target));
  const shown = new Map(paths.map((p, i) => [p, Array.isArray(target) ? target[i] : p]));
  const findings = await lintFiles(paths, { rules, ddlLockTimeoutMs: settings.ddlLockTimeoutMs, name: (p) => shown.get(p) ?? p });
  return findings.map(({ file, line, column, severity, rule, message }) => ({ file, line, column, severity, rule, message }));
}
