import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { databaseErrorInfo, type Database } from './database';
import { MigrateError, MigrationFailedError, StateError, UnknownVersionError } from './errors';
import { History } from './history';
import { AdvisoryLock, lockKey } from './lock';
import { buildStatus, isApplied, planDown, planUp, type DownOptions, type UpOptions } from './plan';
import { codeMigration, registeredMigrations } from './registry';
import { loadMigrationsAsync } from './source';
import { DEFAULT_LOCK_TIMEOUT_MS, type Settings } from './config';
import type { CodeMigrationDefinition, Direction, HistoryRow, Migration, MigrationHandle, RunEvent, RunResult, Section, StatusEntry } from './types';

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
  /**
   * The folder, already being read by `loadMigrationsAsync(migrationsDir, { lazyParse: true })`: a
   * caller that starts it before connecting has it read while the connection is set up. The first
   * command uses it; later ones read the folder again.
   */
  folderRead?: Promise<Migration[]>;
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
    const reading = this.history.exists().then((exists) => (exists ? this.history.read() : []));
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
      // The folder was read (and checked) when the lock was taken; only the rows changed since.
      const migrations = entries.flatMap((e) => (e.migration ? [e.migration] : []));
      const after = buildStatus(migrations, await this.history.read());
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

  /** Rows whose file is gone get their stored copy: it is what status shows and down runs. */
  private async withScripts(entries: StatusEntry[]): Promise<StatusEntry[]> {
    await this.history.attachScripts(entries.filter((e) => !e.migration && e.row).map((e) => e.row!));
    return entries;
  }

  private entry(entries: StatusEntry[], version: string): StatusEntry {
    const e = entries.find((x) => x.version === version);
    if (!e) throw new UnknownVersionError(version);
    return e;
  }

  /**
   * Lock, read history once, check every file that is to run, make sure the table exists, run,
   * unlock. A folder that does not validate stops us before the table is even created.
   */
  private async locked(body: (entries: StatusEntry[], nextBatch: number) => Promise<RunResult>): Promise<RunResult> {
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
    const total = plan.length;
    if (total) await this.history.prepare();
    let i = 0;
    while (i < total) {
      if (this.opts.signal?.aborted) {
        result.cancelled = true;
        break;
      }
      let j = i;
      let bytes = 0;
      const limit = this.opts.db.openSibling ? CHUNK_MIGRATIONS : 1;
      while (j < total && j - i < limit && bytes < CHUNK_BYTES && chunkable(plan[j], direction)) bytes += plan[j++].text!.length;
      if (j > i) {
        await this.runChunk(direction, plan.slice(i, j), batch ?? 0, i, total, result);
        i = j;
        continue;
      }
      const m = plan[i];
      this.opts.onEvent?.({ type: 'start', direction, migration: m, index: i, total });
      const started = performance.now();
      await this.runAlone(direction, m, batch ?? 0);
      this.done(result, direction, m, performance.now() - started, i, total);
      i++;
    }
    return result;
  }

  private done(result: RunResult, direction: Direction, m: Migration, executionTimeMs: number, index: number, total: number): void {
    result.applied.push({ version: m.version, name: m.name, direction, executionTimeMs });
    this.opts.onEvent?.({ type: 'done', direction, migration: m, executionTimeMs, index, total });
  }

  /**
   * Several transactional migrations in one round trip. A simple query may hold many statements, and
   * BEGIN/COMMIT inside it divide it into separate transactions: each migration still commits alone
   * with its history row, and the server stops executing the string at the first error, so nothing
   * after a failing migration runs. All but the chunk's last commit skip waiting for the WAL flush
   * (synchronous_commit off, scoped to the transaction); the last one waits, and the flush makes
   * every earlier commit durable with it. So a migration is durable before it is reported applied:
   * a crash in a later chunk cannot take back what a run has already said.
   */
  private async runChunk(direction: Direction, chunk: Migration[], batch: number, first: number, total: number, result: RunResult): Promise<void> {
    const parts: string[] = [];
    const starts: number[][] = []; // per migration: offset of each statement in the query text
    const ends: number[] = []; // per migration: offset where its statements end (its history row follows)
    let length = 0;
    const push = (text: string) => {
      parts.push(text);
      length += text.length;
    };
    const stopKey = randomBytes(8).readBigInt64BE(0);
    chunk.forEach((m, k) => {
      const section = sectionOf(m, direction)!;
      push(k === chunk.length - 1 ? 'BEGIN;\n' : 'BEGIN;\nSET LOCAL synchronous_commit = off;\n');
      if (k > 0) push(stopGuard(stopKey));
      starts.push(section.statements.map((st) => {
        const at = length;
        push(st.sql + '\n;\n');
        return at;
      }));
      ends.push(length);
      push(this.recordSql(direction, m, batch) + ';\nCOMMIT;\n');
    });
    if (chunk.length) this.opts.onEvent?.({ type: 'start', direction, migration: chunk[0], index: first, total });
    const started = performance.now();
    let failure: unknown = null;
    const stopper = this.stopOnAbort(stopKey, chunk.length > 1);
    try {
      await this.opts.db.exec(parts.join(''));
    } catch (err) {
      failure = err;
      await this.opts.db.exec('ROLLBACK').catch(() => undefined);
    } finally {
      await stopper.release();
    }
    const elapsed = performance.now() - started;
    let times: Map<string, { ms: number; status: string }>;
    try {
      times = await this.executionTimes(chunk);
    } catch (err) {
      if (!failure) throw err;
      // The session is gone (terminated, server restarted): each migration committed or not as a whole.
      const cause = databaseErrorInfo(failure).message;
      throw new StateError(`the run stopped while applying ${chunk[0].path ?? chunk[0].version}${chunk.length > 1 ? ` (or one of the ${chunk.length - 1} after it)` : ''}: ${cause}; every migration is either fully applied and recorded or not at all; run "status", then "up" again`);
    }
    const doneState = direction === 'up' ? 'applied' : 'rollback';
    let k = 0;
    while (k < chunk.length && (!failure || times.get(chunk[k].version)?.status === doneState)) k++;
    // Stopped before the chunk's last commit, the one that waits for the WAL flush: flush now, so
    // what is reported applied is durable. Should the flush fail, the error to report is still the
    // migration's (and recording it commits with a flush of its own).
    if (failure && k > 0) await this.history.flush().catch(() => undefined);
    for (let i = 0; i < k; i++) {
      if (i > 0) this.opts.onEvent?.({ type: 'start', direction, migration: chunk[i], index: first + i, total });
      this.done(result, direction, chunk[i], times.get(chunk[i].version)?.ms ?? elapsed / chunk.length, first + i, total);
    }
    if (!failure) return;
    if (isStopGuard(failure)) {
      // Asked to stop: the migrations before this one committed, this one never began.
      result.cancelled = true;
      return;
    }
    const m = chunk[k] ?? chunk[chunk.length - 1];
    const section = sectionOf(m, direction)!;
    const info = databaseErrorInfo(failure);
    const offset = info.position !== undefined ? info.position - 1 : -1;
    const own = starts[k] ?? [];
    let index = own.length && offset >= own[0] && offset < ends[k] ? statementAt(own, offset) : null;
    if (index === null && section.statements.length > 1) index = await this.findFailingStatement(section);
    if (index === null && section.statements.length === 1) index = 0;
    throw await this.failed(direction, m, section, batch, index, info.message, elapsed, failure);
  }

  /**
   * While a chunk runs, an abort takes the chunk's stop key exclusively from a second session: the
   * migration in progress finishes and commits, and the next one's guard fails before it begins.
   */
  private stopOnAbort(stopKey: bigint, useful: boolean): { release(): Promise<void> } {
    const signal = this.opts.signal;
    const openSibling = this.opts.db.openSibling?.bind(this.opts.db);
    if (!signal || !useful || !openSibling) return { release: async () => undefined };
    let sibling: Promise<Database | null> | null = null;
    const onAbort = () => {
      sibling = openSibling()
        .then(async (db) => {
          await db.query('SELECT pg_advisory_lock($1::bigint)', [stopKey.toString()]);
          return db;
        })
        .catch(() => null);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    return {
      release: async () => {
        signal.removeEventListener('abort', onAbort);
        const db = await sibling;
        await db?.close();
      },
    };
  }

  /** Server-measured execution times (and states) of the chunk's migrations, in one query. */
  private async executionTimes(chunk: Migration[]): Promise<Map<string, { ms: number; status: string }>> {
    const rows = await this.opts.db.query<{ version: string; status: string; execution_time_ms: number | null }>(
      `SELECT version::text AS version, status, execution_time_ms FROM ${this.history.qualified} WHERE version = ANY($1::bigint[])`,
      [chunk.map((m) => m.version)],
    );
    return new Map(rows.map((r) => [r.version, { ms: Number(r.execution_time_ms ?? 0), status: r.status }]));
  }

  private recordSql(direction: Direction, m: Migration, batch: number, executionTimeMs?: number): string {
    return direction === 'up'
      ? this.history.appliedSql({ version: m.version, name: m.name, checksum: m.checksum, batch, script: m.text ?? null, kind: m.kind, noTransaction: !!sectionOf(m, 'up')?.noTransaction, executionTimeMs })
      : this.history.rolledBackSql(m.version, executionTimeMs);
  }

  /** A migration that cannot share a round trip: code, notransaction, or one with its own BEGIN/COMMIT. */
  private async runAlone(direction: Direction, m: Migration, batch: number): Promise<void> {
    if (m.kind === 'code') return this.runCode(direction, m, batch, this.recordSql(direction, m, batch));
    const section = sectionOf(m, direction)!;
    if (section.noTransaction) return this.runWithoutTransaction(direction, m, section, batch);
    // Its own transaction control: sent as written, recorded afterwards.
    const started = performance.now();
    for (let i = 0; i < section.statements.length; i++) {
      try {
        await this.opts.db.exec(section.statements[i].sql);
      } catch (err) {
        await this.opts.db.exec('ROLLBACK').catch(() => undefined);
        throw await this.failed(direction, m, section, batch, i, databaseErrorInfo(err).message, performance.now() - started, err);
      }
    }
    await this.opts.db.exec(this.recordSql(direction, m, batch, performance.now() - started));
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
  private async runWithoutTransaction(direction: Direction, m: Migration, section: Section, batch: number): Promise<void> {
    const started = performance.now();
    for (let i = 0; i < section.statements.length; i++) {
      try {
        await this.opts.db.exec(section.statements[i].sql);
      } catch (err) {
        throw await this.failed(direction, m, section, batch, i, databaseErrorInfo(err).message, performance.now() - started, err);
      }
    }
    await this.opts.db.exec(this.recordSql(direction, m, batch, performance.now() - started));
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

/** Migrations per round trip, and bytes of SQL: bounds how long a cancel waits and how much one message holds. */
const CHUNK_MIGRATIONS = 100;
const CHUNK_BYTES = 4 << 20;

const TRANSACTION_CONTROL = /^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*(?:begin|commit|rollback(?!\s+to\b)|start\s+transaction|end|abort|prepare\s+transaction)\b/i;

/** A file migration that runs in a transaction we open and that does not open or close one itself. */
function chunkable(m: Migration, direction: Direction): boolean {
  if (m.kind !== 'file' || m.text === undefined) return false;
  const section = sectionOf(m, direction);
  return !!section && !section.noTransaction && !section.statements.some((s) => TRANSACTION_CONTROL.test(s.sql));
}

const STOP_MESSAGE = 'migrate-lens: stopped before this migration';

/**
 * Before each migration of a chunk but the first: passes while nobody holds the key exclusively,
 * else fails with a message of its own. The CASE depends on a function call, so it is evaluated
 * when it runs, not folded while planning.
 */
function stopGuard(key: bigint): string {
  return `SELECT (CASE WHEN pg_try_advisory_xact_lock_shared(${key.toString()}) THEN '1' ELSE '${STOP_MESSAGE}' END)::int;\n`;
}

function isStopGuard(err: unknown): boolean {
  return String((err as Error)?.message ?? '').includes(STOP_MESSAGE);
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
  for (const e of entries) if (e.row?.batch && e.row.status !== 'failed' && e.row.batch > max) max = e.row.batch;
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
