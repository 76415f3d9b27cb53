import { defineCommand } from './types';
import { DRY_RUN, versionFlag, WRITE_FLAGS } from './flags';
import { finish, withSession } from './shared';

export default defineCommand({
  name: 'up',
  summary: 'apply pending migrations',
  usage: 'migrate-lens up [-version V] [--dry-run] [--out-of-order] [--resume]',
  description: 'Applies pending migrations in version order, each in its own transaction, as one new batch.',
  flags: [
    versionFlag('apply up to and including version V'),
    DRY_RUN,
    { name: 'out-of-order', type: 'boolean', help: 'also apply pending files older than the newest applied one' },
    { name: 'resume', type: 'boolean', help: 'continue a partial notransaction Up from the statement that did not complete (it runs again), then the rest' },
    ...WRITE_FLAGS,
  ],
  run: (ctx) =>
    withSession(ctx, async ({ migrator }) => {
      const dryRun = ctx.bool('dry-run');
      return finish(await migrator.up({ target: ctx.string('version'), dryRun, resume: ctx.bool('resume') }), 'up', ctx.io, dryRun);
    }),
});
