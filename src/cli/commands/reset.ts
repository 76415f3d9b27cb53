import { defineCommand } from './types';
import { DRY_RUN, WRITE_FLAGS } from './flags';
import { finish, withSession } from './shared';

export default defineCommand({
  name: 'reset',
  summary: 'roll back everything',
  usage: 'migrate-lens reset [--dry-run]',
  description: 'Rolls back every applied migration, most recent first.',
  flags: [DRY_RUN, ...WRITE_FLAGS],
  run: (ctx) =>
    withSession(ctx, async ({ migrator }) => {
      const dryRun = ctx.bool('dry-run');
      return finish(await migrator.reset({ dryRun }), 'down', ctx.io, dryRun);
    }),
});
