import { defineCommand } from './types';
import { versionFlag, WRITE_FLAGS } from './flags';
import { withSession } from './shared';

export default defineCommand({
  name: 'forget',
  summary: 'delete the record of a failed migration',
  usage: 'migrate-lens forget -version V',
  description: 'Deletes the record of a failed or rolled back migration so that it is simply pending again.',
  flags: [versionFlag('the version whose record to delete'), ...WRITE_FLAGS],
  required: ['version'],
  run: (ctx) =>
    withSession(ctx, async ({ migrator }) => {
      const version = ctx.string('version')!;
      await migrator.forget(version);
      ctx.io.out(`Forgot the record of ${version}; it is pending again.\n`);
      return 0;
    }),
});
