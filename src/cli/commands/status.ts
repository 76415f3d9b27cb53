import { defineCommand } from './types';
import { DATABASE_FLAGS } from './flags';
import { statusJson, statusTable } from '../format';
import { withSession } from './shared';

export default defineCommand({
  name: 'status',
  summary: 'show every migration and its state (--json)',
  usage: 'migrate-lens status [--json]',
  description: `Lists every migration: VERSION, STATUS, NAME, APPLIED AT, EXECUTION TIME, with a hint for each problem.
Statuses: pending, applied, failed, rollback, drifted (file changed after it was applied), missing (applied, file gone).`,
  flags: [{ name: 'json', type: 'boolean', help: 'machine-readable output' }, ...DATABASE_FLAGS],
  run: (ctx) => {
    const json = ctx.bool('json');
    return withSession(
      ctx,
      async ({ migrator }) => {
        const entries = await migrator.status();
        ctx.io.out(json ? statusJson(entries) : statusTable(entries));
        return 0;
      },
      { quiet: json },
    );
  },
});
