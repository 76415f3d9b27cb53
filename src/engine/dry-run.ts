// How a dry run's planned migration is written out as SQL (the CLI's `--dry-run` and the editor's
// Preview SQL): what the runner sends around its statements, and each statement's terminator.
import type { RunResult } from './types';

type Planned = RunResult['planned'][number];

/**
 * The lines the runner sends before and after a planned migration's statements: for one that runs
 * in a transaction, BEGIN (with SET LOCAL lock_timeout) and COMMIT; for one that runs without
 * (notransaction, or a file that opens and closes its own transactions, chunk.ts), only SET
 * lock_timeout for the session and RESET after, when a lock timeout is set (retry.ts).
 */
export function sentAround(p: Planned): { before: string[]; after: string[] } {
  const timeout = p.lockTimeoutMs ? `lock_timeout = '${p.lockTimeoutMs}ms';` : '';
  if (!p.noTransaction && !p.ownTransactions) return { before: ['BEGIN;', ...(timeout ? [`SET LOCAL ${timeout}`] : [])], after: ['COMMIT;'] };
  return timeout ? { before: [`SET ${timeout}`], after: ['RESET lock_timeout;'] } : { before: [], after: [] };
}

/** A statement with its semicolon: on the next line when its last line holds a line comment. */
export function terminated(sql: string): string {
  return sql + (sql.slice(sql.lastIndexOf('\n') + 1).includes('--') ? '\n;' : ';');
}
