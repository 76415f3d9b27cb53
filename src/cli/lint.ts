// `migrate-lens lint`: the linter of src/lint over a folder, some files, or the pending migrations.
import { readdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { Migrator, openDatabase, type Settings } from '../engine';
import { formatFindings, lintFiles, readLintRules, type LintFormat } from '../lint';
import { UsageError } from './args';

export interface LintArgs {
  files: string[];
  format: string | undefined;
  pending: boolean;
  strict: boolean;
  configFile: string | undefined;
  explicitMigrationsDir: boolean;
}

const FORMATS: LintFormat[] = ['text', 'json', 'sarif'];

/** Exit code: 1 when an error is found (or a warning, with --strict), else 0. */
export async function lintCommand(a: LintArgs, settings: Settings, io: { out(t: string): void; err(t: string): void; cwd: string }): Promise<number> {
  const format = (a.format ?? 'text') as LintFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format expects text, json or sarif, got "${a.format}"`);
  if (a.files.length && a.explicitMigrationsDir) throw new UsageError('give either -migrations DIR or files, not both');
  if (a.files.length && a.pending) throw new UsageError('--pending reads the migrations folder; it takes no files');
  const rules = readLintRules(io.cwd, a.configFile);

  let paths: string[];
  if (a.files.length) paths = a.files.map((f) => resolve(io.cwd, f));
  else if (a.pending) paths = await pendingFiles(settings);
  else paths = folderFiles(settings.migrationsDir);

  const name = (p: string) => {
    const rel = relative(io.cwd, p);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
  };
  const findings = await lintFiles(paths, { rules, ddlLockTimeoutMs: settings.ddlLockTimeoutMs, name });
  io.out(formatFindings(findings, format));
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  if (format === 'text') {
    const files = `${paths.length} file${paths.length === 1 ? '' : 's'}`;
    io.err(findings.length ? `${files}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n` : `${files}: no problems\n`);
  }
  return errors > 0 || (a.strict && warnings > 0) ? 1 : 0;
}

function folderFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new UsageError(`cannot read the migrations folder ${dir} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return names.filter((n) => /\.sql$/i.test(n) && !n.startsWith('.')).sort().map((n) => join(dir, n));
}

async function pendingFiles(settings: Settings): Promise<string[]> {
  const db = await openDatabase(settings.connection);
  try {
    const entries = await Migrator.fromSettings(db, settings).status();
    return entries.filter((e) => e.status === 'pending' && e.migration?.path).map((e) => e.migration!.path!);
  } finally {
    await db.close();
  }
}
