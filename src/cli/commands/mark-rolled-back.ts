import { defineCommand } from './types';
import { versionFlag, WRITE_FLAGS } from './flags';
import { withSession } from './shared';

export default defineCommand({
  name: 'mark-rolled-back',
  summary: 'record a version as rolled back without running it',
  usage: 'migrate-lens mark-rolled-back -version V',
  description: 'Records an applied V as rolled back without running its Down (undone by hand).',
  flags: [versionFlag('the version to record as rolled back'), ...WRITE_FLAGS],
  required: ['version'],
  run: (ctx) =>
    withSession(ctx, async ({ migrator }) => {
      const version = ctx.string('version')!;
      await migrator.markRolledBack(version);
      ctx.io.out(`Marked ${version} as rolled back (Down not run).\n`);
      return 0;
    }),
});
