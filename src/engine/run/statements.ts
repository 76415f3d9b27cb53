import { databaseErrorInfo } from '../database';
import type { Direction, Migration, MigrationHandle, Section } from '../types';
import { recordFailure, recordSql, sectionOf, type RunContext } from './context';

/**
 * A migration that cannot share a round trip: code, `notransaction`, or one with its own
 * BEGIN/COMMIT. File migrations go through the one statement loop below.
 */
export async function runAlone(ctx: RunContext, direction: Direction, m: Migration, batch: number): Promise<void> {
  if (m.kind === 'code') return runCode(ctx, direction, m, batch);
  const section = sectionOf(m, direction)!;
  // `notransaction` (CREATE INDEX CONCURRENTLY cannot run in a transaction), or its own transaction
  // control: sent as written, statement by statement, recorded afterwards.
  return runStatements(ctx, direction, m, section, batch, { rollbackOnError: !section.noTransaction });
}

interface LoopOptions {
  /** The file opens its own transactions: one may be open when a statement fails. */
  rollbackOnError: boolean;
}

/** The one statement loop: each statement in its own round trip, then the history row. */
export async function runStatements(ctx: RunContext, direction: Direction, m: Migration, section: Section, batch: number, opts: LoopOptions): Promise<void> {
  const started = performance.now();
  for (let i = 0; i < section.statements.length; i++) {
    try {
      await ctx.db.exec(section.statements[i].sql);
    } catch (err) {
      if (opts.rollbackOnError) await ctx.db.exec('ROLLBACK').catch(() => undefined);
      throw await recordFailure(ctx, direction, m, section, batch, i, databaseErrorInfo(err).message, performance.now() - started, err);
    }
  }
  await ctx.db.exec(recordSql(ctx, direction, m, batch, performance.now() - started));
}

async function runCode(ctx: RunContext, direction: Direction, m: Migration, batch: number): Promise<void> {
  const fn = direction === 'up' ? m.upFn! : m.downFn!;
  const db = ctx.db;
  const handle: MigrationHandle = { query: (sql, params) => db.query(sql, params) };
  const started = performance.now();
  await db.exec('BEGIN');
  try {
    await fn(handle);
    await db.exec(`${recordSql(ctx, direction, m, batch)};\nCOMMIT`);
  } catch (err) {
    const elapsed = performance.now() - started;
    await db.exec('ROLLBACK').catch(() => undefined);
    throw await recordFailure(ctx, direction, m, null, batch, null, databaseErrorInfo(err).message, elapsed, err);
  }
}
