import type { Database } from './database';
import { LockTimeoutError } from './errors';

/** A 64-bit advisory lock key derived from the tracking table, so two projects on one database don't collide. */
export function lockKey(schema: string, table: string): bigint {
  const { createHash } = require('node:crypto') as typeof import('node:crypto'); // on first use (see checksum.ts)
  const digest = createHash('sha256').update(`migrate-lens:${schema}.${table}`).digest();
  return digest.readBigInt64BE(0);
}

export interface LockOptions {
  timeoutMs: number;
  pollMs?: number;
  onWait?: (holder: string) => void;
  signal?: AbortSignal;
}

/**
 * A session advisory lock, taken by polling pg_try_advisory_lock. Polling (rather than blocking in
 * pg_advisory_lock) means a waiting runner never sits in an open transaction, so it cannot stall a
 * CREATE INDEX CONCURRENTLY that the lock holder is running.
 */
export class AdvisoryLock {
  private held = false;

  constructor(
    private readonly db: Database,
    private readonly key: bigint,
  ) {}

  get isHeld(): boolean {
    return this.held;
  }

  /** One attempt, without waiting: true when the lock is now ours. */
  async tryAcquire(): Promise<boolean> {
    const [row] = await this.db.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [this.key.toString()]);
    this.held ||= row.ok;
    return row.ok;
  }

  async acquire(opts: LockOptions): Promise<void> {
    const started = Date.now();
    const poll = opts.pollMs ?? 200;
    let told = false;
    for (;;) {
      if (await this.tryAcquire()) return;
      const waited = Date.now() - started;
      if (!told || waited >= opts.timeoutMs) {
        const holder = await this.holder();
        if (waited >= opts.timeoutMs) throw new LockTimeoutError(holder, waited);
        opts.onWait?.(holder);
        told = true;
      }
      if (opts.signal?.aborted) throw new LockTimeoutError(await this.holder(), waited);
      await new Promise((r) => setTimeout(r, Math.min(poll, Math.max(10, opts.timeoutMs - waited))));
    }
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await this.db.query('SELECT pg_advisory_unlock($1::bigint)', [this.key.toString()]);
  }

  /** "pid 123 (migrate-lens, 127.0.0.1, since 2024-…)" — who holds the lock, as far as the server says. */
  async holder(): Promise<string> {
    const unsigned = BigInt.asUintN(64, this.key);
    const classid = Number(unsigned >> 32n);
    const objid = Number(unsigned & 0xffffffffn);
    try {
      const rows = await this.db.query<{ pid: number; application_name: string | null; client_addr: string | null; backend_start: Date | null }>(
        `SELECT l.pid, a.application_name, a.client_addr::text AS client_addr, a.backend_start
         FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::oid AND l.objid = $2::oid AND l.objsubid = 1
           -- the same key in another database of the server is another lock
           AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
         LIMIT 1`,
        [classid, objid],
      );
      if (!rows.length) return 'another session (it was just released)';
      const r = rows[0];
      const parts = [r.application_name || 'unknown application', r.client_addr ?? 'local socket'];
      if (r.backend_start) parts.push(`connected since ${new Date(r.backend_start).toISOString()}`);
      return `pid ${r.pid} (${parts.join(', ')})`;
    } catch {
      return 'another session';
    }
  }
}
