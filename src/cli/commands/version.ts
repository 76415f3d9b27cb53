import { defineCommand } from './types';
import { DATABASE_FLAGS } from './flags';
import { withSession } from './shared';

export default defineCommand({
  name: 'version',
  summary: 'print the newest applied version',
  usage: 'migrate-lens version',
  description: 'Prints the newest applied version.',
  flags: [...DATABASE_FLAGS],
  run: (ctx) =>
    withSession(ctx, async ({ migrator }) => {
      const v = await migrator.version();
      ctx.io.out(v ? `${v.version} (${v.name})\n` : 'No migrations applied.\n');
      return 0;
    }),
});
