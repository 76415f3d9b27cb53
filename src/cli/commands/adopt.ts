import { adopt, ADOPT_TOOL_NAMES, openDatabase, type AdoptResult, type ToolName } from '../../engine/internal';
import { formatTime } from '../format';
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
      });
      ctx.io.out(adoptText(result));
      return 0;
    } finally {
      await db.close();
    }
  },
});

/** What adopt did (or would do): the mapping, the file changes, what stays pending. */
export function adoptText(r: AdoptResult): string {
  const out: string[] = [];
  const n = (k: number) => `${k} ${k === 1 ? 'entry' : 'entries'}`;
  if (r.adopted.length === 0) {
    out.push(
      r.alreadyAdopted
        ? `Nothing to adopt: all ${n(r.alreadyAdopted)} of ${r.from} (${r.tool}) are already in ${r.table}.`
        : `Nothing to adopt: ${r.from} (${r.tool}) records no applied migration.`,
    );
    return out.join('\n') + '\n';
  }
  out.push(
    `${r.dryRun ? 'Would adopt' : 'Adopted'} ${n(r.adopted.length)} of ${r.from} (${r.tool}) into ${r.table} as applied, batch ${r.batch}` +
      (r.alreadyAdopted ? ` (${n(r.alreadyAdopted)} adopted before)` : '') +
      ':',
  );
  const header = [`${r.tool.toUpperCase()} ID`, 'VERSION', 'FILE', 'APPLIED AT'];
  const rows = r.adopted.map((e) => [e.id, e.version, e.file, e.appliedAt ? formatTime(e.appliedAt) : '- (adoption time)']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  for (const cells of [header, ...rows]) out.push(cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  '));
  if (r.changes.length) {
    const how = r.git ? ' (git mv)' : '';
    out.push('', `${r.dryRun ? 'Would change' : 'Changed'} ${r.changes.length} file${r.changes.length === 1 ? '' : 's'}${how}:`);
    for (const c of r.changes) {
      const converted = c.text !== null ? ' (converted)' : '';
      out.push(`  ${c.sources.join(' + ')} -> ${c.target}${converted}`);
    }
  }
  if (r.pending.length) out.push('', `Pending (not applied by ${r.tool}): ${r.pending.map((p) => p.file).join(', ')}`);
  out.push('', r.dryRun ? 'Nothing was changed (--dry-run).' : `Nothing was run, and ${r.from} was not changed.`);
  return out.join('\n') + '\n';
}
