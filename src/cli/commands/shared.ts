/** What the database commands share: settings from the flags, the "Database:" line, the session, the output of a run. */
import { existsSync } from 'node:fs';
import {
  ConfigError,
  lockRetryText,
  loadMigrationsAsync,
  loadRequiredModules,
  Migrator,
  openDatabase,
  resolveSettings,
  type Database,
  type RunEvent,
  type RunResult,
  type Settings,
} from '../../engine/internal';
import { dryRunText, formatMs } from '../format';
import type { Io } from '../io';
import { UsageError, type Context } from './types';

/** Settings from the flags this command declared (a flag it does not take is simply absent). */
export function settingsOf(ctx: Context): Settings {
  return resolveSettings({
    cwd: ctx.io.cwd,
    env: ctx.io.env,
    configFile: ctx.string('config'),
    environment: ctx.string('env'),
    migrationsDir: ctx.string('migrations'),
    table: ctx.string('table'),
    schema: ctx.string('schema'),
    lockTimeoutMs: ctx.ms('lock-timeout'),
    allowOutOfOrder: ctx.given.has('out-of-order') ? ctx.bool('out-of-order') : undefined,
    ddlLockTimeoutMs: ctx.ms('ddl-lock-timeout'),
    ddlRetries: retriesOf(ctx.string('ddl-retries')),
    require: [...ctx.list('require')],
  });
}

export interface Session {
  migrator: Migrator;
  db: Database;
  settings: Settings;
}

export interface SessionOptions {
  /** Informational lines go to stderr (the command's stdout is machine-readable). */
  quiet?: boolean;
}

/** Resolves the settings, opens the database, runs `body` with a migrator on it, and closes it. */
export async function withSession(ctx: Context, body: (s: Session) => Promise<number>, opts: SessionOptions = {}): Promise<number> {
  const io = ctx.io;
  const settings = settingsOf(ctx);
  const info = (text: string) => (opts.quiet ? io.err(text) : io.out(text));
  // Nothing is created before it is needed: without a migrations folder there is nothing to do, and
  // the embedded database is not made for nothing.
  if (!existsSync(settings.migrationsDir)) {
    throw new ConfigError(`${settings.migrationsDir}: the migrations folder does not exist (give -migrations DIR, or "migrate-lens create -name NAME" to start one)`);
  }
  // Said before connecting, so that a failed connection says which target it tried.
  info(`Database: ${connectionLine(settings)}\n`);
  // The folder is read while the connection is set up; a connection failure is still reported first.
  // Kept for its measured saving (DESIGN.md, "Speed without tricks"): no-op `up` on 1,000 applied
  // files, 2026-11-30, three runs of 40 interleaved pairs on a busy 2-core machine, p25 233/317/260 ms
  // with it against 324/343/289 ms without: 8-28% of the command.
  const folderRead = loadMigrationsAsync(settings.migrationsDir, { lazyParse: true, onWarning: (m) => io.err(`warning: ${m}\n`) });
  folderRead.catch(() => undefined); // the migrator awaits it; this only keeps it from being "unhandled" meanwhile
  // Code migrations (-require, migrations.require) register themselves before the folder is checked against them.
  await loadRequiredModules(settings.require);
  const db = await openDatabase(settings.connection);
  try {
    const migrator = Migrator.fromSettings(db, settings, { signal: io.signal, onEvent: (e) => reportEvent(e, io), folderRead });
    return await body({ migrator, db, settings });
  } finally {
    await db.close();
  }
}

export function connectionLine(s: Settings): string {
  if (s.connection.kind === 'embedded') return `embedded PGlite at ${s.connection.dataDir} (no connection configured; data kept in that folder)`;
  return `${s.connection.description} (from ${s.source}${s.environment?.protected ? ', protected' : ''})`;
}

function reportEvent(e: RunEvent, io: Io): void {
  if (e.type === 'done') {
    const verb = e.direction === 'up' ? 'Applied' : 'Rolled back';
    io.out(`${verb} ${e.migration.version}_${e.migration.name} (${formatMs(e.executionTimeMs)})\n`);
  } else if (e.type === 'lock-retry') {
    io.err(`${lockRetryText(e)}\n`);
  } else if (e.type === 'lock-wait') {
    io.err(`Waiting for the migration lock held by ${e.holder}...\n`);
  } else if (e.type === 'info') {
    io.out(`${e.message}\n`);
  }
}

/** Prints the outcome of a run (or a dry run's statements) and returns the exit code. */
export function finish(result: RunResult, what: 'up' | 'down' | 'refresh', io: Io, dryRun: boolean): number {
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

function retriesOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,3}$/.test(value)) throw new UsageError(`-ddl-retries expects a whole number from 0 to 999, got "${value}"`);
  return Number(value);
}
