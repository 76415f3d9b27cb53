import { userInfo } from 'node:os';
import { databaseErrorInfo, type Database } from './database';
import { MigrateError, MigrationFailedError, StateError, UnknownVersionError } from './errors';
import { History } from './history';
import { AdvisoryLock, lockKey } from './lock';
import { buildStatus, isApplied, planDown, planUp, type DownOptions, type UpOptions } from './plan';
import { codeMigration, registeredMigrations } from './registry';
import { loadMigrations } from './source';
import { DEFAULT_LOCK_TIMEOUT_MS } from './config';
import type { CodeMigrationDefinition, Direction, Migration, MigrationHandle, RunEvent, RunResult, Section, StatusEntry } from './types';

export interface MigratorOptions {
  db: Database;
  /** Folder of `.sql` migrations. Omit for code-only migrations. */
  migrationsDir?: string;
  table?: string;
  schema?: string;
  allowOutOfOrder?: boolean;
  lockTimeoutMs?: number;
  onEvent?: (event: RunEvent) => void;
  /** Checked between migrations: a run stops cleanly before the next one. */
  signal?: AbortSignal;
  /** Include migrations registered with the global registerMigration (default true). */
  useGlobalRegistry?: boolean;
}

export interface RunOptions {
  dryRun?: boolean;
}

/** Runs plans against one database session. Every method that changes something holds the advisory lock. */
export class Migrator {
  private readonly history: History;
  private readonly codeMigrations: Migration[] = [];

  constructor(private readonly opts: MigratorOptions) {
    this.history = new History(opts.db, opts.schema ?? 'public', opts.table ?? 'schema_migrations');
  }

  register(def: CodeMigrationDefinition): this {
    this.codeMigrations.push(codeMigration(def));
    return this;
  }

  /** File and code migrations together, sorted; a version used twice is an error. */
  migrations(): Migration[] {
    const files = this.opts.migrationsDir ? loadMigrations(this.opts.migrationsDir) : [];
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
    const migrations = this.migrations();
    const rows = (await this.history.exists()) ? await this.history.read() : [];
    return buildStatus(migrations, rows);
  }

  async version(): Promise<{ version: string; name: string } | null> {
    const applied = (await this.status()).filter(isApplied);
    const last = applied[applied.length - 1];
    return last ? { version: last.version, name: last.name } : null;
  }

  async up(opts: UpOptions & RunOptions = {}): Promise<RunResult> {
    const upOpts = { allowOutOfOrder: this.opts.allowOutOfOrder, ...opts };
    if (opts.dryRun) return this.dryRun('up', planUp(await this.status(), upOpts));
    return this.locked(async (entries, nextBatch) => this.run('up', planUp(entries, upOpts), nextBatch));
  }

  async down(opts: DownOptions & RunOptions = {}): Promise<RunResult> {
    if (opts.dryRun) return this.dryRun('down', planDown(await this.status(), opts));
    return this.locked(async (entries) => this.run('down', planDown(entries, opts), null));
  }

  async reset(opts: RunOptions = {}): Promise<RunResult> {
    return this.down({ all: true, ...opts });
  }

  /** Rolls everything back, then applies everything, under one lock. */
  async refresh(): Promise<RunResult> {
    return this.locked(async (entries) => {
      const down = await this.run('down', planDown(entries, { all: true }), null);
      if (down.cancelled) return down;
      const after = buildStatus(this.migrations(), await this.history.read());
      const up = await this.run('up', planUp(after, { allowOutOfOrder: true }), nextBatchOf(after));
      return { batch: up.batch, applied: [...down.applied, ...up.applied], planned: [], cancelled: up.cancelled };
    });
  }

  // Recovery: the hand-written SQL of old, as checked commands.

  /** Records a migration as applied without running it (its changes were made some other way). */
  async markApplied(version: string): Promise<void> {
    await this.locked(async (entries, nextBatch) => {
      const e = this.entry(entries, version);
      if (!e.migration) throw new UnknownVersionError(version, 'no file or code migration with this version');
      if (isApplied(e)) throw new UnknownVersionError(version, 'already applied');
      const m = e.migration;
      await this.history.insert({
        version, name: m.name, checksum: m.checksum, batch: nextBatch, script: m.text ?? null, kind: m.kind,
        noTransaction: !!m.parsed?.up.noTransaction, status: 'applied', note: `marked applied without running by ${who()} at ${now()}`,
      });
      return emptyResult(nextBatch);
    });
  }

  /** Records an applied migration as rolled back without running its Down. */
  async markRolledBack(version: string): Promise<void> {
    await this.locked(async (entries) => {
      const e = this.entry(entries, version);
      if (!isApplied(e)) throw new UnknownVersionError(version, `not applied (status: ${e.status})`);
      await this.history.update(version, { status: 'rollback', note: `marked rolled back without running by ${who()} at ${now()}` });
      return emptyResult(null);
    });
  }

  /** Deletes the record of a failed (or rolled back) migration, so that it is simply pending again. */
  async forget(version: string): Promise<void> {
    await this.locked(async (entries) => {
      const e = this.entry(entries, version);
      if (!e.row) throw new UnknownVersionError(version, 'has no record to forget');
      if (isApplied(e)) throw new UnknownVersionError(version, `is applied; roll it back or "mark-rolled-back" instead of forgetting it`);
      await this.history.delete(version);
      return emptyResult(null);
    });
  }

  /** Takes the file as it is now as the applied one, keeping who accepted it and when. */
  async acceptChecksum(version: string, by = who()): Promise<void> {
    await this.locked(async (entries) => {
      const e = this.entry(entries, version);
      if (e.status !== 'drifted' || !e.migration || !e.row) throw new UnknownVersionError(version, `is not drifted (status: ${e.status})`);
      await this.history.update(version, {
        checksum: e.migration.checksum,
        script: e.migration.text ?? null,
        note: `checksum accepted by ${by} at ${now()} (was ${e.row.checksum.slice(0, 12)})`,
      });
      return emptyResult(null);
    });
  }

  private entry(entries: StatusEntry[], version: string): StatusEntry {
    const e = entries.find((x) => x.version === version);
    if (!e) throw new UnknownVersionError(version);
    return e;
  }

  /** Lock, make sure the table exists, read history once, run, unlock. */
  private async locked(body: (entries: StatusEntry[], nextBatch: number) => Promise<RunResult>): Promise<RunResult> {
    const migrations = this.migrations(); // a folder that does not validate stops us before we touch the database
    const lock = new AdvisoryLock(this.opts.db, lockKey(this.history.schema, this.history.table));
    await lock.acquire({
      timeoutMs: this.opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
      onWait: (holder) => this.opts.onEvent?.({ type: 'lock-wait', holder }),
      signal: this.opts.signal,
    });
    try {
      await this.history.ensure();
      const entries = buildStatus(migrations, await this.history.read());
      return await body(entries, nextBatchOf(entries));
    } finally {
      await lock.release().catch(() => undefined);
    }
  }

  private dryRun(direction: Direction, plan: Migration[]): RunResult {
    return {
      batch: null,
      applied: [],
      cancelled: false,
      planned: plan.map((m) => {
        const section = sectionOf(m, direction);
        return { version: m.version, name: m.name, direction, noTransaction: !!section?.noTransaction, statements: section?.statements ?? [] };
      }),
    };
  }

  private async run(direction: Direction, plan: Migration[], batch: number | null): Promise<RunResult> {
    const result: RunResult = { batch: plan.length && direction === 'up' ? batch : null, applied: [], planned: [], cancelled: false };
    for (let i = 0; i < plan.length; i++) {
      if (this.opts.signal?.aborted) {
        result.cancelled = true;
        break;
      }
      const m = plan[i];
      this.opts.onEvent?.({ type: 'start', direction, migration: m, index: i, total: plan.length });
      const started = performance.now();
      await this.runOne(direction, m, batch ?? 0);
      const executionTimeMs = performance.now() - started;
      result.applied.push({ version: m.version, name: m.name, direction, executionTimeMs });
      this.opts.onEvent?.({ type: 'done', direction, migration: m, executionTimeMs, index: i, total: plan.length });
    }
    return result;
  }

  private async runOne(direction: Direction, m: Migration, batch: number): Promise<void> {
    const record = direction === 'up'
      ? (ms?: number) => this.history.appliedSql({ version: m.version, name: m.name, checksum: m.checksum, batch, script: m.text ?? null, kind: m.kind, noTransaction: !!m.parsed?.up.noTransaction, executionTimeMs: ms })
      : (ms?: number) => this.history.rolledBackSql(m.version, ms);
    if (m.kind === 'code') return this.runCode(direction, m, batch, record());
    const section = sectionOf(m, direction)!;
    if (section.noTransaction) return this.runWithoutTransaction(direction, m, section, batch, record);
    return this.runInTransaction(direction, m, section, batch, record());
  }

  /**
   * One round trip: BEGIN, the statements, the history row and COMMIT travel as one simple query,
   * so the migration and its record commit together or not at all.
   */
  private async runInTransaction(direction: Direction, m: Migration, section: Section, batch: number, recordSql: string): Promise<void> {
    const head = 'BEGIN;\n';
    const offsets: number[] = [];
    let body = '';
    for (const s of section.statements) {
      offsets.push(head.length + body.length);
      body += s.sql + '\n;\n';
    }
    const started = performance.now();
    try {
      await this.opts.db.exec(`${head}${body}${recordSql};\nCOMMIT`);
    } catch (err) {
      const elapsed = performance.now() - started;
      await this.opts.db.exec('ROLLBACK').catch(() => undefined);
      const info = databaseErrorInfo(err);
      const recordOffset = head.length + body.length;
      const offset = info.position !== undefined ? info.position - 1 : -1;
      let index = offset >= 0 && offset < recordOffset ? statementAt(offsets, offset) : null;
      if (index === null && section.statements.length > 1) index = await this.findFailingStatement(section);
      if (index === null && section.statements.length === 1) index = 0;
      throw await this.failed(direction, m, section, batch, index, info.message, elapsed, err);
    }
  }

  /**
   * The server did not say where the error was: replay the statements one by one inside a
   * transaction that is always rolled back, to learn which one fails.
   */
  private async findFailingStatement(section: Section): Promise<number | null> {
    const db = this.opts.db;
    try {
      await db.exec('BEGIN');
      for (let i = 0; i < section.statements.length; i++) {
        try {
          await db.exec(section.statements[i].sql);
        } catch {
          return i;
        }
      }
      return null;
    } catch {
      return null;
    } finally {
      await db.exec('ROLLBACK').catch(() => undefined);
    }
  }

  /** `notransaction`: statement by statement (CREATE INDEX CONCURRENTLY cannot run in a transaction). */
  private async runWithoutTransaction(direction: Direction, m: Migration, section: Section, batch: number, record: (ms?: number) => string): Promise<void> {
    const started = performance.now();
    for (let i = 0; i < section.statements.length; i++) {
      try {
        await this.opts.db.exec(section.statements[i].sql);
      } catch (err) {
        throw await this.failed(direction, m, section, batch, i, databaseErrorInfo(err).message, performance.now() - started, err);
      }
    }
    await this.opts.db.exec(record(performance.now() - started));
  }

  private async runCode(direction: Direction, m: Migration, batch: number, recordSql: string): Promise<void> {
    const fn = direction === 'up' ? m.upFn! : m.downFn!;
    const db = this.opts.db;
    const handle: MigrationHandle = { query: (sql, params) => db.query(sql, params) };
    const started = performance.now();
    await db.exec('BEGIN');
    try {
      await fn(handle);
      await db.exec(`${recordSql};\nCOMMIT`);
    } catch (err) {
      const elapsed = performance.now() - started;
      await db.exec('ROLLBACK').catch(() => undefined);
      throw await this.failed(direction, m, null, batch, null, databaseErrorInfo(err).message, elapsed, err);
    }
  }

  /** Records the failure outside the rolled-back transaction and builds the error to throw. */
  private async failed(direction: Direction, m: Migration, section: Section | null, batch: number, index: number | null, message: string, elapsedMs: number, cause: unknown): Promise<MigrateError> {
    const line = index !== null && section ? section.statements[index]?.line ?? null : null;
    const error = new MigrationFailedError(m.version, m.name, direction, index, line, m.path ?? `code migration ${m.name}`, message, cause);
    try {
      if (direction === 'up') {
        await this.history.recordFailed({
          version: m.version, name: m.name, checksum: m.checksum, batch, script: m.text ?? null, kind: m.kind,
          noTransaction: !!section?.noTransaction, error: message, errorStatement: index, errorLine: line, executionTimeMs: elapsedMs,
        });
      } else {
        await this.history.recordDownFailure(m.version, message, index, line);
      }
    } catch (recordErr) {
      return new StateError(`${error.message}; and the failure could not be recorded: ${databaseErrorInfo(recordErr).message}`);
    }
    return error;
  }
}

function sectionOf(m: Migration, direction: Direction): Section | null {
  return direction === 'up' ? m.parsed?.up ?? null : m.parsed?.down ?? null;
}

/** Index of the statement that contains a 0-based offset into the query sent. */
function statementAt(offsets: number[], offset: number): number | null {
  if (offset < offsets[0]) return null;
  let lo = 0, hi = offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function nextBatchOf(entries: StatusEntry[]): number {
  let max = 0;
  for (const e of entries) if (e.row?.batch && e.row.batch > max) max = e.row.batch;
  return max + 1;
}

function emptyResult(batch: number | null): RunResult {
  return { batch, applied: [], planned: [], cancelled: false };
}

function who(): string {
  try {
    return process.env.USER || userInfo().username;
  } catch {
    return 'unknown user';
  }
}

function now(): string {
  return new Date().toISOString();
}
