// Helpers for the adopt tests: a fixture folder in a git work tree, the built CLI, and a schema
// snapshot to compare two databases by (pg_dump --schema-only when its version can read the server,
// and always the catalog's own definitions).
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect } from 'vitest';
import { createDatabase, getServer, type PgServer, type TestDatabase } from './pg';

export const CLI = resolve(__dirname, '..', '..', 'dist', 'cli.js');
const run = promisify(execFile);

/**
 * An adopt test file's databases: the built CLI is checked and the server found before its tests;
 * every database `database(prefix)` made is dropped after them.
 */
export function adoptDatabases(): { database(prefix: string): Promise<TestDatabase> } {
  let server: PgServer;
  const databases: TestDatabase[] = [];
  beforeAll(async () => {
    expect(existsSync(CLI), 'run "npm run build" first').toBe(true);
    server = await getServer();
  });
  afterAll(async () => {
    for (const db of databases) await db.drop();
    await server?.close();
  });
  return {
    async database(prefix) {
      const db = await createDatabase(server, prefix);
      databases.push(db);
      return db;
    },
  };
}

export function has(command: string, args = ['--help']): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch (err) {
    return (err as { code?: string }).code !== 'ENOENT' && (err as { status?: number }).status !== undefined;
  }
}

/** A copy of test/fixtures/adopt/<tool>/ in a temporary git work tree (committed), removed by remove(). */
export function fixtureProject(tool: string): { dir: string; migrations: string; git(...args: string[]): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `ml-adopt-${tool}-`));
  cpSync(resolve(__dirname, '..', 'fixtures', 'adopt', tool), dir, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } }).toString();
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'fixture');
  return { dir, migrations: join(dir, 'migrations'), git, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function cli(args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  const clean = { ...process.env, MIGRATE_LENS_COMPILE_CACHE: 'off', DATABASE_URL: undefined, PGHOST: undefined, PGDATABASE: undefined, PGUSER: undefined, PGPORT: undefined, PGPASSWORD: undefined, ...env };
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: clean as NodeJS.ProcessEnv, cwd, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** Every definition the catalog holds for the public schema, except the named tables: comparable text. */
export async function catalogSnapshot(db: TestDatabase, exclude: string[]): Promise<string> {
  const rows = await db.query<{ line: string }>(
    `SELECT line FROM (
       SELECT format('column %s.%s %s %s %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid)) AS line
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND c.relname <> ALL($1)
       UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> ALL($1)
       UNION ALL SELECT format('constraint %s %s', conname, pg_get_constraintdef(co.oid)) FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relname <> ALL($1)
       UNION ALL SELECT 'function ' || pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
       UNION ALL SELECT 'trigger ' || pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND NOT t.tgisinternal
       UNION ALL SELECT 'sequence ' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'S'
     ) s ORDER BY line`,
    [exclude],
  );
  return rows.map((r) => r.line).join('\n');
}

/** `pg_dump --schema-only` without the named tables, or null when this pg_dump cannot dump that server. */
export async function schemaDump(db: TestDatabase, exclude: string[]): Promise<string | null> {
  try {
    const args = ['--schema-only', '--no-owner', '--no-privileges', ...exclude.flatMap((t) => ['-T', t]), '-d', db.url];
    const { stdout } = await run('pg_dump', args, { maxBuffer: 64 << 20 });
    return stdout
      .split('\n')
      .filter((l) => !/^\\(un)?restrict /.test(l) && !/^-- Dumped (from|by)/.test(l))
      .join('\n');
  } catch (err) {
    if (/server version mismatch|ENOENT/.test(String((err as Error).message))) return null;
    throw err;
  }
}
