import { databaseErrorInfo, type Database } from '../database';
import { MigrateError, MigrationFailedError, StateError } from '../errors';
import type { History } from '../history';
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

/** SQL that records a migration as applied (Up) or rolled back (Down), to run in its own transaction. */
export function recordSql(ctx: RunContext, direction: Direction, m: Migration, batch: number, executionTimeMs?: number): string {
  return direction === 'up'
    ? ctx.history.appliedSql({ version: m.version, name: m.name, checksum: m.checksum, batch, script: m.text ?? null, kind: m.kind, noTransaction: !!sectionOf(m, 'up')?.noTransaction, executionTimeMs })
    : ctx.history.rolledBackSql(m.version, executionTimeMs);
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
): Promise<MigrateError> {
  const line = index !== null && section ? section.statements[index]?.line ?? null : null;
  const error = new MigrationFailedError(m.version, m.name, direction, index, line, m.path ?? `code migration ${m.name}`, message, cause);
  try {
    if (direction === 'up') {
      await ctx.history.recordFailed({
        version: m.version, name: m.name, checksum: m.checksum, batch, script: m.text ?? null, kind: m.kind,
        noTransaction: !!section?.noTransaction, error: message, errorStatement: index, errorLine: line, executionTimeMs: elapsedMs,
      });
    } else {
      await ctx.history.recordDownFailure(m.version, message, index, line);
    }
  } catch (recordErr) {
    return new StateError(`${error.message}; and the failure could not be recorded: ${databaseErrorInfo(recordErr).message}`);
  }
  return error;
}
