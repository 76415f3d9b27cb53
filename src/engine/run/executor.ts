import type { Direction, Migration, RunResult } from '../types';
import { CHUNK_BYTES, CHUNK_MIGRATIONS, chunkable, runChunk } from './chunk';
import type { RunContext } from './context';
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
      const outcome = await runChunk(ctx, direction, chunk, batch ?? 0, (k) => start(chunk[k], first + k), (k, ms) => done(chunk[k], ms, first + k));
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
    await runAlone(ctx, direction, m, batch ?? 0);
    done(m, performance.now() - started, i);
    i++;
  }
  return result;
}
