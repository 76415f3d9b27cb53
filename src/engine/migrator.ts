import type { Database } from './database';
import { StateError } from './errors';
import { History } from './history';
import { AdvisoryLock, lockKey } from './lock';
import { buildStatus, isApplied, planDown, planUp, resumable, type DownOptions, type UpOptions } from './plan';
import { ownTransactions } from './run/chunk';
import { codeMigration, registeredMigrations } from './registry';
import { loadMigrationsAsync } from './source';
import { DEFAULT_DDL_LOCK_TIMEOUT_MS, DEFAULT_DDL_RETRIES, DEFAULT_LOCK_TIMEOUT_MS, type Settings } from './config';
import type { LockPolicy } from './run/retry';
import * as recovery from './recovery';
import { sectionOf, type RunContext } from './run/context';
import { runPlan } from './run/executor';
import type { CodeMigrationDefinition, Direction, HistoryRow, Migration, RunEvent, RunResult, StatusEntry } from './types';

export interface MigratorOptions {
  db: Database;
  /** Folder of `.sql` migrations. Omit for code-only migrations. */
  migrationsDir?: string;
  table?: string;
  schema?: string;
  allowOutOfOrder?: boolean;
  lockTimeoutMs?: number;
  /**
   * PostgreSQL lock_timeout for each migration's statements and how often a migration that hit it
   * is tried again (default: 5 s and 3 tries, see README "How it runs"); timeoutMs 0 sets none.
   */
  lockPolicy?: LockPolicy;
  onEvent?: (event: RunEvent) => void;
  /** Checked between migrations: a run stops cleanly before the next one. */
  signal?: AbortSignal;
  /** Include migrations registered with the global registerMigration (default true). */
  useGlobalRegistry?: boolean;
  /**
   * The folder, already being read by `loadMigrationsAsync(migrationsDir, { lazyParse: true })`: a
   * caller that starts it before connecting has it read while the connection is set up. The first
   * command uses it; later ones read the folder again.
   */
  folderRead?: Promise<Migration[]>;
}

type Resume = { migration: Migration; from: number; error: string | null };

/** Commands of one locked session (Migrator.session). */
export interface MigratorSession {
  /** File and code migrations, sorted, as read when the session began. */
  readonly migrations: readonly Migration[];
  up(opts?: UpOptions): Promise<RunResult>;
  down(opts?: DownOptions): Promise<RunResult>;
}

export interface RunOptions {
  dryRun?: boolean;
}

/** Runs plans against one database session. Every method that changes something holds the advisory lock. */
export class Migrator {
  private readonly history: History;
  private readonly codeMigrations: Migration[] = [];
  private folderRead: Promise<Migration[]> | undefined;

  constructor(private readonly opts: MigratorOptions) {
    this.history = new History(opts.db, opts.schema ?? 'public', opts.table ?? 'schema_migrations');
    this.folderRead = opts.folderRead;
  }

  /** A migrator for resolved settings: the one place that maps Settings onto the options. */
  static fromSettings(db: Database, settings: Settings, extra: Pick<MigratorOptions, 'signal' | 'onEvent' | 'useGlobalRegistry' | 'folderRead'> = {}): Migrator {
    return new Migrator({
      db,
      migrationsDir: settings.migrationsDir,
      table: settings.table,
      schema: settings.schema,
      allowOutOfOrder: settings.allowOutOfOrder,
      lockTimeoutMs: settings.lockTimeoutMs,
      lockPolicy: { timeoutMs: settings.ddlLockTimeoutMs, retries: settings.ddlRetries },
      ...extra,
    });
  }

  register(def: CodeMigrationDefinition): this {
    this.codeMigrations.push(codeMigration(def));
    return this;
  }

  /**
   * File and code migrations together, sorted; a version used twice is an error. The folder is read
   * in slices, so that queries in flight progress meanwhile.
   */
  private async readMigrations(): Promise<Migration[]> {
    const early = this.folderRead;
    this.folderRead = undefined;
    const dir = this.opts.migrationsDir;
    return this.withCode(early ? await early : dir ? await loadMigrationsAsync(dir, { lazyParse: true }) : []);
  }

  private withCode(files: Migration[]): Migration[] {
    const code = [...(this.opts.useGlobalRegistry === false ? [] : registeredMigrations()), ...this.codeMigrations];
    if (code.length === 0) return files;
    const byVersion = new Map(files.map((m) => [m.version, m]));
    for (const m of code) {
      const other = byVersion.get(m.version);
      if (other) throw new StateError(`version ${m.version} is used twice: ${other.path ?? other.name} and code migration "${m.name}"`);
      byVersion.set(m.version, m);
    }
    return [...byVersion.values()].sort((a, b) => (a.version.length - b.version.length) || (a.version < b.version ? -1 : 1));
  }

  /** Read-only: never creates the table, never takes the lock. */
  async status(): Promise<StatusEntry[]> {
    // The history query travels while the files are read.
    const reading = this.history.readIfExists();
    reading.catch(() => undefined); // awaited below; this only keeps a failure from being "unhandled" meanwhile
    const migrations = await this.readMigrations();
    return this.withScripts(validated(buildStatus(migrations, await reading)));
  }

  async version(): Promise<{ version: string; name: string } | null> {
    const applied = (await this.status()).filter(isApplied);
    const last = applied[applied.length - 1];
    return last ? { version: last.version, name: last.name } : null;
  }

  async up(opts: UpOptions & RunOptions = {}): Promise<RunResult> {
    const upOpts = { allowOutOfOrder: this.opts.allowOutOfOrder, ...opts };
    if (opts.dryRun) {
      const entries = await this.status();
      return this.dryRun('up', planUp(entries, upOpts), resumable(entries, 'up', opts.resume));
    }
    return this.locked(async (entries, nextBatch) => this.run('up', planUp(entries, upOpts), nextBatch, resumable(entries, 'up', opts.resume)));
  }

  async down(opts: DownOptions & RunOptions = {}): Promise<RunResult> {
    if (opts.dryRun) {
      const entries = await this.status();
      return this.dryRun('down', planDown(entries, opts), resumable(entries, 'down', opts.resume));
    }
    return this.locked(async (entries) => this.run('down', planDown(entries, opts), null, resumable(entries, 'down', opts.resume)));
  }

  async reset(opts: RunOptions = {}): Promise<RunResult> {
    return this.down({ all: true, ...opts });
  }

  /**
   * Rolls everything back, then applies everything, under one lock. A dry run runs nothing and takes
   * no lock: its plan is the down half, then the up half as it would be once the down half is done.
   */
  async refresh(opts: RunOptions = {}): Promise<RunResult> {
    if (opts.dryRun) {
      const entries = await this.status();
      const down = planDown(entries, { all: true });
      const rolledBack = new Set(down.map((m) => m.version));
      const after = entries.map((e): StatusEntry => (rolledBack.has(e.version) ? { ...e, status: 'rollback' } : e));
      const up = planUp(after, { allowOutOfOrder: true });
      return { ...this.dryRun('down', down), planned: [...this.dryRun('down', down).planned, ...this.dryRun('up', up).planned] };
    }
    return this.locked(async (entries) => {
      const down = await this.run('down', planDown(entries, { all: true }), null);
      if (down.cancelled) return down;
      // The folder was read (and checked) when the lock was taken; only the rows changed since.
      const migrations = entries.flatMap((e) => (e.migration ? [e.migration] : []));
      const after = buildStatus(migrations, await this.history.read());
      const up = await this.run('up', planUp(after, { allowOutOfOrder: true }), nextBatchOf(after));
      return { batch: up.batch, applied: [...down.applied, ...up.applied], planned: [], cancelled: up.cancelled };
    });
  }

  /**
   * Several `up` and `down` commands under one lock: the folder is read and checked and the table
   * made ready once; each command then reads the history rows again and plans as `up` and `down`
   * do. For verify, whose hundreds of one-migration steps would otherwise each take the lock, read
   * the folder and check the table's columns again.
   */
  async session<T>(body: (session: MigratorSession) => Promise<T>): Promise<T> {
    return this.locked(async (first) => {
      const migrations = first.flatMap((e) => (e.migration ? [e.migration] : []));
      let fresh: StatusEntry[] | null = first;
      const entries = async () => {
        const current = fresh ?? (await this.withScripts(buildStatus(migrations, await this.history.read())));
        fresh = null;
        return current;
      };
      return body({
        migrations,
        up: async (opts = {}) => {
          const e = await entries();
          return this.run('up', planUp(e, { allowOutOfOrder: this.opts.allowOutOfOrder, ...opts }), nextBatchOf(e), resumable(e, 'up', opts.resume));
        },
        down: async (opts = {}) => {
          const e = await entries();
          return this.run('down', planDown(e, opts), null, resumable(e, 'down', opts.resume));
        },
      });
    });
  }

  // Recovery: the hand-written SQL of old, as checked commands (recovery.ts), under the lock.

  /** Records a migration as applied without running it (its changes were made some other way). */
  async markApplied(version: string): Promise<void> {
    await this.locked(async (entries, nextBatch) => {
      await recovery.markApplied(this.history, entries, version, nextBatch);
      return emptyResult(nextBatch);
    });
  }

  /** Records an applied migration as rolled back without running its Down. */
  async markRolledBack(version: string): Promise<void> {
    await this.locked(async (entries) => {
      await recovery.markRolledBack(this.history, entries, version);
      return emptyResult(null);
    });
  }

  /** Deletes the record of a failed (or rolled back) migration, so that it is simply pending again. */
  async forget(version: string): Promise<void> {
    await this.locked(async (entries) => {
      await recovery.forget(this.history, entries, version);
      return emptyResult(null);
    });
  }

  /** Takes the file as it is now as the applied one, keeping who accepted it and when. */
  async acceptChecksum(version: string, by = recovery.who()): Promise<void> {
    await this.locked(async (entries) => {
      await recovery.acceptChecksum(this.history, entries, version, by);
      return emptyResult(null);
    });
  }

  /** Rows whose file is gone get their stored copy: it is what status shows and down runs. */
  private async withScripts(entries: StatusEntry[]): Promise<StatusEntry[]> {
    await this.history.attachScripts(entries.filter((e) => !e.migration && e.row).map((e) => e.row!));
    return entries;
  }

  /**
   * Lock, read history once, check every file that is to run, make sure the table exists, run,
   * unlock. A folder that does not validate stops us before the table is even created.
   */
  private async locked<T = RunResult>(body: (entries: StatusEntry[], nextBatch: number) => Promise<T>): Promise<T> {
    // The folder is read in slices while the first lock attempt, the table's columns and (for a
    // current table) its rows travel.
    const reading = this.readMigrations();
    reading.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
    const lock = new AdvisoryLock(this.opts.db, lockKey(this.history.schema, this.history.table));
    try {
      let columns: string[] | undefined;
      let rows: Promise<HistoryRow[]> | undefined;
      if (await lock.tryAcquire()) {
        columns = await this.history.columns();
        if (columns.length && !this.history.needsUpgrade(columns)) rows = this.history.read();
        rows?.catch(() => undefined);
      }
      // A lock held elsewhere is waited for only once the folder has validated: a broken file is
      // reported at once, not after the wait.
      const migrations = await reading;
      if (!lock.isHeld) {
        await lock.acquire({
          timeoutMs: this.opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
          onWait: (holder) => this.opts.onEvent?.({ type: 'lock-wait', holder }),
          signal: this.opts.signal,
        });
      }
      columns ??= await this.history.columns();
      if (!rows) {
        if (columns.length) await this.history.ensure(columns); // an older release's table gains its new columns first
        rows = columns.length ? this.history.read() : Promise.resolve([]);
      }
      const entries = await this.withScripts(validated(buildStatus(migrations, await rows)));
      if (!columns.length) await this.history.ensure(columns);
      return await body(entries, nextBatchOf(entries));
    } finally {
      await lock.release().catch(() => undefined);
    }
  }

  private dryRun(direction: Direction, plan: Migration[], resume: Resume | null = null): RunResult {
    const lockTimeoutMs = (this.opts.lockPolicy ?? { timeoutMs: DEFAULT_DDL_LOCK_TIMEOUT_MS }).timeoutMs;
    return {
      batch: null,
      applied: [],
      cancelled: false,
      planned: plan.map((m) => {
        const section = sectionOf(m, direction);
        const from = resume?.migration.version === m.version ? resume.from : 0;
        return {
          version: m.version,
          name: m.name,
          direction,
          noTransaction: !!section?.noTransaction,
          ...(m.kind === 'file' && section && !section.noTransaction && ownTransactions(section) ? { ownTransactions: true } : {}),
          ...(lockTimeoutMs > 0 ? { lockTimeoutMs } : {}),
          statements: section?.statements.slice(from) ?? [],
        };
      }),
    };
  }

  private run(direction: Direction, plan: Migration[], batch: number | null, resume: Resume | null = null): Promise<RunResult> {
    const lockPolicy = this.opts.lockPolicy ?? { timeoutMs: DEFAULT_DDL_LOCK_TIMEOUT_MS, retries: DEFAULT_DDL_RETRIES };
    const ctx: RunContext = { db: this.opts.db, history: this.history, onEvent: this.opts.onEvent, signal: this.opts.signal, lockPolicy };
    return runPlan(ctx, direction, plan, batch, resume ? { version: resume.migration.version, from: resume.from, error: resume.error } : null);
  }
}

/**
 * Parses every file migration that is not applied (a ParseError stops everything before anything
 * runs). Applied files whose checksum matches were parsed when they were applied; drifted ones are
 * refused by the plan, and a Down parses its file when it is planned.
 */
function validated(entries: StatusEntry[]): StatusEntry[] {
  for (const e of entries) if (e.migration?.kind === 'file' && !isApplied(e)) void e.migration.parsed;
  return entries;
}

/** A failed run leaves its batch number on the failed row; the retry reuses it rather than skip one. */
function nextBatchOf(entries: StatusEntry[]): number {
  let max = 0;
  for (const e of entries) if (e.row?.batch && e.row.status !== 'failed' && e.row.status !== 'partial' && e.row.batch > max) max = e.row.batch;
  return max + 1;
}

function emptyResult(batch: number | null): RunResult {
  return { batch, applied: [], planned: [], cancelled: false };
}
