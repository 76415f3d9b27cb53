import type { Blocker } from '../types';

/** One line for a lock-retry event, the same in the terminal and the editor's log. */
export function lockRetryText(e: { version: string; name: string; statement: number | null; attempt: number; retries: number; waitMs: number; blockers: Blocker[] }): string {
  const what = `${e.version}_${e.name}${e.statement !== null ? ` statement ${e.statement + 1}` : ''}`;
  const who = e.blockers.length
    ? `blocked by ${e.blockers.map((b) => `pid ${b.pid} (${b.state || 'unknown'}: ${oneLine(b.query) || 'no query'})`).join(', ')}`
    : 'the blocking session was not seen';
  return `Lock timeout in ${what}; ${who}; retry ${e.attempt}/${e.retries} in ${(e.waitMs / 1000).toFixed(e.waitMs % 1000 ? 1 : 0)} s`;
}

function oneLine(q: string): string {
  return q.replace(/\s+/g, ' ').trim();
}
