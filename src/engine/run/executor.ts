import type { Blocker, Direction, Migration, RunResult } from '../types';
import { CHUNK_BYTES, CHUNK_MIGRATIONS, chunkable, runChunk } from './chunk';
import { dropsPrepared, sectionOf, type RunContext } from './context';
import { retryAfterLockTimeout, settled, watched } from './retry';
import { runAlone } from './statements';

/**
 * The plan loop: runs the migrations in order, as many as can share a round trip together (chunk),
 * the others alone (statements), reporting each start and end, and stops between migrations when
 * the signal is aborted. A failure is recorded and thrown; nothing after it runs.
 */
export async function runPlan(
  ctx: RunContext,
  direction: Direction,
  plan: Migration[],
  batch: number | null,
  resume: { version: string; from: number; error: string | null } | null = null,
): Promise<RunResult> {
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
  const retryAfter = async (err: unknown, m: Migration, blockers: Blocker[]) => {
    const n = (tries.get(m.version) ?? 0) + 1;
    tries.set(m.version, n);
    return retryAfterLockTimeout(ctx, err, n, { version: m.version, name: m.name, statement: null }, blockers);
  };
  let i = 0;
  let shorter: number | null = null; // the next chunk ends before a migration the server could not parse
  while (i < total) {
    // One turn of the event loop between round trips: a stop asked for by what the last one reported
    // (an 'error' event of a closed stdout is emitted on the next tick) is seen before the next starts.
    if (ctx.signal && i > 0) await new Promise((resolve) => setImmediate(resolve));
    if (ctx.signal?.aborted) {
      result.cancelled = true;
      break;
    }
    let j = i;
    let bytes = 0;
    const limit = shorter ?? (ctx.db.openSibling ? CHUNK_MIGRATIONS : 1);
    await ctx.history.prepare(); // again after a migration that dropped the prepared statements
    shorter = null;
    while (j < total && j - i < limit && bytes < CHUNK_BYTES && chunkable(plan[j], direction) && plan[j].version !== resume?.version) {
      bytes += plan[j++].text!.length;
      if (dropsPrepared(plan[j - 1])) break; // the next migration's record needs them prepared again
    }
    if (j > i) {
      const first = i;
      const chunk = plan.slice(i, j);
      const r = await watched(ctx, () => runChunk(ctx, direction, chunk, batch ?? 0, (k) => start(chunk[k], first + k), (k, ms) => done(chunk[k], ms, first + k)));
      if (chunk.some(dropsPrepared)) ctx.history.unprepare();
      if (!r.ok) {
        // A lock timeout: the migrations before the failed one committed; it goes again from there.
        const failed = plan.findIndex((m, k) => k >= first && k < j && m.version === (r.error as { version?: string }).version);
        if (failed >= 0 && (await retryAfter(r.error, plan[failed], r.blockers))) {
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
    const resumed = resume?.version === m.version ? resume : null;
    const from = resumed?.from ?? 0;
    if (resumed) ctx.onEvent?.({ type: 'info', message: resumeMessage(m, direction, from) });
    const alone = () => runAlone(ctx, direction, m, batch ?? 0, from, resumed ? { error: resumed.error } : undefined);
    const started = performance.now();
    // A notransaction migration retries statement by statement inside, and one with its own
    // transaction control may have committed part of itself: only a code migration goes again whole,
    // so only its run is watched for blockers (a file's is watched per statement, in runStatements;
    // watching the whole too kept one more session polling through an hour-long CREATE INDEX).
    const r = m.kind === 'code' ? await watched(ctx, alone) : await settled(alone);
    if (!r.ok) {
      if (m.kind === 'code' && (await retryAfter(r.error, m, r.blockers))) {
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

/** What a resumed run says before it continues: which statements it skips and which one it runs again. */
function resumeMessage(m: Migration, direction: Direction, from: number): string {
  const section = sectionOf(m, direction);
  const total = section?.statements.length ?? 0;
  const file = m.path ?? m.version;
  if (from >= total) return `Resuming ${file}: all ${total} statements completed before; only the record of it is written now`;
  const line = section?.statements[from]?.line;
  const skipped =
    from === 0 ? 'no statement completed before' : from === 1 ? 'statement 1 completed before and is not run again' : `statements 1-${from} completed before and are not run again`;
  return `Resuming ${file}: ${skipped}; statement ${from + 1} (line ${line}) did not complete and runs again (it may have taken effect before the run stopped)`;
}
