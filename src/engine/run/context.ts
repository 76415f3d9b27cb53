import { databaseErrorInfo, type Database } from '../database';
import { MigrateError, MigrationFailedError, StateError } from '../errors';
import type { AppliedRecord, History } from '../history';
import type { Direction, Migration, RunEvent, Section } from '../types';
import type { LockPolicy } from './retry';

/** What every part of a run shares: the locked session, the tracking table, the caller's hooks. */
export interface RunContext {
  db: Database;
  history: History;
  onEvent?: (event: RunEvent) => void;
  /** Checked between migrations: a run stops cleanly before the next one. */
  signal?: AbortSignal;
  /** lock_timeout per migration and retries on SQLSTATE 55P03 (see retry.ts). */
  lockPolicy?: LockPolicy;
}

export function sectionOf(m: Migration, direction: Direction): Section | null {
  return direction === 'up' ? m.parsed?.up ?? null : m.parsed?.down ?? null;
}

/** What the tracking table keeps of an applied migration. `outsideTransaction`: it ran statement by statement. */
export function appliedRecord(m: Migration, batch: number, outsideTransaction = !!sectionOf(m, 'up')?.noTransaction): AppliedRecord {
  return { version: m.version, name: m.name, checksum: m.checksum, batch, script: m.text ?? null, kind: m.kind, noTransaction: outsideTransaction };
}

/**
 * SQL that records a migration as applied (Up) or rolled back (Down), to run in its own
 * transaction. A migration that may have dropped the session's prepared statements gets the plain
 * statement instead of the prepared one.
 */
export function recordSql(ctx: RunContext, direction: Direction, m: Migration, batch: number, executionTimeMs?: number): string {
  const plain = dropsPrepared(m);
  if (direction === 'up') {
    const r = { ...appliedRecord(m, batch), executionTimeMs };
    return plain ? ctx.history.appliedSqlPlain(r) : ctx.history.appliedSql(r);
  }
  return plain ? ctx.history.rolledBackSqlPlain(m.version, executionTimeMs) : ctx.history.rolledBackSql(m.version, executionTimeMs);
}

/**
 * Brings the session back to who we connected as, with the default search_path: written before a
 * migration's history row when its text can change them (SET ROLE, SET SESSION AUTHORIZATION,
 * search_path, set_config), so that the row is written, and the next migration starts, as the
 * session we opened. A check of the text, not of the session: it costs nothing where it is not needed.
 */
export const RESET_SESSION = 'RESET SESSION AUTHORIZATION;\nRESET ROLE;\nRESET search_path;\n';
const SESSION_WORDS = /\b(?:role|authorization|search_path|set_config)\b/i;
const PREPARED_WORDS = /\b(?:deallocate|discard)\b/i;

export function changesSession(m: Migration): boolean {
  return m.text !== undefined && SESSION_WORDS.test(m.text);
}

/**
 * The migration may set lock_timeout for its session (a plain `SET lock_timeout`, not SET LOCAL,
 * outlives its transaction): it is reset after it, so that its value holds for it alone, never for
 * the migrations after it nor the tracking table's writes. A code migration's text is not known.
 */
export function setsLockTimeout(m: Migration): boolean {
  return m.kind === 'code' || (m.text !== undefined && /lock_timeout/i.test(m.text));
}

/** DEALLOCATE ALL or DISCARD ALL would take the prepared history statements with them. */
export function dropsPrepared(m: Migration): boolean {
  return m.text !== undefined && PREPARED_WORDS.test(m.text);
}

/** Records the failure outside the rolled-back transaction and builds the error to throw. */
export async function recordFailure(
  ctx: RunContext,
  direction: Direction,
  m: Migration,
  section: Section | null,
  batch: number,
  index: number | null,
  message: string,
  elapsedMs: number,
  cause: unknown,
  opts: { partial?: boolean } = {},
): Promise<MigrateError> {
  const line = index !== null && section ? section.statements[index]?.line ?? null : null;
  const error = new MigrationFailedError(m.version, m.name, direction, index, line, m.path ?? `code migration ${m.name}`, message, cause);
  try {
    if (direction === 'up') {
      await ctx.history.recordFailed({
        version: m.version, name: m.name, checksum: m.checksum, batch, script: m.text ?? null, kind: m.kind,
        noTransaction: !!opts.partial || !!section?.noTransaction, error: message, errorStatement: index, errorLine: line, executionTimeMs: elapsedMs,
        status: opts.partial ? 'partial' : 'failed',
      });
    } else {
      await ctx.history.recordDownFailure(m.version, message, index, line, !!opts.partial);
    }
  } catch (recordErr) {
    return new StateError(`${error.message}; and the failure could not be recorded: ${databaseErrorInfo(recordErr).message}`);
  }
  return error;
}
