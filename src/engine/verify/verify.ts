// Round trip of every migration: Up one by one, then each Down newest first, checking after each
// that the schema is the one its Up started from, then Up again. The Ups and Downs run through the
// Migrator like any `up` and `down` (in one locked session); this file only orders them and compares snapshots.
import type { Database } from '../database';
import { MigrateError, MigrationFailedError, NoDownError, StateError } from '../errors';
import { Migrator, type MigratorOptions, type MigratorSession } from '../migrator';
import { databaseErrorInfo } from '../database';
import type { CodeMigrationDefinition, Migration } from '../types';
import { diffSnapshots, type SchemaDifference } from './diff';
import { Snapshotter, type Snapshot } from './snapshot';

/** Options of {@link verifyMigrations}. */
export interface VerifyOptions {
  /** A database verify may change freely; it must hold no table (verify refuses one that does). */
  db: Database;
  /** Folder of `.sql` migrations. */
  migrationsDir?: string;
  /** Tracking table and its schema (default `public.schema_migrations`): left out of every comparison. */
  table?: string;
  schema?: string;
  /** Code migrations for this run only, beside the globally registered ones. */
  codeMigrations?: CodeMigrationDefinition[];
  /** Include migrations registered with `registerMigration` (default true). */
  useGlobalRegistry?: boolean;
  /** Checked between steps: verify stops cleanly and says it was cancelled. */
  signal?: AbortSignal;
  /**
   * At the end (after a pass or a failure, not after a cancel), roll back every migration still
   * applied, newest first, as far as their Downs go: for a scratch database that is dropped next, so
   * that what migrations make on the server outside the database (roles, tablespaces), which the
   * drop leaves, is dropped by their Downs. A Down that fails there is not reported (the result is
   * already known) and stops it.
   */
  rollBackAtEnd?: boolean;
  /** Each step as it starts. */
  onProgress?: (event: VerifyProgress) => void;
}

/** A step of verify: `up` (first pass, one by one), `down` (newest first, each checked), `reapply` (everything again). */
export interface VerifyProgress {
  phase: 'up' | 'down' | 'reapply';
  version: string | null;
  name: string | null;
  /** 0-based position in this phase. */
  index: number;
  total: number;
}

/** Where a failing migration is: its file (null for a code migration) and the line of its Down (or of the failing statement). */
export interface VerifyLocation {
  version: string;
  name: string;
  /** Absolute path of the file; null for a code migration. */
  file: string | null;
  /** 1-based line: the `-- +migrate Down` directive, or the statement that failed; null when unknown. */
  line: number | null;
}

/**
 * Why verify failed, when it did:
 * - `schema`: the migration's Down ran but left the schema different from before its Up;
 * - `no-down`: the migration has no Down, so it (and every migration before it) cannot be rolled back;
 * - `error`: a statement failed (phase `up`, `down` or `reapply`); `message` is the database's error;
 * - `unsupported`: the embedded PGlite cannot run the migration (an extension it lacks); run on a server;
 * - `reapply`: after every Down and every Up again, the schema differs from the first pass (an Up
 *   that does not build the same schema twice).
 */
export type VerifyFailure =
  | ({ kind: 'schema'; differences: SchemaDifference[] } & VerifyLocation)
  | ({ kind: 'no-down' } & VerifyLocation)
  | ({ kind: 'error' | 'unsupported'; phase: 'up' | 'down' | 'reapply'; message: string; extension?: string } & VerifyLocation)
  | { kind: 'reapply'; differences: SchemaDifference[] };

/** What verify found. `ok`: every Down restored its Up's starting schema and everything applied again. */
export interface VerifyResult {
  ok: boolean;
  /** Migrations known (files and code). */
  migrations: number;
  /** Downs run and compared, newest first, before the failure if there was one. */
  verified: number;
  failure: VerifyFailure | null;
  /** Stopped between steps by the signal. */
  cancelled: boolean;
  elapsedMs: number;
}

/**
 * Verifies that every migration's Down undoes its Up, on `options.db`, which must hold no table:
 * applies each migration on its own (a snapshot of the catalogs before each), then rolls each back,
 * newest first, comparing the schema after its Down with the one before its Up, and stops at the
 * first that differs; then applies everything again. The database is left with every migration
 * applied (or as the failure left it).
 */
export async function verifyMigrations(options: VerifyOptions): Promise<VerifyResult> {
  const started = performance.now();
  const schema = options.schema ?? 'public';
  const table = options.table ?? 'schema_migrations';
  const db = options.db;
  await refuseNonEmpty(db);
  const migratorOptions: MigratorOptions = {
    db,
    migrationsDir: options.migrationsDir,
    table,
    schema,
    allowOutOfOrder: true,
    signal: options.signal,
    useGlobalRegistry: options.useGlobalRegistry,
  };
  const migrator = new Migrator(migratorOptions);
  for (const d of options.codeMigrations ?? []) migrator.register(d);
  const snapshots = new Snapshotter(db, { trackingSchema: schema, trackingTable: table });
  // One locked session for every step: the folder is read and the tracking table checked once.
  return migrator.session(async (session) => {
    const result = await roundTrip(session, db, () => snapshots.take(), options, started);
    if (options.rollBackAtEnd && !result.cancelled) await session.down({ all: true }).catch(() => undefined);
    return result;
  });
}

/** The three passes, in one migrator session. */
async function roundTrip(session: MigratorSession, db: Database, snap: () => Promise<Snapshot>, options: VerifyOptions, started: number): Promise<VerifyResult> {
  const migrations = session.migrations;
  const result = (failure: VerifyFailure | null, verified: number, cancelled = false): VerifyResult => ({
    ok: !failure && !cancelled,
    migrations: migrations.length,
    verified,
    failure,
    cancelled,
    elapsedMs: performance.now() - started,
  });
  const progress = (phase: VerifyProgress['phase'], m: Migration | null, index: number, total: number) =>
    options.onProgress?.({ phase, version: m?.version ?? null, name: m?.name ?? null, index, total });

  // First pass: each Up on its own, the schema it starts from kept.
  const before: Snapshot[] = [];
  for (let i = 0; i < migrations.length; i++) {
    const m = migrations[i];
    if (options.signal?.aborted) return result(null, 0, true);
    progress('up', m, i, migrations.length);
    before.push(await snap());
    const failure = await step(db, 'up', m, () => session.up({ only: m.version }));
    if (failure === 'cancelled') return result(null, 0, true);
    if (failure) return result(failure, 0);
  }
  const applied = await snap();

  // Each Down, newest first, compared with the schema its Up started from.
  let verified = 0;
  for (let i = migrations.length - 1; i >= 0; i--) {
    const m = migrations[i];
    if (options.signal?.aborted) return result(null, verified, true);
    progress('down', m, migrations.length - 1 - i, migrations.length);
    const failure = await step(db, 'down', m, () => session.down({ only: m.version }));
    if (failure === 'cancelled') return result(null, verified, true);
    if (failure) return result(failure, verified);
    const differences = diffSnapshots(before[i], await snap());
    if (differences.length) return result({ kind: 'schema', ...location(m, downLine(m)), differences }, verified);
    verified++;
  }

  // Everything again, as one run: a Down that left something behind an Up trips on shows here too.
  if (migrations.length) {
    if (options.signal?.aborted) return result(null, verified, true);
    progress('reapply', null, 0, 1);
    const failure = await step(db, 'reapply', null, () => session.up());
    if (failure === 'cancelled') return result(null, verified, true);
    if (failure) return result(failure, verified);
    const differences = diffSnapshots(applied, await snap());
    if (differences.length) return result({ kind: 'reapply', differences }, verified);
  }
  return result(null, verified);
}

/** Runs one Up or Down (or everything again) and turns what went wrong into a failure. */
async function step(
  db: Database,
  phase: VerifyProgress['phase'],
  m: Migration | null,
  run: () => Promise<{ cancelled: boolean }>,
): Promise<VerifyFailure | 'cancelled' | null> {
  try {
    return (await run()).cancelled ? 'cancelled' : null;
  } catch (err) {
    if (err instanceof NoDownError && m) return { kind: 'no-down', ...location(m, null) };
    if (err instanceof MigrationFailedError) {
      const missing = /extension "([^"]+)" is not available|could not open extension control file ".*\/([^/"]+)\.control"/.exec(err.dbMessage);
      const where: VerifyLocation = { version: err.version, name: err.migrationName, file: m?.kind === 'code' || err.file.startsWith('code migration') ? null : err.file, line: err.line };
      if (missing && db.kind === 'pglite') {
        return { kind: 'unsupported', phase, ...where, message: err.dbMessage, extension: missing[1] ?? missing[2] };
      }
      return { kind: 'error', phase, ...where, message: err.dbMessage };
    }
    if (err instanceof MigrateError) throw err;
    const info = databaseErrorInfo(err);
    throw new StateError(`verify stopped${m ? ` at migration ${m.version} (${phase})` : ''}: ${info.message}`);
  }
}

function location(m: Migration, line: number | null): VerifyLocation {
  return { version: m.version, name: m.name, file: m.kind === 'code' ? null : m.path ?? null, line };
}

function downLine(m: Migration): number | null {
  return m.kind === 'file' ? m.parsed?.down?.line ?? null : null;
}

/**
 * verify changes the database it is given as it likes, so it takes only one that holds nothing of
 * anyone's: no table, view, sequence or other relation in a schema of the user's.
 */
async function refuseNonEmpty(db: Database): Promise<void> {
  const rows = await db.query<{ name: string; n: number }>(
    `SELECT n.nspname || '.' || c.relname AS name, count(*) OVER ()::int AS n
     FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
       AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
     ORDER BY 1 LIMIT 3`,
  );
  if (rows.length) {
    const n = rows[0].n;
    throw new StateError(
      `verify refuses ${db.description}: it holds ${n} table${n === 1 ? '' : 's'} or other relation${n === 1 ? '' : 's'} (${rows.map((r) => r.name).join(', ')}${n > 3 ? ', ...' : ''}); ` +
        `verify runs only on an empty database, since it applies and rolls back every migration there`,
    );
  }
}

