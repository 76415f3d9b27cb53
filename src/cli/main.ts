import { relative } from 'node:path';
import {
  createMigrationFile,
  loadMigrationsAsync,
  MigrateError,
  Migrator,
  openDatabase,
  redact,
  resolveSettings,
  type Database,
  type RunEvent,
  type RunResult,
  type Settings,
} from '../engine';
import { parseArgs, parseDuration, UsageError, type Command, type ParsedArgs } from './args';
import { dryRunText, formatMs, statusJson, statusTable } from './format';
import { commandHelp, generalHelp } from './help';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
}

/** Runs one CLI invocation and returns its exit code: 0 done, 1 failed, 2 usage error. */
export async function run(argv: string[], io: Io): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}\nRun "migrate-lens --help" for usage.\n`);
      return 2;
    }
    throw err;
  }
  if (!args.command) {
    if (args.booleans.help) {
      io.out(generalHelp());
      return 0;
    }
    io.err(generalHelp());
    return 2;
  }
  if (args.booleans.help) {
    io.out(commandHelp(args.command));
    return 0;
  }
  try {
    return await execute(args.command, args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}\n\n${commandHelp(args.command)}`);
      return 2;
    }
    io.err(`error: ${redact(describeError(err))}\n`);
    if (args.booleans.verbose && err instanceof Error && err.stack) io.err(redact(err.stack) + '\n');
    return 1;
  }
}

function describeError(err: unknown): string {
  if (err instanceof MigrateError) return err.message;
  const e = err as NodeJS.ErrnoException & { code?: string };
  if (e?.code === 'ECONNREFUSED' || e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN' || e?.code === 'ETIMEDOUT' || e?.code === 'EHOSTUNREACH') {
    return `cannot connect to the database (${e.code}): ${e.message}`;
  }
  if (e?.message && /timeout expired|Connection terminated/i.test(e.message)) return `cannot connect to the database: ${e.message}`;
  if (e?.code === '28P01' || e?.code === '28000') return `the database refused the login: ${e.message}`;
  if (e?.code === '3D000') return `the database does not exist: ${e.message}`;
  return e?.message ?? String(err);
}

async function execute(command: Command, args: ParsedArgs, io: Io): Promise<number> {
  const version = args.strings.version;
  if (version !== undefined && !/^\d+$/.test(version)) throw new UsageError(`-version expects digits, got "${version}"`);
  const settings = resolveSettings({
    cwd: io.cwd,
    env: io.env,
    configFile: args.strings.config,
    migrationsDir: args.strings.migrations,
    table: args.strings.table,
    schema: args.strings.schema,
    lockTimeoutMs: args.strings['lock-timeout'] !== undefined ? parseDuration(args.strings['lock-timeout'], 'lock-timeout') : undefined,
    allowOutOfOrder: args.booleans['out-of-order'],
  });

  if (command === 'create') {
    const name = args.strings.name ?? args.positionals.join(' ');
    if (!name.trim()) throw new UsageError('create needs -name NAME');
    const path = createMigrationFile(settings.migrationsDir, name);
    const rel = relative(io.cwd, path);
    io.out(`Created ${rel && !rel.startsWith('..') ? rel : path}\n`);
    return 0;
  }
  if (args.positionals.length) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
  const needsVersion: Command[] = ['mark-applied', 'mark-rolled-back', 'forget', 'accept-checksum'];
  if (needsVersion.includes(command) && version === undefined) throw new UsageError(`${command} needs -version V`);

  const json = command === 'status' && !!args.booleans.json;
  const info = (text: string) => (json ? io.err(text) : io.out(text));
  // The folder is read while the connection is set up; a connection failure is still reported first.
  const folderRead = loadMigrationsAsync(settings.migrationsDir, { lazyParse: true });
  folderRead.catch(() => undefined); // the migrator awaits it; this only keeps it from being "unhandled" meanwhile
  const db = await openDatabase(settings.connection);
  try {
    info(`Database: ${connectionLine(settings)}\n`);
    const migrator = Migrator.fromSettings(db, settings, { signal: io.signal, onEvent: (e) => reportEvent(e, io), folderRead });
    return await dispatch(command, args, migrator, db, io, json);
  } finally {
    await db.close();
  }
}

function connectionLine(s: Settings): string {
  if (s.connection.kind === 'embedded') return `${s.connection.description} (no connection configured; data kept in that folder)`;
  return `${s.connection.description} (from ${s.source})`;
}

async function dispatch(command: Command, args: ParsedArgs, m: Migrator, db: Database, io: Io, json: boolean): Promise<number> {
  const version = args.strings.version;
  const dryRun = !!args.booleans['dry-run'];
  switch (command) {
    case 'status': {
      const entries = await m.status();
      io.out(json ? statusJson(entries) : statusTable(entries));
      return 0;
    }
    case 'version': {
      const v = await m.version();
      io.out(v ? `${v.version} (${v.name})\n` : 'No migrations applied.\n');
      return 0;
    }
    case 'up':
      return finish(await m.up({ target: version, dryRun }), 'up', io, dryRun);
    case 'down':
      return finish(await m.down({ target: version, batch: args.booleans.batch, all: args.booleans.all, dryRun }), 'down', io, dryRun);
    case 'reset':
      return finish(await m.reset({ dryRun }), 'down', io, dryRun);
    case 'refresh':
      return finish(await m.refresh(), 'refresh', io, false);
    case 'mark-applied':
      await m.markApplied(version!);
      io.out(`Marked ${version} as applied (not run).\n`);
      return 0;
    case 'mark-rolled-back':
      await m.markRolledBack(version!);
      io.out(`Marked ${version} as rolled back (Down not run).\n`);
      return 0;
    case 'forget':
      await m.forget(version!);
      io.out(`Forgot the record of ${version}; it is pending again.\n`);
      return 0;
    case 'accept-checksum':
      await m.acceptChecksum(version!);
      io.out(`Accepted the current file of ${version} as applied.\n`);
      return 0;
    case 'create':
      return 0;
  }
  void db;
}

function reportEvent(e: RunEvent, io: Io): void {
  if (e.type === 'done') {
    const verb = e.direction === 'up' ? 'Applied' : 'Rolled back';
    io.out(`${verb} ${e.migration.version}_${e.migration.name} (${formatMs(e.executionTimeMs)})\n`);
  } else if (e.type === 'lock-wait') {
    io.err(`Waiting for the migration lock held by ${e.holder}...\n`);
  } else if (e.type === 'info') {
    io.out(`${e.message}\n`);
  }
}

function finish(result: RunResult, what: 'up' | 'down' | 'refresh', io: Io, dryRun: boolean): number {
  if (dryRun) {
    io.out(dryRunText(result));
    return 0;
  }
  const total = result.applied.reduce((t, a) => t + a.executionTimeMs, 0);
  const n = result.applied.length;
  const plural = (k: number) => `${k} migration${k === 1 ? '' : 's'}`;
  if (result.cancelled) io.out(`Stopped after ${plural(n)}: cancelled.\n`);
  else if (n === 0) io.out(what === 'up' ? 'Nothing to apply: the database is up to date.\n' : 'Nothing to roll back.\n');
  else if (what === 'up') io.out(`Applied ${plural(n)} in batch ${result.batch} (${formatMs(total)}).\n`);
  else if (what === 'down') io.out(`Rolled back ${plural(n)} (${formatMs(total)}).\n`);
  else io.out(`Refreshed: ${plural(n)} run (${formatMs(total)}).\n`);
  return result.cancelled ? 1 : 0;
}

/** Runs the process's command line and exits with its code (the `migrate-lens` command). */
export function main(): void {
  const controller = new AbortController();
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('Stopping after the current migration (Ctrl-C again to quit now)...\n');
    controller.abort();
  });
  run(process.argv.slice(2), {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    signal: controller.signal,
  }).then(
    (code) => {
      // Exit as soon as the output is written: the work is done and every connection closed, and
      // letting Node tear the heap down after an empty event loop costs a CLI run 10-20 ms.
      process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
    },
    (err) => {
      process.stderr.write(`error: ${redact(String(err?.message ?? err))}\n`);
      process.exitCode = 1;
    },
  );
}

// dist/cli.js is this module bundled: run as a program, it runs the command line.
if (require.main === module) main();
