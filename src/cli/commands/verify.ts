// `migrate-lens verify`: every migration's Down checked against the schema its Up started from, on a
// throwaway PGlite or a scratch database of a server, never on the configured database.
import { existsSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import {
  ConfigError,
  dropsAtEnd,
  loadRequiredModules,
  openScratchDatabase,
  openThrowawayPglite,
  verifyFailureText,
  verifyMigrations,
  type VerifyDatabase,
  type VerifyResult,
} from '../../engine/internal';
import { formatMs } from '../format';
import { CONFIG, ENV, MIGRATIONS, REQUIRE, SCHEMA, TABLE } from './flags';
import { settingsOf } from './shared';
import { defineCommand, UsageError } from './types';

export default defineCommand({
  name: 'verify',
  summary: "check that every migration's Down restores the schema its Up started from",
  usage: 'migrate-lens verify [-migrations DIR] [--database URL] [--json]',
  description: `Applies every migration, one at a time, then rolls each back, newest first, and checks after each Down
that the schema (tables, columns, constraints, indexes, views, functions, triggers, rules, sequences,
enums, extensions...) is exactly the one before its Up; then applies everything again. Stops at the first Down
that does not restore it, naming its file and Down line and what differs; exit 1.
Runs on a throwaway PGlite database in memory; never on the configured database.
--database URL runs it on a server instead: the URL's database is created, used and dropped (also on
failure, Ctrl-C and SIGTERM); an existing one is used only if it holds no table, and is never dropped; without a
database name in the URL, a new one (migrate_lens_verify_<random>) is made.`,
  flags: [
    { name: 'database', type: 'string', value: 'URL', help: 'a PostgreSQL server (and scratch database) to run on instead of PGlite' },
    { name: 'json', type: 'boolean', help: 'the result as JSON on stdout' },
    CONFIG,
    ENV,
    MIGRATIONS,
    TABLE,
    SCHEMA,
    REQUIRE,
  ],
  run: async (ctx) => {
    const io = ctx.io;
    const json = ctx.bool('json');
    const info = (text: string) => (json ? io.err(text) : io.out(text));
    // Only the folder, the tracking table's name and code migrations come from the settings: the
    // configured connection is never used.
    const settings = settingsOf(ctx);
    if (!existsSync(settings.migrationsDir)) {
      throw new ConfigError(`${settings.migrationsDir}: the migrations folder does not exist (give -migrations DIR)`);
    }
    await loadRequiredModules(settings.require);
    const url = ctx.string('database');
    // A URL verify cannot use (not postgres://, the server's own database) is a usage error, exit 2.
    const scratch = (u: string) => openScratchDatabase(u).catch((err) => Promise.reject(err instanceof ConfigError ? new UsageError(err.message) : err));
    const target: VerifyDatabase = url ? await scratch(url) : await openThrowawayPglite();
    // Ctrl-C or SIGTERM: a scratch database goes at once (a running statement is ended by the
    // server), not after the migration under way, and a second signal waits for the drop; PGlite
    // stops between steps.
    const onAbort = () => {
      if (!target.created || !target.name) return;
      const drop = target.dispose();
      drop.catch(() => undefined); // the same promise is awaited (and its error reported) below
      io.finish?.(drop);
    };
    io.signal?.addEventListener('abort', onAbort, { once: true });
    const show = (p: string) => {
      const rel = relative(io.cwd, p);
      return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
    };
    let result: VerifyResult;
    try {
      info(`Database: ${target.description}\n`);
      let lastPhase = '';
      result = await verifyMigrations({
        db: target.db,
        migrationsDir: settings.migrationsDir,
        table: settings.table,
        schema: settings.schema,
        signal: io.signal,
        rollBackAtEnd: dropsAtEnd(target),
        onProgress: (p) => {
          if (json) return;
          if (p.phase !== lastPhase) {
            lastPhase = p.phase;
            if (p.phase === 'up') info(`Applying ${p.total} migration${p.total === 1 ? '' : 's'} one at a time...\n`);
            if (p.phase === 'reapply') info('Applying everything again...\n');
          }
          if (p.phase === 'down') info(`Down ${p.version}_${p.name}\n`);
        },
      });
    } catch (err) {
      if (io.signal?.aborted) {
        await target.dispose();
        io.err(`verify cancelled${target.created && target.name ? `; database ${target.name} dropped` : ''}\n`);
        return 1;
      }
      throw err;
    } finally {
      io.signal?.removeEventListener('abort', onAbort);
      await target.dispose();
    }
    if (json) {
      io.out(JSON.stringify({ ...result, database: target.db.kind === 'pglite' ? 'pglite' : target.name }, jsonFailure(show), 2) + '\n');
    } else if (result.cancelled) {
      io.err(`verify cancelled after ${result.verified} Down${result.verified === 1 ? '' : 's'}${target.created && target.name ? `; database ${target.name} dropped` : ''}\n`);
    } else if (result.failure) {
      io.err(`${verifyFailureText(result.failure, show)}\n`);
      // Only a Down has newer ones before it: after a failure of the Ups run again, every Down passed.
      const atDown = result.failure.kind === 'schema' || result.failure.kind === 'no-down' || ('phase' in result.failure && result.failure.phase === 'down');
      if (result.verified && atDown) io.err(`(${result.verified} newer Down${result.verified === 1 ? '' : 's'} restored the schema before this one.)\n`);
    } else if (result.migrations === 0) {
      info('No migrations to verify.\n');
    } else {
      info(`OK: every Down restores the schema its Up started from (${result.migrations} migration${result.migrations === 1 ? '' : 's'}, ${formatMs(result.elapsedMs)}).\n`);
    }
    return result.ok ? 0 : 1;
  },
});

/** File paths in the JSON as the text shows them (relative to the working directory). */
function jsonFailure(show: (p: string) => string) {
  return (key: string, value: unknown) => (key === 'file' && typeof value === 'string' ? show(value) : value);
}
