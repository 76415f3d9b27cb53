import { defineCommand } from './types';
import { versionFlag, WRITE_FLAGS } from './flags';
import { withSession } from './shared';

export default defineCommand({
  name: 'accept-checksum',
  summary: 'accept a changed file as the applied one',
  usage: 'migrate-lens accept-checksum -version V',
  description: 'Accepts the current file of a drifted migration as the applied one; records who and when.',
  flags: [versionFlag('the drifted version to accept'), ...WRITE_FLAGS],
  required: ['version'],
  run: (ctx) =>
    withSession(ctx, async ({ migrator }) => {
      const version = ctx.string('version')!;
      await migrator.acceptChecksum(version);
      ctx.io.out(`Accepted the current file of ${version} as applied.\n`);
      return 0;
    }),
});
