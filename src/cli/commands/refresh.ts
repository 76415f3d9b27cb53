import { defineCommand } from './types';
import { DRY_RUN, WRITE_FLAGS } from './flags';
import { finish, withSession } from './shared';

export default defineCommand({
  name: 'refresh',
  summary: 'reset, then up',
  usage: 'migrate-lens refresh [--dry-run]',
  description: 'Rolls back every applied migration, then applies all of them again (reset + up).',
  flags: [{ ...DRY_RUN, help: 'print the statements of both halves (every Down, then every Up); change nothing' }, ...WRITE_FLAGS],
  run: (ctx) =>
    withSession(ctx, async ({ migrator }) => {
      const dryRun = ctx.bool('dry-run');
      return finish(await migrator.refresh({ dryRun }), 'refresh', ctx.io, dryRun);
    }),
});
