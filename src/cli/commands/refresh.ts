import { defineCommand } from './types';
import { WRITE_FLAGS } from './flags';
import { finish, withSession } from './shared';

export default defineCommand({
  name: 'refresh',
  summary: 'reset, then up',
  usage: 'migrate-lens refresh',
  description: 'Rolls back every applied migration, then applies all of them again (reset + up).',
  flags: [...WRITE_FLAGS],
  run: (ctx) => withSession(ctx, async ({ migrator }) => finish(await migrator.refresh(), 'refresh', ctx.io, false)),
});
