import { existsSync, writeFileSync } from 'node:fs';
import { adopt, ADOPT_TOOL_NAMES, openDatabase, type OnAdoptStep, type ToolName } from '../../engine/internal';
import { adoptText } from '../../engine/adopt/text';
import { defineCommand, UsageError } from './types';
import { DRY_RUN, WRITE_FLAGS } from './flags';
import { connectionLine, settingsOf } from './shared';

export default defineCommand({
  name: 'adopt',
  summary: 'take over the history of sql-migrate, goose, dbmate or golang-migrate, running nothing',
  usage: `migrate-lens adopt -from ${ADOPT_TOOL_NAMES.join('|')} [-from-table NAME] [--rename] [--dry-run]`,
  description: `Reads the other tool's history (gorp_migrations, goose_db_version, schema_migrations), matches it to the
files and records those migrations as applied in migrate-lens's table, with the other tool's applied time,
in one batch. Runs no migration and never alters the other tool's table; a second run changes nothing.
dbmate and golang-migrate files are converted into migrate-lens's format (git mv inside a git work tree).`,
  flags: [
    {
      name: 'from',
      type: 'string',
      value: 'TOOL',
      help: `the tool whose history to take over: ${ADOPT_TOOL_NAMES.join(', ')}`,
    },
    { name: 'from-table', type: 'string', value: 'NAME', help: "the other tool's table when it is not its default (a dbconfig.yml's table: is used for sql-migrate)" },
    { name: 'rename', type: 'boolean', help: 'rename files named 1_init.sql and the like to YYYYMMDDHHMMSS_name.sql, keeping the tool\'s order' },
    DRY_RUN,
    ...WRITE_FLAGS,
  ],
  required: ['from'],
  run: async (ctx) => {
    const from = ctx.string('from') as ToolName;
    if (!ADOPT_TOOL_NAMES.includes(from)) throw new UsageError(`-from expects one of ${ADOPT_TOOL_NAMES.join(', ')}, got "${from}"`);
    const settings = settingsOf(ctx);
    const db = await openDatabase(settings.connection);
    try {
      ctx.io.out(`Database: ${connectionLine(settings)}\n`);
      const result = await adopt(db, {
        from,
        fromTable: ctx.string('from-table') ?? (from === 'sql-migrate' ? settings.sqlMigrateTable : undefined),
        schema: settings.schema,
        table: settings.table,
        migrationsDir: settings.migrationsDir,
        rename: ctx.bool('rename'),
        dryRun: ctx.bool('dry-run'),
        lockTimeoutMs: settings.lockTimeoutMs,
        signal: ctx.io.signal,
        onStep: stopAt(ctx.io.env),
      });
      ctx.io.out(adoptText(result));
      return 0;
    } finally {
      await db.close();
    }
  },
});

/**
 * Test hook (test/integration/adopt-kill.test.ts): MIGRATE_LENS_TEST_ADOPT_STOP=STEP[:N] makes adopt
 * write the file MIGRATE_LENS_TEST_ADOPT_STOPPED and hold still at that step (N: after the Nth file
 * change, from 0) until the file is removed, so a test can kill -9 it (or close its output) at a
 * known state instead of after a guessed time.
 */
function stopAt(env: Record<string, string | undefined>): OnAdoptStep | undefined {
  const at = env.MIGRATE_LENS_TEST_ADOPT_STOP;
  const marker = env.MIGRATE_LENS_TEST_ADOPT_STOPPED;
  if (!at || !marker) return undefined;
  return (step, index) => {
    if (at !== step && at !== `${step}:${index}`) return;
    writeFileSync(marker, at);
    const still = new Int32Array(new SharedArrayBuffer(4));
    for (let waited = 0; existsSync(marker) && waited < 120_000; waited += 20) Atomics.wait(still, 0, 0, 20);
  };
}
