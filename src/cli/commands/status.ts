import type { StatusEntry } from '../../engine/internal';
import { defineCommand } from './types';
import { DATABASE_FLAGS } from './flags';
import { statusJson, statusTable } from '../format';
import { withSession } from './shared';

/** Statuses that only wait for `up`; `applied` is done; anything else (failed, partial, drifted, missing, …) is a problem. */
const WAITING = new Set<string>(['pending', 'rollback']);

/** status --check: 0 everything applied, 3 something waits for up, 1 something needs a person. */
export function checkCode(entries: readonly StatusEntry[]): 0 | 1 | 3 {
  if (entries.some((e) => e.status !== 'applied' && !WAITING.has(e.status))) return 1;
  return entries.some((e) => WAITING.has(e.status)) ? 3 : 0;
}

export default defineCommand({
  name: 'status',
  summary: 'show every migration and its state (--json, --check)',
  usage: 'migrate-lens status [--json] [--check]',
  description: `Lists every migration: VERSION, STATUS, NAME, APPLIED AT, EXECUTION TIME, with a hint for each problem.
Statuses: pending, applied, failed, rollback, drifted (file changed after it was applied), missing (applied, file gone).
With --check the exit code gates a deploy: 0 everything applied, 3 migrations pending (or rolled back),
1 any migration failed, partial, drifted or missing (or status could not be read).`,
  flags: [
    { name: 'json', type: 'boolean', help: 'machine-readable output' },
    { name: 'check', type: 'boolean', help: 'exit 0 when up to date, 3 when migrations are pending, 1 on any problem' },
    ...DATABASE_FLAGS,
  ],
  run: (ctx) => {
    const json = ctx.bool('json');
    return withSession(
      ctx,
      async ({ migrator }) => {
        const entries = await migrator.status();
        ctx.io.out(json ? statusJson(entries) : statusTable(entries));
        return ctx.bool('check') ? checkCode(entries) : 0;
      },
      { quiet: json },
    );
  },
});
