// The databases verify runs on: a throwaway PGlite in memory, or a scratch database on a server.
import { openDatabase, type Database } from '../database';
import { ConfigError } from '../errors';
import { describeUrl } from '../redact';
import { quoteIdent, sqlLiteral } from '../sql';

/** A database verify may change as it likes, and how to be rid of it. */
export interface VerifyDatabase {
  db: Database;
  /** For the "Database:" line: never a password. */
  description: string;
  /** The database's name on the server (scratch databases only). */
  name?: string;
  /** Whether verify created it (and so drops it). */
  created: boolean;
  /** Closes the session and drops the database if verify created it; safe to call more than once and concurrently. */
  dispose(): Promise<void>;
}

/** PGlite in memory: nothing on disk, gone when closed. */
export async function openThrowawayPglite(): Promise<VerifyDatabase> {
  const db = await openDatabase({ kind: 'embedded', dataDir: 'memory://', description: 'throwaway PGlite database (in memory)' });
  let closing: Promise<void> | undefined;
  return { db, description: db.description, created: true, dispose: () => (closing ??= db.close()) };
}

/** Marks a database verify created, so one it could not drop (SIGKILL) is known as such by the next run. */
const SCRATCH_COMMENT = 'migrate-lens verify scratch database: created for one run and dropped at its end; safe to drop';

/** Names that are never a scratch database: the server's own. */
const RESERVED = new Set(['postgres', 'template0', 'template1']);

/**
 * The scratch database a `--database URL` names, on that URL's server. The URL's database is the
 * scratch database: when it does not exist, it is created here and dropped by `dispose` (also when
 * verify fails or is interrupted); an existing one is used as it is, and verify refuses it unless it
 * holds no table (see verifyMigrations); it is never dropped. A URL without a database name gets a
 * new, unique one (`migrate_lens_verify_<random>`). `postgres`, `template0` and `template1` are
 * refused by name. The create and drop run on a second session, on the server's `postgres` database.
 * A database verify creates carries a comment that says so: one that exists with it and that no
 * session uses is a run's that was killed, and is dropped and created again, not refused.
 */
export async function openScratchDatabase(url: string, password?: string): Promise<VerifyDatabase> {
  let parsed: URL;
  // Never the URL itself in these messages: it may hold a password (describeUrl would rewrite what is wrong with it).
  const expects = '--database expects a postgres:// URL of a server (and optionally of a scratch database on it)';
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${expects}; what was given is not a URL`);
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) throw new ConfigError(`${expects}, got a ${parsed.protocol}// URL`);
  let named: string;
  try {
    named = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  } catch {
    throw new ConfigError(`--database: the database name in the URL is not valid percent-encoding`);
  }
  // The URL is opened again with the name put back in its path, and a client reads no "/" there.
  if (named.includes('/')) throw new ConfigError(`--database: a database name cannot hold "/" (got "${named}")`);
  const { randomBytes } = require('node:crypto') as typeof import('node:crypto'); // on first use (see checksum.ts)
  const name = named || `migrate_lens_verify_${randomBytes(5).toString('hex')}`;
  if (RESERVED.has(name)) {
    throw new ConfigError(`--database: "${name}" is the server's own database and is never used by verify; name a scratch database (it is created and dropped) or give the server's URL without a database`);
  }
  const at = (database: string) => {
    const u = new URL(url);
    u.pathname = '/' + encodeURIComponent(database);
    return u.toString();
  };
  const open = (database: string) => openDatabase({ kind: 'url', url: at(database), password, description: describeUrl(at(database)) });
  const admin = await open('postgres').catch(async (err: { code?: string }) => {
    if (err?.code === '3D000') return open('template1');
    throw err;
  });
  let created = false;
  let leftOver = false;
  let db: Database;
  try {
    const [found] = await admin.query<{ ours: boolean; sessions: number }>(
      `SELECT shobj_description(d.oid, 'pg_database') IS NOT DISTINCT FROM $2 AS ours,
              (SELECT count(*)::int FROM pg_catalog.pg_stat_activity a WHERE a.datid = d.oid) AS sessions
       FROM pg_catalog.pg_database d WHERE d.datname = $1`,
      [name, SCRATCH_COMMENT],
    );
    // One a verify made and could not drop (killed with SIGKILL), that no session uses any more: made again.
    if (found?.ours && found.sessions === 0) {
      await admin.exec(`DROP DATABASE ${quoteIdent(name)}`);
      leftOver = true;
    }
    if (!found || leftOver) {
      await admin.exec(`CREATE DATABASE ${quoteIdent(name)}`);
      created = true;
      await admin.exec(`COMMENT ON DATABASE ${quoteIdent(name)} IS ${sqlLiteral(SCRATCH_COMMENT)}`);
    }
    db = await open(name);
  } catch (err) {
    if (created) await dropDatabase(admin, name).catch(() => undefined);
    await admin.close();
    throw err;
  }
  let disposing: Promise<void> | undefined;
  const dispose = () =>
    (disposing ??= (async () => {
      try {
        // Dropped first, WITH (FORCE): a statement still running there (Ctrl-C in the middle of a
        // migration) is ended by the server, and the drop does not wait for it.
        if (created) await dropDatabase(admin, name);
      } finally {
        await db.close().catch(() => undefined);
        await admin.close().catch(() => undefined);
      }
    })());
  const how = leftOver ? ' (left by a verify that was killed: created again for this run, dropped at the end)' : created ? ' (created for this run, dropped at the end)' : '';
  const description = `${created ? 'scratch' : 'existing'} database ${describeUrl(at(name))}${how}`;
  return { db, description, name, created, dispose };
}

/**
 * Whether verify should roll every migration back before `dispose`: on a scratch database of a
 * server that it drops, the roles (and tablespaces) migrations create belong to the server and
 * would outlive the drop; their Downs drop them. Not on PGlite, which goes whole.
 */
export function dropsAtEnd(target: VerifyDatabase): boolean {
  return target.created && target.db.kind === 'pg';
}

async function dropDatabase(admin: Database, name: string): Promise<void> {
  const [{ v }] = await admin.query<{ v: number }>(`SELECT current_setting('server_version_num')::int AS v`);
  if (v >= 130000) {
    await admin.exec(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    return;
  }
  await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
  await admin.exec(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
}

