import { relative } from 'node:path';
import { createMigrationFile } from '../../engine/internal';
import { defineCommand, UsageError } from './types';
import { CONFIG, ENV, MIGRATIONS } from './flags';
import { settingsOf } from './shared';

export default defineCommand({
  name: 'create',
  summary: 'write a new migration file (-name NAME)',
  usage: 'migrate-lens create -name NAME',
  description: 'Writes migrations/YYYYMMDDHHMMSS_snake_name.sql from the template (Up, Down).',
  flags: [{ name: 'name', type: 'string', value: 'NAME', help: 'what the migration does, in a few words' }, CONFIG, ENV, MIGRATIONS],
  positionals: { value: 'NAME', help: 'the name, as words instead of -name' },
  run: async (ctx) => {
    const name = ctx.string('name') ?? ctx.positionals.join(' ');
    if (!name.trim()) throw new UsageError('create needs -name NAME');
    const path = createMigrationFile(settingsOf(ctx).migrationsDir, name);
    const rel = relative(ctx.io.cwd, path);
    ctx.io.out(`Created ${rel && !rel.startsWith('..') ? rel : path}\n`);
    return 0;
  },
});
