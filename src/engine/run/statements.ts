import { databaseErrorInfo } from '../database';
import type { Direction, Migration, MigrationHandle, Section } from '../types';
import { recordFailure, recordSql, sectionOf, type RunContext } from './context';
import { retryAfterLockTimeout, setLocalLockTimeout, watched } from './retry';

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

/**
 * The one statement loop: each statement in its own round trip, then the history row. The lock
 * timeout is set for the session around it (SET LOCAL would end with each statement's implicit
 * transaction); in a notransaction section a statement that hits it is tried again on its own,
 * since the ones before it have committed.
 */
export async function runStatements(ctx: RunContext, direction: Direction, m: Migration, section: Section, batch: number, opts: LoopOptions): Promise<void> {
  const started = performance.now();
  const timeoutMs = ctx.lockPolicy?.timeoutMs ?? 0;
  if (timeoutMs > 0) await ctx.db.exec(`SET lock_timeout = '${Math.round(timeoutMs)}ms'`);
  try {
    for (let i = 0; i < section.statements.length; i++) {
      for (let tries = 1; ; tries++) {
        const r = await watched(ctx, () => ctx.db.exec(section.statements[i].sql));
        if (r.ok) break;
        if (opts.rollbackOnError) await ctx.db.exec('ROLLBACK').catch(() => undefined);
        if (section.noTransaction && (await retryAfterLockTimeout(ctx, r.error, tries, { version: m.version, name: m.name, statement: i }, r.blockers))) continue;
        throw await recordFailure(ctx, direction, m, section, batch, i, databaseErrorInfo(r.error).message, performance.now() - started, r.error);
      }
    }
    await ctx.db.exec(recordSql(ctx, direction, m, batch, performance.now() - started));
  } finally {
    if (timeoutMs > 0) await ctx.db.exec('RESET lock_timeout').catch(() => undefined);
  }
}

async function runCode(ctx: RunContext, direction: Direction, m: Migration, batch: number): Promise<void> {
  const fn = direction === 'up' ? m.upFn! : m.downFn!;
  const db = ctx.db;
  const handle: MigrationHandle = { query: (sql, params) => db.query(sql, params) };
  const started = performance.now();
  await db.exec('BEGIN;\n' + setLocalLockTimeout(ctx.lockPolicy));
  try {
    await fn(handle);
    await db.exec(`${recordSql(ctx, direction, m, batch)};\nCOMMIT`);
  } catch (err) {
    const elapsed = performance.now() - started;
    await db.exec('ROLLBACK').catch(() => undefined);
    throw await recordFailure(ctx, direction, m, null, batch, null, databaseErrorInfo(err).message, elapsed, err);
  }
}
