import { ConfigError, type StatusEntry } from '../../engine/internal';
import { compareMatrix, matrixText, readEnvironments } from '../../engine/compare';
import { defineCommand } from './types';
import { DATABASE_FLAGS } from './flags';
import { statusJson, statusTable } from '../format';
import { withSession } from './shared';

/** Statuses that only wait for `up`; `applied` is done; anything else (failed, partial, drifted, missing, …) is a problem. */
const WAITING = new Set<string>(['pending', 'rollback']);

/** status --check: 0 everything applied, 3 something waits for up, 1 something needs a person. */
export function checkCode(entries: readonly StatusEntry[]): 0 | 1 | 3 {
  if (entries.some((e) => e.status !== 'applied' && !WAITING.has(e.status))) return 1;
  return entries.some((e) => WAITING.has(e.status)) ? 3 : 0;
}

export default defineCommand({
  name: 'status',
  summary: 'show every migration and its state (--json, --check)',
  usage: 'migrate-lens status [--json] [--check] [--all-envs]',
  description: `Lists every migration: VERSION, STATUS, NAME, APPLIED AT, EXECUTION TIME, with a hint for each problem.
Statuses: pending, applied, failed, rollback, drifted (file changed after it was applied), missing (applied, file gone).
With --check the exit code gates a deploy: 0 everything applied, 3 migrations pending (or rolled back),
1 any migration failed, partial, drifted or missing (or status could not be read).
With --all-envs it reads every environment of the config file at once (read-only, 5 s each) and prints
one row per migration with its status in each environment; an environment that does not answer is
"unreachable" (exit code 1).`,
  flags: [
    { name: 'json', type: 'boolean', help: 'machine-readable output' },
    { name: 'check', type: 'boolean', help: 'exit 0 when up to date, 3 when migrations are pending, 1 on any problem' },
    { name: 'all-envs', type: 'boolean', help: 'every environment of the config file side by side (a matrix)' },
    ...DATABASE_FLAGS,
  ],
  run: async (ctx) => {
    const json = ctx.bool('json');
    if (ctx.bool('all-envs')) {
      if (ctx.string('env') !== undefined) throw new ConfigError('--all-envs reads every environment; leave out -env');
      if (ctx.bool('check')) throw new ConfigError('--all-envs and --check do not go together; use --check with -env NAME');
      const envs = await readEnvironments({
        cwd: ctx.io.cwd,
        env: ctx.io.env,
        configFile: ctx.string('config'),
        migrationsDir: ctx.string('migrations'),
        table: ctx.string('table'),
        schema: ctx.string('schema'),
      });
      if (envs.length === 0) throw new ConfigError('no environments: define them under "environments:" in config.yaml, or give a dbconfig.yml with -config');
      const rows = compareMatrix(envs);
      ctx.io.out(json ? JSON.stringify({ environments: envs.map(({ entries: _, ...e }) => e), migrations: rows }, null, 2) + '\n' : matrixText(envs, rows));
      return envs.some((e) => e.state !== 'ok') ? 1 : 0;
    }
    return withSession(
      ctx,
      async ({ migrator }) => {
        const entries = await migrator.status();
        ctx.io.out(json ? statusJson(entries) : statusTable(entries));
        return ctx.bool('check') ? checkCode(entries) : 0;
      },
      { quiet: json },
    );
  },
});
