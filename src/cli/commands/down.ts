import { defineCommand } from './types';
import { DRY_RUN, versionFlag, WRITE_FLAGS } from './flags';
import { finish, withSession } from './shared';

export default defineCommand({
  name: 'down',
  summary: 'roll back the latest migration (or -version V, --batch, --all)',
  usage: 'migrate-lens down [-version V | --batch | --all | --resume] [--dry-run]',
  description: 'Rolls back the most recently applied migration.',
  flags: [
    versionFlag('roll back every migration applied after version V (0: all)'),
    { name: 'batch', type: 'boolean', help: 'roll back the whole last batch' },
    { name: 'all', type: 'boolean', help: 'roll back everything (the same as reset)' },
    { name: 'resume', type: 'boolean', help: 'continue a partial notransaction Down from the statement that did not complete (it runs again)' },
    DRY_RUN,
    ...WRITE_FLAGS,
  ],
  exclusive: [['version', 'batch', 'all', 'resume']],
  run: (ctx) =>
    withSession(ctx, async ({ migrator }) => {
      const dryRun = ctx.bool('dry-run');
      const result = await migrator.down({ target: ctx.string('version'), batch: ctx.bool('batch'), all: ctx.bool('all'), dryRun, resume: ctx.bool('resume') });
      return finish(result, 'down', ctx.io, dryRun);
    }),
});
