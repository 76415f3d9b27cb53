// Lock timeouts with retry. A DDL statement that waits for its lock queues every later query on the
// table behind it, so each migration runs with PostgreSQL's lock_timeout set (SET LOCAL inside its
// transaction; for the session around a notransaction migration), and one that gives up
// (SQLSTATE 55P03) is tried again after a pause, up to `retries` times. While a round trip has
// waited half the timeout, a second session watches who blocks it (pg_blocking_pids), so that each
// retry can name the session and its query.
import type { Database } from '../database';
import { redact } from '../redact';
import type { Blocker } from '../types';
import type { RunContext } from './context';

export const LOCK_NOT_AVAILABLE = '55P03';

export type { Blocker };

export interface LockPolicy {
  /** lock_timeout per statement in ms; 0 leaves the server's setting alone. */
  timeoutMs: number;
  /** Tries after the first. */
  retries: number;
  /** When a second session starts watching who blocks a round trip (default: half the timeout). */
  watchAfterMs?: number;
  /** Waits between tries (tests make it instant). */
  sleep?: (ms: number) => Promise<void>;
}

/** `SET LOCAL lock_timeout` for a migration's transaction, or '' when the policy sets none. */
export function setLocalLockTimeout(policy: LockPolicy | undefined): string {
  return policy && policy.timeoutMs > 0 ? `SET LOCAL lock_timeout = '${Math.round(policy.timeoutMs)}ms';\n` : '';
}

/** The error (or one of its causes) is PostgreSQL's "canceling statement due to lock timeout". */
export function isLockTimeout(err: unknown): boolean {
  for (let e = err as { code?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.code === LOCK_NOT_AVAILABLE) return true;
  }
  return false;
}

/** 1 s, 2 s, 4 s, … capped at 30 s: long enough for a blocking transaction to end, short enough to deploy. */
export function backoffMs(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** (attempt - 1));
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The pause between tries, cut short by the signal: a Ctrl-C during a 30 s backoff stops the run
 * now, not when the pause ends (and leaves no timer to keep the process alive).
 */
export function pause(ms: number, signal: AbortSignal | undefined, sleep?: (ms: number) => Promise<void>): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const end = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', end);
      resolve();
    };
    signal?.addEventListener('abort', end, { once: true });
    if (sleep) sleep(ms).then(end, end);
    else timer = setTimeout(end, ms);
  });
}

/** The policy asks for retries here: a lock timeout is set and there are tries to spend. */
export function retrying(ctx: RunContext): boolean {
  return !!ctx.lockPolicy && ctx.lockPolicy.timeoutMs > 0 && ctx.lockPolicy.retries > 0;
}

/**
 * Whether a failure is a lock timeout worth another try (the `tries`-th failure of this migration or
 * statement); if so, reports the retry with the sessions that blocked it and waits the backoff.
 */
export async function retryAfterLockTimeout(
  ctx: RunContext,
  err: unknown,
  tries: number,
  what: { version: string; name: string; statement: number | null },
  blockers: Blocker[],
): Promise<boolean> {
  const policy = ctx.lockPolicy;
  if (!policy || !retrying(ctx) || !isLockTimeout(err) || tries > policy.retries || ctx.signal?.aborted) return false;
  const waitMs = backoffMs(tries);
  ctx.onEvent?.({ type: 'lock-retry', ...what, attempt: tries, retries: policy.retries, waitMs, blockers });
  await pause(waitMs, ctx.signal, policy.sleep);
  return !ctx.signal?.aborted;
}

/** Runs one statement or round trip, watching for the sessions that block it when retries are on. */
export async function watched<T>(ctx: RunContext, body: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown; blockers: Blocker[] }> {
  if (!retrying(ctx)) return settled(body);
  await runnerPid(ctx); // asked now: once the session waits for a lock, it answers nothing else
  const watch = watchBlockers(ctx, ctx.lockPolicy!.watchAfterMs ?? ctx.lockPolicy!.timeoutMs / 2);
  try {
    const value = await body();
    await watch.stop();
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error, blockers: await watch.stop() };
  }
}

/** The outcome of a run that is not watched for blockers, in the shape of watched's. */
export async function settled<T>(body: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown; blockers: Blocker[] }> {
  try {
    return { ok: true, value: await body() };
  } catch (error) {
    return { ok: false, error, blockers: [] };
  }
}

/**
 * After `afterMs` of a round trip, a second session polls pg_blocking_pids of the runner's session
 * and keeps the last sessions that blocked it. Nothing is opened for round trips that end sooner,
 * nor where there is no second session (PGlite has one session: nothing can block it).
 */
export function watchBlockers(ctx: RunContext, afterMs: number): { stop(): Promise<Blocker[]> } {
  const openSibling = ctx.db.openSibling?.bind(ctx.db);
  if (!openSibling) return { stop: async () => [] };
  let stopped = false;
  let last: Blocker[] = [];
  let sibling: Database | null = null;
  let loop: Promise<void> | null = null;
  const timer = setTimeout(() => {
    loop = (async () => {
      const pid = await pids.get(ctx.db);
      if (pid === null || pid === undefined || stopped) return;
      sibling = await openSibling().catch(() => null);
      while (sibling && !stopped) {
        const rows = await sibling
          .query<{ pid: number; query: string; state: string }>(
            `SELECT a.pid, left(coalesce(a.query, ''), 2000) AS query, coalesce(a.state, '') AS state
               FROM unnest(pg_blocking_pids($1::int)) AS b(pid) JOIN pg_stat_activity a ON a.pid = b.pid ORDER BY a.pid`,
            [pid],
          )
          .catch(() => null);
        if (rows === null) break;
        if (rows.length) last = rows.map((r) => ({ pid: Number(r.pid), query: blockerQuery(r.query), state: r.state }));
        await realSleep(100);
      }
    })();
  }, afterMs);
  let result: Promise<Blocker[]> | null = null;
  return {
    stop() {
      result ??= (async () => {
        stopped = true;
        clearTimeout(timer);
        await loop?.catch(() => undefined);
        const db = sibling as Database | null;
        await db?.close().catch(() => undefined);
        return last;
      })();
      return result;
    },
  };
}

/** Another session's query as it may be printed: its secrets scrubbed, then cut to a line's length. */
export function blockerQuery(query: string, max = BLOCKER_QUERY_CHARS): string {
  const text = redact(query);
  if (text.length <= max) return text;
  const cut = /[\ud800-\udbff]/.test(text[max - 1]) ? max - 1 : max; // not between the halves of a surrogate pair
  return `${text.slice(0, cut)}…`;
}

const BLOCKER_QUERY_CHARS = 300;

const pids = new WeakMap<Database, Promise<number | null>>();

/** The runner's backend pid, asked once per session (before anything can block it). */
export function runnerPid(ctx: RunContext): Promise<number | null> {
  let p = pids.get(ctx.db);
  if (!p) {
    p = ctx.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid').then((r) => Number(r[0]?.pid), () => null);
    pids.set(ctx.db, p);
  }
  return p;
}

export { lockRetryText } from './retry-text';
