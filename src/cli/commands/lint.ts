// `migrate-lens lint`: the linter of src/lint over a folder, some files, or the pending migrations.
import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { ConfigError, Migrator, openDatabase, type Settings } from '../../engine/internal';
import { CONFIG, DDL_LOCK_TIMEOUT, ENV, MIGRATIONS, SCHEMA, TABLE } from './flags';
import { settingsOf } from './shared';
import { defineCommand, UsageError } from './types';

const FORMATS = ['text', 'json', 'sarif'] as const;

export default defineCommand({
  name: 'lint',
  summary: 'check migrations for statements that fail or lock before they run',
  usage: 'migrate-lens lint [-migrations DIR | FILE...] [--format text|json|sarif] [--pending] [--strict]',
  description: `Checks migrations before they run, with PostgreSQL's own grammar and what each file does: its sections,
whether it runs in a transaction, which tables it created. Prints file:line:col severity rule message.
Exit 1 when an error is found (with --strict: any finding), else 0.
Rules and their severities: README "Lint rules"; config.yaml lint.rules sets them (error, warning, off).
Silence one on a statement or a file: -- migrate-lens-ignore rule-id[, rule-id]`,
  flags: [
    {
      name: 'format',
      type: 'string',
      value: 'F',
      help: 'text (default), json (array of {file, line, column, severity, rule, message}) or sarif (2.1.0)',
    },
    { name: 'pending', type: 'boolean', help: 'only what the next up would run: not applied, rolled back, failed or partial (connects like status)' },
    { name: 'strict', type: 'boolean', help: 'warnings fail too (exit 1)' },
    DDL_LOCK_TIMEOUT,
    CONFIG,
    ENV,
    MIGRATIONS,
    TABLE,
    SCHEMA,
  ],
  positionals: { value: 'FILE...', help: 'lint these files (a folder: its .sql files) instead of the migrations folder' },
  run: async (ctx) => {
    const { formatFindings, lintFiles, migrationFilesIn, readLintRules } = require('../../lint') as typeof import('../../lint');
    const io = ctx.io;
    const format = (ctx.string('format') ?? 'text') as (typeof FORMATS)[number];
    if (!FORMATS.includes(format)) throw new UsageError(`--format expects text, json or sarif, got "${format}"`);
    const files = ctx.positionals;
    if (files.length && ctx.given.has('migrations')) throw new UsageError('give either -migrations DIR or files, not both');
    if (files.length && ctx.bool('pending')) throw new UsageError('--pending reads the migrations folder; it takes no files');
    const settings = settingsOf(ctx);
    const rules = readLintRules(io.cwd, ctx.string('config'));

    let paths: string[];
    if (files.length) paths = filesToLint(io.cwd, files, migrationFilesIn);
    else if (ctx.bool('pending')) paths = await pendingFiles(settings);
    else {
      try {
        paths = migrationFilesIn(settings.migrationsDir);
      } catch (err) {
        // A folder that cannot be read is the command line's fault here: exit 2, with the usage.
        if (err instanceof ConfigError) throw new UsageError(err.message);
        throw err;
      }
    }

    // A lint run is a short process that calls libpg_query's grammar a few hundred times: V8's
    // optimising WebAssembly tier (TurboFan recompiling the hot parts of a 1 MB module) costs more
    // than it wins back in that time. Baseline (Liftoff) code only, set just before the grammar
    // loads (after --pending has read the database, which may be PGlite's WebAssembly):
    // 100 migrations 0.84 s -> 0.27 s wall, 0.76 s -> 0.19 s CPU (2026-11-30, Node 20, 2 cores).
    // node:v8 is required here, not imported at the top: the CLI is one bundle, and every other
    // command would load it at start for nothing.
    const { setFlagsFromString } = require('node:v8') as typeof import('node:v8');
    setFlagsFromString('--liftoff-only');
    // The same holds for the JavaScript of up to about a thousand files: TurboFan spends longer
    // compiling the linter's hot functions (readSection, which inlines the grammar's JS glue, took
    // 200 ms of a background thread) than they then run, and on 2 cores that thread competes with
    // the lint. Median CPU of 7-21 interleaved runs, load 7-10, 2026-11-30: 100 files 265 -> 222 ms
    // (wall 497 -> 414 ms), 500 files 431 -> 323 ms, 1,000 files 785 -> 569 ms; but 2,000 files
    // 787 -> 865 ms and 4,000 files 1,294 -> 1,559 ms, where the optimised code pays off.
    if (paths.length <= 1000) setFlagsFromString('--no-opt');
    const name = (p: string) => {
      const rel = relative(io.cwd, p);
      return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
    };
    const findings = await lintFiles(paths, { rules, ddlLockTimeoutMs: settings.ddlLockTimeoutMs, name });
    io.out(formatFindings(findings, format));
    const errors = findings.filter((f) => f.severity === 'error').length;
    const warnings = findings.length - errors;
    if (format === 'text') {
      const n = `${paths.length} file${paths.length === 1 ? '' : 's'}`;
      io.err(findings.length ? `${n}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n` : `${n}: no problems\n`);
    }
    return errors > 0 || (ctx.bool('strict') && warnings > 0) ? 1 : 0;
  },
});

/** FILE... as paths: a folder stands for its .sql files, and a file named twice is linted once. */
function filesToLint(cwd: string, args: readonly string[], migrationFilesIn: (dir: string) => string[]): string[] {
  const paths = new Set<string>();
  for (const arg of args) {
    const path = resolve(cwd, arg);
    let stat;
    try {
      stat = statSync(path);
    } catch (err) {
      throw new UsageError(`cannot read ${arg} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    if (stat.isDirectory()) for (const file of migrationFilesIn(path)) paths.add(file);
    else if (stat.isFile()) paths.add(path);
    // A FIFO or a device: reading it would wait for a writer for ever.
    else throw new UsageError(`${arg} is not a regular file`);
  }
  return [...paths];
}

async function pendingFiles(settings: Settings): Promise<string[]> {
  const db = await openDatabase(settings.connection);
  try {
    const entries = await Migrator.fromSettings(db, settings).status();
    // What the next `up` runs: never applied, rolled back, failed (run again once fixed), or partial
    // (resumed). Only 'pending' was read before, so a failed migration being fixed went unchecked.
    const waiting = new Set(['pending', 'rollback', 'failed', 'partial']);
    return entries.filter((e) => waiting.has(e.status) && e.migration?.path).map((e) => e.migration!.path!);
  } finally {
    await db.close();
  }
}
