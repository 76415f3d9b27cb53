import { databaseErrorInfo, type Database } from '../database';
import { StateError } from '../errors';
import type { Direction, Migration, Section } from '../types';
import { changesSession, recordFailure, recordSql, RESET_SESSION, sectionOf, setsLockTimeout, type RunContext } from './context';
import { setLocalLockTimeout } from './retry';

/** Migrations per round trip, and bytes of SQL: bounds how long a cancel waits and how much one message holds. */
export const CHUNK_MIGRATIONS = 100;
export const CHUNK_BYTES = 4 << 20;

const TRANSACTION_CONTROL = /^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*(?:begin|commit|rollback(?!\s+(?:(?:work|transaction)\s+)?to\b)|start\s+transaction|end|abort|prepare\s+transaction)\b/i;

/** A file migration that runs in a transaction we open and that does not open or close one itself. */
export function chunkable(m: Migration, direction: Direction): boolean {
  if (m.kind !== 'file' || m.text === undefined) return false;
  const section = sectionOf(m, direction);
  return !!section && !section.noTransaction && !ownTransactions(section);
}

/** A section whose own top-level statements open or close transactions: it runs as written, without one around it. */
export function ownTransactions(section: Section): boolean {
  return section.statements.some((s) => TRANSACTION_CONTROL.test(s.sql));
}

/**
 * Several transactional migrations in one round trip. A simple query may hold many statements, and
 * BEGIN/COMMIT inside it divide it into separate transactions: each migration still commits alone
 * with its history row, and the server stops executing the string at the first error, so nothing
 * after a failing migration runs. All but the chunk's last commit skip waiting for the WAL flush
 * (synchronous_commit off, scoped to the transaction); the last one waits, and the flush makes
 * every earlier commit durable with it. So a migration is durable before it is reported applied:
 * a crash in a later chunk cannot take back what a run has already said.
 *
 * Where a failure is: the server parses the whole text before it runs any of it, so a syntax error
 * in the chunk's third migration stops the first two as well. Such an error (nothing completed, its
 * position in a later migration) sends the chunk back as `resendBefore`: the migrations before the
 * broken one run again as a chunk of their own, and the broken one then fails first in its own.
 * Any other error is placed by the statements the server reported complete before it (and by its
 * position, when it has one): nothing is ever executed twice to find it.
 */
export async function runChunk(
  ctx: RunContext,
  direction: Direction,
  chunk: Migration[],
  batch: number,
  onStart: (k: number) => void,
  onDone: (k: number, executionTimeMs: number) => void,
): Promise<{ cancelled: boolean; resendBefore?: number }> {
  const parts: string[] = [];
  const starts: number[][] = []; // per migration: offset of each statement in the query text
  const ends: number[] = []; // per migration: offset where its part of the text ends
  const sent: { k: number; statement: number | null }[] = []; // every statement sent, in order
  let length = 0;
  const push = (text: string, k: number, statement: number | null = null) => {
    parts.push(text);
    length += text.length;
    sent.push({ k, statement });
  };
  const { randomBytes } = require('node:crypto') as typeof import('node:crypto'); // on first use (see checksum.ts)
  const stopKey = randomBytes(8).readBigInt64BE(0);
  chunk.forEach((m, k) => {
    const section = sectionOf(m, direction)!;
    push('BEGIN;\n', k);
    const timeout = setLocalLockTimeout(ctx.lockPolicy);
    if (timeout) push(timeout, k);
    if (k < chunk.length - 1) push('SET LOCAL synchronous_commit = off;\n', k);
    if (k > 0) push(stopGuard(stopKey), k);
    starts.push(section.statements.map((st, i) => {
      const at = length;
      push(st.sql + '\n;\n', k, i);
      return at;
    }));
    if (changesSession(m)) for (const reset of RESET_SESSION.split('\n').filter(Boolean)) push(reset + '\n', k);
    if (setsLockTimeout(m)) push('RESET lock_timeout;\n', k);
    push(recordSql(ctx, direction, m, batch) + ';\n', k);
    push('COMMIT;\n', k);
    ends.push(length);
  });
  if (chunk.length) onStart(0);
  const started = performance.now();
  let failure: unknown = null;
  const stopper = stopOnAbort(ctx, stopKey, chunk.length > 1);
  const text = parts.join('');
  try {
    await ctx.db.exec(text);
  } catch (err) {
    failure = err;
    await ctx.db.exec('ROLLBACK').catch(() => undefined);
  } finally {
    await stopper.release();
  }
  const elapsed = performance.now() - started;
  const info = failure ? databaseErrorInfo(failure) : null;
  const offset = info?.position !== undefined ? utf16Offset(text, info.position - 1) : -1;
  const at = offset >= 0 ? ends.findIndex((end) => offset < end) : -1;
  if (info && at > 0 && info.completed === 0) return { cancelled: false, resendBefore: at };
  let times: Map<string, { ms: number; status: string }>;
  try {
    times = await executionTimes(ctx, chunk);
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
  if (failure && k > 0) await ctx.history.flush().catch(() => undefined);
  for (let i = 0; i < k; i++) {
    if (i > 0) onStart(i);
    onDone(i, times.get(chunk[i].version)?.ms ?? elapsed / chunk.length);
  }
  if (!failure || !info) return { cancelled: false };
  // Asked to stop: the migrations before this one committed, this one never began.
  if (isStopGuard(failure)) return { cancelled: true };
  if (k === chunk.length) k--; // a failure after the last recorded commit: blame the last rather than none
  const m = chunk[k];
  const section = sectionOf(m, direction)!;
  const own = starts[k];
  let index: number | null = null;
  if (at === k && own.length && offset >= own[0]) index = statementAt(own, offset);
  const running = info.completed !== undefined ? sent[info.completed] : undefined;
  if (index === null && running?.k === k) index = running.statement;
  if (index === null && section.statements.length === 1 && running === undefined) index = 0;
  throw await recordFailure(ctx, direction, m, section, batch, index, info.message, elapsed, failure);
}

/** PostgreSQL counts positions in characters (code points); JavaScript strings in UTF-16 units. */
export function utf16Offset(text: string, codePoints: number): number {
  let units = 0;
  for (let n = 0; n < codePoints && units < text.length; n++) {
    const c = text.charCodeAt(units);
    units += c >= 0xd800 && c <= 0xdbff && units + 1 < text.length ? 2 : 1;
  }
  return units;
}

/**
 * While a chunk runs, an abort takes the chunk's stop key exclusively from a second session: the
 * migration in progress finishes and commits, and the next one's guard fails before it begins.
 */
function stopOnAbort(ctx: RunContext, stopKey: bigint, useful: boolean): { release(): Promise<void> } {
  const signal = ctx.signal;
  const openSibling = ctx.db.openSibling?.bind(ctx.db);
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
async function executionTimes(ctx: RunContext, chunk: Migration[]): Promise<Map<string, { ms: number; status: string }>> {
  const rows = await ctx.db.query<{ version: string; status: string; execution_time_ms: number | null }>(
    `SELECT version::text AS version, status, execution_time_ms FROM ${ctx.history.qualified} WHERE version = ANY($1::bigint[])`,
    [chunk.map((m) => m.version)],
  );
  return new Map(rows.map((r) => [r.version, { ms: Number(r.execution_time_ms ?? 0), status: r.status }]));
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
