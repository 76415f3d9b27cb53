import { defineCommand } from './types';
import { versionFlag, WRITE_FLAGS } from './flags';
import { withSession } from './shared';

export default defineCommand({
  name: 'mark-applied',
  summary: 'record a version as applied without running it',
  usage: 'migrate-lens mark-applied -version V',
  description: 'Records V as applied without running it (its changes were made some other way).',
  flags: [versionFlag('the version to record as applied'), ...WRITE_FLAGS],
  required: ['version'],
  run: (ctx) =>
    withSession(ctx, async ({ migrator }) => {
      const version = ctx.string('version')!;
      await migrator.markApplied(version);
      ctx.io.out(`Marked ${version} as applied (not run).\n`);
      return 0;
    }),
});
