import { databaseErrorInfo, type Database } from '../database';
import { History } from '../history';
import type { Direction, Migration, MigrationHandle, Section } from '../types';
import { appliedRecord, changesSession, dropsPrepared, recordFailure, recordSql, RESET_SESSION, sectionOf, setsLockTimeout, type RunContext } from './context';
import { concurrentIndexOf, LeftIndex } from './concurrent-index';
import { retryAfterLockTimeout, setLocalLockTimeout, watched } from './retry';

/**
 * A migration that cannot share a round trip: code, `notransaction`, or one with its own
 * BEGIN/COMMIT. File migrations go through the one statement loop below; `from` is where a resumed
 * run starts (the statements before it completed in an earlier run), and `resumed` what that run
 * recorded of statement `from`.
 */
export async function runAlone(ctx: RunContext, direction: Direction, m: Migration, batch: number, from = 0, resumed?: Resumed): Promise<void> {
  if (m.kind === 'code') return runCode(ctx, direction, m, batch);
  const section = sectionOf(m, direction)!;
  if (!section.noTransaction) {
    ctx.onEvent?.({
      type: 'info',
      message: `${m.path ?? m.version}: its own statements open and close transactions, so it runs as written, statement by statement, without a transaction around it`,
    });
  }
  try {
    return await runStatements(ctx, direction, m, section, batch, from, resumed);
  } finally {
    if (dropsPrepared(m)) ctx.history.unprepare();
  }
}

/**
 * The one statement loop: each statement in its own round trip, progress recorded as each one
 * completes, then the history row. The tracking table is written through a second session where
 * there is one: whatever a statement does to its own session (SET ROLE, search_path, DEALLOCATE
 * ALL) cannot keep the progress or the outcome from being recorded. A statement inside a
 * transaction the file opened counts as completed only once that transaction has ended (a
 * rollback takes it back), so resuming never skips a statement whose effect was undone.
 */
export async function runStatements(ctx: RunContext, direction: Direction, m: Migration, section: Section, batch: number, from: number, resumed?: Resumed): Promise<void> {
  const writer = await openWriter(ctx);
  const total = section.statements.length;
  const record = appliedRecord(m, batch, true);
  const started = performance.now();
  // The lock timeout holds for the session around the statements (SET LOCAL would end with each
  // statement's implicit transaction). In a notransaction section a statement that hits it is tried
  // again on its own: the ones before it have committed.
  const timeoutMs = ctx.lockPolicy?.timeoutMs ?? 0;
  if (timeoutMs > 0) await ctx.db.exec(`SET lock_timeout = '${Math.round(timeoutMs)}ms'`);
  try {
    await writer.history.startProgress(record, direction, from, total);
    for (let i = from; i < total; i++) {
      const failure = await runStatement(ctx, direction, m, section, i, i === from ? resumed : undefined);
      if (failure) {
        if (ctx.db.inTransaction?.() !== false) await ctx.db.exec('ROLLBACK').catch(() => undefined);
        if (writer.sameSession) await resetSession(ctx.db, m);
        throw await recordFailure({ ...ctx, history: writer.history }, direction, m, section, batch, i, failure.message, performance.now() - started, failure.error, { partial: true });
      }
      // Outside a transaction of the file's own: this statement and all before it are durable.
      if (ctx.db.inTransaction?.() !== true) await writer.history.recordProgress(m.version, i + 1, writer.sameSession && changesSession(m));
    }
    if (writer.sameSession) await resetSession(ctx.db, m);
    const elapsed = performance.now() - started;
    await writer.history.write(
      direction === 'up' ? writer.history.appliedSqlPlain({ ...record, executionTimeMs: elapsed }) : writer.history.rolledBackSqlPlain(m.version, elapsed),
    );
  } finally {
    if (timeoutMs > 0 || setsLockTimeout(m)) await ctx.db.exec('RESET lock_timeout').catch(() => undefined);
    await writer.close();
    // The next migration starts from the session as we opened it.
    if (!writer.sameSession) await resetSession(ctx.db, m).catch(() => undefined);
  }
}

/** A partial migration taken up again: the error recorded for the statement it resumes at. */
export interface Resumed {
  error: string | null;
}

/**
 * One statement, tried again after a lock timeout in a notransaction section. A CREATE INDEX
 * CONCURRENTLY that fails leaves an invalid index: the one it left is dropped before the next try,
 * or at once when no try follows (so that a resume starts clean). Returns the failure to record.
 */
async function runStatement(ctx: RunContext, direction: Direction, m: Migration, section: Section, i: number, resumed: Resumed | undefined): Promise<{ error: unknown; message: string } | null> {
  const statement = section.statements[i];
  const outside = ctx.db.inTransaction?.() !== true;
  const cic = outside ? concurrentIndexOf(statement.sql) : null;
  const where = `${m.path ?? m.version}:${statement.line} (statement ${i + 1})`;
  const index = cic ? new LeftIndex(ctx, cic, where, direction) : null;
  if (index && resumed) await index.resuming(resumed.error);
  for (let tries = 1; ; tries++) {
    const at = { statement: false }; // false while dropping what the last try left
    const r = await watched(ctx, async () => {
      await index?.dropLeft();
      at.statement = true;
      await index?.before();
      await ctx.db.exec(statement.sql);
    });
    if (r.ok) {
      await index?.checkKept();
      return null;
    }
    const err = r.error;
    const failedStatement = at.statement;
    if (index && failedStatement) await index.afterFailure(err);
    if (section.noTransaction && ctx.db.inTransaction?.() !== true && (await retryAfterLockTimeout(ctx, err, tries, { version: m.version, name: m.name, statement: i }, r.blockers))) continue;
    const message = databaseErrorInfo(err).message;
    if (!index) return { error: err, message };
    if (!failedStatement) return { error: err, message: index.dropFailedText(message) };
    return { error: err, message: message + (await index.finalNote()) };
  }
}

/** Undoes what a migration may have done to the session: who it is, its search_path, its prepared statements. */
async function resetSession(db: Database, m: Migration): Promise<void> {
  if (changesSession(m)) await db.exec(RESET_SESSION);
}

interface Writer {
  history: History;
  sameSession: boolean;
  close(): Promise<void>;
}

/** A second session for the tracking table where the database has one (PostgreSQL), else this one (PGlite). */
async function openWriter(ctx: RunContext): Promise<Writer> {
  const sibling = ctx.db.openSibling ? await ctx.db.openSibling().catch(() => null) : null;
  if (!sibling) return { history: ctx.history, sameSession: true, close: async () => undefined };
  return { history: new History(sibling, ctx.history.schema, ctx.history.table), sameSession: false, close: () => sibling.close() };
}

async function runCode(ctx: RunContext, direction: Direction, m: Migration, batch: number): Promise<void> {
  const fn = direction === 'up' ? m.upFn! : m.downFn!;
  const db = ctx.db;
  const handle: MigrationHandle = { query: (sql, params) => db.query(sql, params) };
  const started = performance.now();
  await db.exec('BEGIN;\n' + setLocalLockTimeout(ctx.lockPolicy));
  try {
    await fn(handle);
    await db.exec(`RESET lock_timeout;\n${recordSql(ctx, direction, m, batch)};\nCOMMIT`);
  } catch (err) {
    const elapsed = performance.now() - started;
    await db.exec('ROLLBACK').catch(() => undefined);
    throw await recordFailure(ctx, direction, m, null, batch, null, databaseErrorInfo(err).message, elapsed, err);
  }
}
