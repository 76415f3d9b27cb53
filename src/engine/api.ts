// The library's entry: one object per project that resolves its settings like the CLI, opens the
// database on first use, and runs one command at a time on it.
import { createMigrationFile } from './create';
import { openDatabase, type Database } from './database';
import { resolveSettings, type Settings } from './config';
import { Migrator } from './migrator';
import { loadRequiredModules } from './require';
import type { DownOptions, UpOptions } from './plan';
import type { CodeMigrationDefinition, RunEvent, RunResult, StatusEntry } from './types';
import { dropsAtEnd, openScratchDatabase, openThrowawayPglite } from './verify/scratch';
import { verifyMigrations, type VerifyProgress, type VerifyResult } from './verify/verify';

/**
 * Options of {@link createMigrator}. Everything is optional: with none, the settings come from the
 * current directory and environment exactly as the `migrate-lens` command finds them.
 */
export interface CreateMigratorOptions {
  /** Project folder: where `config.yaml`, the `migrations` folder and the embedded database are looked for. Default `process.cwd()`. */
  cwd?: string;
  /** Environment variables read for `DATABASE_URL`, `PG*` and `${VAR}` in the config file. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Config file (the CLI's `-config`), relative to `cwd`; it must exist. Default: `config.yaml` in `cwd` when present. */
  configFile?: string;
  /** A named environment of the config file (the CLI's `-env`). */
  environment?: string;
  /** Connection URL; wins over the config file, `DATABASE_URL` and `PG*`. */
  connectionString?: string;
  /** Password for the connection, kept out of the URL. */
  password?: string;
  /** Folder of `.sql` migrations (the CLI's `-migrations`), relative to `cwd`. */
  migrationsDir?: string;
  /** Tracking table name (the CLI's `-table`). Default from the config file, else `schema_migrations`. */
  table?: string;
  /** Schema of the tracking table (the CLI's `-schema`). Default from the config file, else `public`. */
  schema?: string;
  /** How long to wait for another runner's lock, ms (the CLI's `-lock-timeout`). Default 60 s. */
  lockTimeoutMs?: number;
  /** Apply pending migrations older than the newest applied one (the CLI's `--out-of-order`). */
  allowOutOfOrder?: boolean;
  /** PostgreSQL `lock_timeout` for each migration's statements, ms (the CLI's `--ddl-lock-timeout`); 0 leaves the server's setting. Default from the config file, else 5 s. */
  ddlLockTimeoutMs?: number;
  /** Tries again a migration that hit that timeout, with backoff (the CLI's `--ddl-retries`). Default from the config file, else 3. */
  ddlRetries?: number;
  /** Progress of every command: a migration started or done, waiting for the lock, information. */
  onEvent?: (event: MigrateEvent) => void;
  /** Aborting stops a run cleanly between migrations (the one running finishes). */
  signal?: AbortSignal;
  /** Include migrations registered with {@link registerMigration} (default `true`). */
  useGlobalRegistry?: boolean;
  /** Modules (`.js`, `.mjs`, `.cjs`) that register code migrations, loaded before the first command, after the config file's `migrations.require` (the CLI's `-require`). */
  require?: string[];
}

/** A progress event: `start` and `done` per migration, `lock-wait` naming the lock holder, `info`. */
export type MigrateEvent = RunEvent;

/** Options of {@link MigrateLens.up}. */
export interface UpCommandOptions {
  /** Apply up to and including this version. */
  target?: string;
  /** Apply only this version. */
  only?: string;
  /** Also apply pending migrations older than the newest applied one. */
  allowOutOfOrder?: boolean;
  /**
   * Continue a `partial` migration (a notransaction Up that stopped part-way) from the statement
   * that did not complete, which runs again; statements recorded as completed never do. Then the rest.
   */
  resume?: boolean;
  /** Apply nothing; the result's `planned` lists the statements that would run. */
  dryRun?: boolean;
}

/** Options of {@link MigrateLens.down}. Without any: the latest applied migration. */
export interface DownCommandOptions {
  /** Roll back everything applied after this version (`"0"`: everything). */
  target?: string;
  /** Roll back the whole last batch. */
  batch?: boolean;
  /** Roll back every applied migration. */
  all?: boolean;
  /** Roll back exactly this version. */
  only?: string;
  /** Finish a `partial` Down (notransaction, stopped part-way) from the statement that did not complete. */
  resume?: boolean;
  /** Roll back nothing; the result's `planned` lists the statements that would run. */
  dryRun?: boolean;
}

/** Options of {@link MigrateLens.verify}. */
export interface VerifyCommandOptions {
  /**
   * A PostgreSQL server to verify on instead of a throwaway PGlite in memory (the CLI's
   * `--database`): the URL's database is created, used and dropped; an existing one is used only
   * when it holds no table, and kept; without a database name, a new `migrate_lens_verify_<random>`.
   */
  databaseUrl?: string;
  /** Each step as it starts: the first Ups, each Down, everything applied again. */
  onProgress?: (progress: VerifyProgress) => void;
  /** Aborting stops verify between steps (and drops a scratch database it created). */
  signal?: AbortSignal;
}

/**
 * The migrations of one project on one database. Get one from {@link createMigrator}; call
 * {@link MigrateLens.close} when done. Commands run one at a time, in the order they were called,
 * on one database session opened by the first of them.
 */
export class MigrateLens {
  /** The resolved settings: connection (without its password in any text), folder, table, schema, timeouts. */
  readonly settings: Readonly<Settings>;
  private readonly listeners = new Set<(event: MigrateEvent) => void>();
  private readonly registered: CodeMigrationDefinition[] = [];
  private session: Promise<{ db: Database; migrator: Migrator }> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  /** Prefer {@link createMigrator}, which resolves the settings. */
  constructor(
    settings: Settings,
    private readonly options: Pick<CreateMigratorOptions, 'signal' | 'useGlobalRegistry'>,
    onEvent?: (event: MigrateEvent) => void,
  ) {
    this.settings = settings;
    if (onEvent) this.listeners.add(onEvent);
  }

  /**
   * Adds a migration written in code for this migrator only (see {@link registerMigration} for all).
   * Call it before the first command.
   */
  register(definition: CodeMigrationDefinition): this {
    if (this.session) throw new Error('register() code migrations before the first command');
    this.registered.push(definition);
    return this;
  }

  /** Calls `listener` with every progress event; returns a function that removes it. */
  on(listener: (event: MigrateEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every migration known to the folder, the code or the tracking table, with its status. Read-only. */
  status(): Promise<StatusEntry[]> {
    return this.command((m) => m.status());
  }

  /** The newest applied migration, or `null` when none is. */
  version(): Promise<{ version: string; name: string } | null> {
    return this.command((m) => m.version());
  }

  /** Applies pending migrations in version order, each in its own transaction, as one batch. */
  up(options: UpCommandOptions = {}): Promise<RunResult> {
    const { dryRun, ...plan } = options;
    return this.command((m) => m.up({ ...(plan as UpOptions), dryRun }));
  }

  /** Rolls back the latest applied migration, or what the options say. */
  down(options: DownCommandOptions = {}): Promise<RunResult> {
    const { dryRun, ...plan } = options;
    return this.command((m) => m.down({ ...(plan as DownOptions), dryRun }));
  }

  /** Rolls back every applied migration, newest first. */
  reset(options: { dryRun?: boolean } = {}): Promise<RunResult> {
    return this.command((m) => m.reset(options));
  }

  /** Rolls back every applied migration, then applies them all again. */
  refresh(options: { dryRun?: boolean } = {}): Promise<RunResult> {
    return this.command((m) => m.refresh(options));
  }

  /** Writes `<migrationsDir>/<UTC timestamp>_<snake_name>.sql` from the template and returns its path. Needs no database. */
  create(name: string): string {
    return createMigrationFile(this.settings.migrationsDir, name);
  }

  /** Recovery: records a migration as applied without running it (its changes were made some other way). */
  markApplied(version: string): Promise<void> {
    return this.command((m) => m.markApplied(version));
  }

  /** Recovery: records an applied migration as rolled back without running its Down. */
  markRolledBack(version: string): Promise<void> {
    return this.command((m) => m.markRolledBack(version));
  }

  /** Recovery: deletes the record of a failed or rolled-back migration, so that it is pending again. */
  forget(version: string): Promise<void> {
    return this.command((m) => m.forget(version));
  }

  /** Recovery: takes the file as it is now as the applied one, noting who accepted it (default: the OS user) and when. */
  acceptChecksum(version: string, acceptedBy?: string): Promise<void> {
    return this.command((m) => (acceptedBy === undefined ? m.acceptChecksum(version) : m.acceptChecksum(version, acceptedBy)));
  }

  /**
   * Checks that every migration's Down restores the schema its Up started from: on a throwaway
   * PGlite in memory (or a scratch database, see {@link VerifyCommandOptions.databaseUrl}), never on
   * this migrator's database. Every migration is applied one at a time, then rolled back newest
   * first, comparing the catalogs after each Down with those before its Up, then applied again.
   * The result names the first Down that does not restore the schema, with its file, the line of
   * `-- +migrate Down` and the differences in words.
   */
  async verify(options: VerifyCommandOptions = {}): Promise<VerifyResult> {
    if (this.closed) throw new Error('this migrator is closed');
    await loadRequiredModules(this.settings.require);
    const target = options.databaseUrl ? await openScratchDatabase(options.databaseUrl) : await openThrowawayPglite();
    const onAbort = () => void target.dispose();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await verifyMigrations({
        db: target.db,
        migrationsDir: this.settings.migrationsDir,
        table: this.settings.table,
        schema: this.settings.schema,
        codeMigrations: this.registered,
        useGlobalRegistry: this.options.useGlobalRegistry,
        signal: options.signal,
        rollBackAtEnd: dropsAtEnd(target),
        onProgress: options.onProgress,
      });
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      await target.dispose();
    }
  }

  // lint() joins here as a method when the engine has it (issue 13).

  /** Waits for the commands already called, then closes the database session. The migrator cannot be used after. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue.catch(() => undefined);
    const session = this.session;
    this.session = undefined;
    if (session) await (await session.catch(() => null))?.db.close();
  }

  private command<T>(body: (m: Migrator) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('this migrator is closed'));
    const next = this.queue.then(async () => body((await this.open()).migrator));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private open(): Promise<{ db: Database; migrator: Migrator }> {
    // The config file's `migrations.require` modules register their code migrations first.
    this.session ??= loadRequiredModules(this.settings.require).then(() => openDatabase(this.settings.connection)).then((db) => {
      const migrator = Migrator.fromSettings(db, this.settings, {
        signal: this.options.signal,
        useGlobalRegistry: this.options.useGlobalRegistry,
        onEvent: (e) => this.listeners.forEach((l) => l(e)),
      });
      for (const d of this.registered) migrator.register(d);
      return { db, migrator };
    });
    // A failed connection is not kept: the next command tries again.
    this.session.catch(() => (this.session = undefined));
    return this.session;
  }
}

/**
 * A migrator for one project, with its settings resolved exactly like the `migrate-lens` command
 * run in `cwd`: the config file (`config.yaml` or `configFile`, its `environments:` with
 * `environment`), then `DATABASE_URL`, then libpq's `PG*` variables, else the embedded database in
 * `<cwd>/.migrate-lens/pglite`. Explicit options win over all of these. Nothing connects until the
 * first command. Throws a {@link ConfigError} for a config file that cannot be used.
 *
 * @example
 * ```ts
 * const migrator = createMigrator({ cwd: '/path/to/project' });
 * try {
 *   const result = await migrator.up();
 *   console.log(`applied ${result.applied.length}`);
 * } finally {
 *   await migrator.close();
 * }
 * ```
 */
export function createMigrator(options: CreateMigratorOptions = {}): MigrateLens {
  const settings = resolveSettings({
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
    configFile: options.configFile,
    environment: options.environment,
    connectionString: options.connectionString,
    password: options.password,
    migrationsDir: options.migrationsDir,
    table: options.table,
    schema: options.schema,
    lockTimeoutMs: options.lockTimeoutMs,
    allowOutOfOrder: options.allowOutOfOrder,
    ddlLockTimeoutMs: options.ddlLockTimeoutMs,
    ddlRetries: options.ddlRetries,
    require: options.require,
  });
  return new MigrateLens(settings, options, options.onEvent);
}
