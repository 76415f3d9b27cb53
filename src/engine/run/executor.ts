import type { Blocker, Direction, Migration, RunResult } from '../types';
import { CHUNK_BYTES, CHUNK_MIGRATIONS, chunkable, ownsTransactions, runChunk } from './chunk';
import { sectionOf, type RunContext } from './context';
import { retryAfterLockTimeout, watched } from './retry';
import { runAlone } from './statements';

/**
 * The plan loop: runs the migrations in order, as many as can share a round trip together (chunk),
 * the others alone (statements), reporting each start and end, and stops between migrations when
 * the signal is aborted. A failure is recorded and thrown; nothing after it runs.
 */
export async function runPlan(ctx: RunContext, direction: Direction, plan: Migration[], batch: number | null): Promise<RunResult> {
  const result: RunResult = { batch: plan.length && direction === 'up' ? batch : null, applied: [], planned: [], cancelled: false };
  const total = plan.length;
  let lastStarted = -1;
  const start = (m: Migration, index: number) => {
    if (index === lastStarted) return; // a chunk sent again (see runChunk) starts nothing new
    lastStarted = index;
    ctx.onEvent?.({ type: 'start', direction, migration: m, index, total });
  };
  const done = (m: Migration, executionTimeMs: number, index: number) => {
    result.applied.push({ version: m.version, name: m.name, direction, executionTimeMs });
    ctx.onEvent?.({ type: 'done', direction, migration: m, executionTimeMs, index, total });
  };
  if (total) await ctx.history.prepare();
  const tries = new Map<string, number>();
  const retryAfter = async (c: RunContext, err: unknown, m: Migration, blockers: Blocker[]) => {
    const n = (tries.get(m.version) ?? 0) + 1;
    tries.set(m.version, n);
    return retryAfterLockTimeout(c, err, n, { version: m.version, name: m.name, statement: null }, blockers);
  };
  let i = 0;
  let shorter: number | null = null; // the next chunk ends before a migration the server could not parse
  while (i < total) {
    if (ctx.signal?.aborted) {
      result.cancelled = true;
      break;
    }
    let j = i;
    let bytes = 0;
    const limit = shorter ?? (ctx.db.openSibling ? CHUNK_MIGRATIONS : 1);
    shorter = null;
    while (j < total && j - i < limit && bytes < CHUNK_BYTES && chunkable(plan[j], direction)) bytes += plan[j++].text!.length;
    if (j > i) {
      const first = i;
      const chunk = plan.slice(i, j);
      const r = await watched(ctx, () => runChunk(ctx, direction, chunk, batch ?? 0, (k) => start(chunk[k], first + k), (k, ms) => done(chunk[k], ms, first + k)));
      if (!r.ok) {
        // A lock timeout: the migrations before the failed one committed; it goes again from there.
        const failed = plan.findIndex((m, k) => k >= first && k < j && m.version === (r.error as { version?: string }).version);
        if (failed >= 0 && (await retryAfter(ctx, r.error, plan[failed], r.blockers))) {
          lastStarted = failed - 1;
          i = failed;
          continue;
        }
        throw r.error;
      }
      const outcome = r.value;
      if (outcome.cancelled) {
        result.cancelled = true;
        break;
      }
      if (outcome.resendBefore !== undefined) {
        // Nothing of it ran: the migrations before the broken one go again on their own.
        shorter = outcome.resendBefore;
        continue;
      }
      i = j;
      continue;
    }
    const m = plan[i];
    start(m, i);
    const started = performance.now();
    // A notransaction migration retries statement by statement inside; one with its own transaction
    // control may have committed part of itself, so only a migration in our transaction goes again.
    const section = sectionOf(m, direction);
    const whole = m.kind === 'code' || (!!section && !section.noTransaction && !ownsTransactions(m, direction));
    const r = await watched(ctx, () => runAlone(ctx, direction, m, batch ?? 0));
    if (!r.ok) {
      if (whole && (await retryAfter(ctx, r.error, m, r.blockers))) {
        lastStarted = i - 1;
        continue;
      }
      throw r.error;
    }
    done(m, performance.now() - started, i);
    i++;
  }
  return result;
}
