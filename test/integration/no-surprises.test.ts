// Issue 11: commands, configuration and the tracking table do only what they say (the CLI as a user runs it).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, getServer, type PgServer, type TestDatabase } from '../support/pg';
import { examplesCopy } from '../support/files';

const CLI = resolve(__dirname, '..', '..', 'dist', 'cli.js');
const run = promisify(execFile);

export async function cli(args: string[], env: Record<string, string | undefined>, cwd = process.cwd()) {
  const clean: Record<string, string | undefined> = { ...process.env, ...env };
  for (const k of Object.keys(clean)) if ((k === 'DATABASE_URL' || k.startsWith('PG')) && !(k in env)) delete clean[k];
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: clean as NodeJS.ProcessEnv, cwd });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('--dry-run never executes', () => {
  let server: PgServer;
  let db: TestDatabase;
  const ex = examplesCopy();

  beforeAll(async () => {
    expect(existsSync(CLI), 'run "npm run build" first').toBe(true);
    server = await getServer();
    db = await createDatabase(server, 'ml_dry');
  });
  afterAll(async () => {
    await db?.drop();
    await server?.close();
    ex.remove();
  });

  const snapshot = async () => ({
    users: await db.query(`SELECT id, email FROM users ORDER BY id`),
    history: await db.query(`SELECT * FROM schema_migrations ORDER BY version`),
  });

  it('refresh --dry-run prints both halves and leaves the data and the history as they were', async () => {
    const env = { DATABASE_URL: db.url };
    expect((await cli(['up', '-migrations', ex.dir], env)).code).toBe(0);
    await db.query(`INSERT INTO users (email, display_name, password_hash) VALUES ('a@b.c', 'A', 'x')`);
    const before = await snapshot();
    const r = await cli(['refresh', '--dry-run', '-migrations', ex.dir], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const heads = r.stdout.split('\n').filter((l) => /^-- (up|down) /.test(l));
    expect(heads).toEqual([
      '-- down 20240201000003_security_enhancements',
      '-- down 20240115000002_backup_tables',
      '-- down 20240101000001_initial_tables',
      '-- up 20240101000001_initial_tables',
      '-- up 20240115000002_backup_tables',
      '-- up 20240201000003_security_enhancements',
    ]);
    expect(r.stdout).toMatch(/DROP TABLE/i);
    expect(r.stdout).toMatch(/CREATE TABLE users/);
    expect(await snapshot()).toEqual(before);
  });

  it.each([['up'], ['down'], ['down', '--all'], ['down', '--batch'], ['reset'], ['refresh']])('%s ... --dry-run changes nothing', async (...command) => {
    const env = { DATABASE_URL: db.url };
    // one pending migration, so that up has something to plan
    expect((await cli(['down', '-migrations', ex.dir], env)).code).toBe(0);
    const before = await snapshot();
    const r = await cli([...command, '--dry-run', '-migrations', ex.dir], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^-- (up|down) \d{14}_/m);
    expect(await snapshot()).toEqual(before);
    expect((await cli(['up', '-migrations', ex.dir], env)).code).toBe(0);
  });
});
