// The bundled CLI as a user runs it: a separate process, real PostgreSQL, and the embedded default.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, getServer, type PgServer, type TestDatabase } from '../support/pg';
import { examplesCopy, migrationsFolder } from '../support/files';

const CLI = resolve(__dirname, '..', '..', 'dist', 'cli.js');
const run = promisify(execFile);

async function cli(args: string[], env: Record<string, string | undefined>, cwd = process.cwd()) {
  const clean = { ...process.env, DATABASE_URL: undefined, PGHOST: undefined, PGDATABASE: undefined, PGUSER: undefined, PGPORT: undefined, PGPASSWORD: undefined, ...env };
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: clean as NodeJS.ProcessEnv, cwd });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('CLI on PostgreSQL', () => {
  let server: PgServer;
  let db: TestDatabase;
  const ex = examplesCopy();

  beforeAll(async () => {
    expect(existsSync(CLI), 'run "npm run build" first').toBe(true);
    server = await getServer();
    db = await createDatabase(server, 'ml_cli');
  });
  afterAll(async () => {
    await db?.drop();
    await server?.close();
    ex.remove();
  });

  it('up, status in one batch with times, down the latest, refresh to all applied', async () => {
    const env = { DATABASE_URL: db.url };
    const up = await cli(['up', '-migrations', ex.dir], env);
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/Applied 3 migrations in batch 1/);

    const status = await cli(['status', `-migrations=${ex.dir}`], env);
    expect(status.code).toBe(0);
    const lines = status.stdout.split('\n');
    const header = lines.findIndex((l) => l.startsWith('VERSION'));
    expect(lines[header]).toMatch(/^VERSION\s+STATUS\s+NAME\s+APPLIED AT\s+EXECUTION TIME$/);
    for (const l of lines.slice(header + 1, header + 4)) expect(l).toMatch(/^\d{14}\s+applied\s+\w+\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+[\d.]+ m?s$/);

    const json = JSON.parse((await cli(['status', '--json', '--migrations', ex.dir], env)).stdout);
    expect(json.map((e: { batch: number }) => e.batch)).toEqual([1, 1, 1]);

    const down = await cli(['down', '-migrations', ex.dir], env);
    expect(down.stdout).toMatch(/Rolled back 20240201000003_security_enhancements/);
    const refresh = await cli(['refresh', '-migrations', ex.dir], env);
    expect(refresh.code).toBe(0);
    const after = JSON.parse((await cli(['status', '--json', '-migrations', ex.dir], env)).stdout);
    expect(after.map((e: { status: string }) => e.status)).toEqual(['applied', 'applied', 'applied']);
    expect((await cli(['version', '-migrations', ex.dir], env)).stdout).toMatch(/20240201000003 \(security_enhancements\)/);
  });

  it('exits 1 with the file and line of a failing statement, 2 on usage errors', async () => {
    const f = migrationsFolder({ '20240101000001_bad.sql': '-- +migrate Up\nCREATE TABLE fine (id int);\nSELECT * FROM no_such_table;\n' });
    try {
      const failed = await cli(['up', '-migrations', f.dir, '-table', 'other_history'], { DATABASE_URL: db.url });
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/^error: .*20240101000001_bad\.sql:3: migration 20240101000001 up failed \(statement 2\): relation "no_such_table" does not exist/m);
      expect(failed.stderr).not.toMatch(/\n\s+at /); // no stack trace unless --verbose
      expect((await cli(['up', '-bogus'], {})).code).toBe(2);
      expect((await cli(['frobnicate'], {})).code).toBe(2);
    } finally {
      f.remove();
    }
  });

  it('keeps non-ASCII text intact from the file through the database to the output', async () => {
    // The bundle is built as it is (no rewrite of its non-ASCII characters): a message in any script survives.
    const text = 'café — 名前 ✓';
    const f = migrationsFolder({ '20240101000001_uni.sql': `-- +migrate Up\nDO $$ BEGIN RAISE EXCEPTION '${text}'; END $$;\n` });
    try {
      const failed = await cli(['up', '--dry-run', '-migrations', f.dir, '-table', 'uni_history'], { DATABASE_URL: db.url });
      expect(failed.stdout).toContain(`RAISE EXCEPTION '${text}'`);
      const run = await cli(['up', '-migrations', f.dir, '-table', 'uni_history'], { DATABASE_URL: db.url });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`: ${text}`);
    } finally {
      f.remove();
    }
  });

  it('--dry-run prints the statements and applies nothing', async () => {
    const f = migrationsFolder({ '20240101000001_t.sql': '-- +migrate Up\nCREATE TABLE dry (id int);\n' });
    try {
      const out = await cli(['up', '--dry-run', '-migrations', f.dir, '-table', 'dry_history'], { DATABASE_URL: db.url });
      expect(out.stdout).toContain("-- up 20240101000001_t\nBEGIN;\nSET LOCAL lock_timeout = '5000ms';\nCREATE TABLE dry (id int);\nCOMMIT;");
      expect(await db.query(`SELECT 1 FROM pg_class WHERE relname IN ('dry', 'dry_history')`)).toEqual([]);
    } finally {
      f.remove();
    }
  });

  it('--dry-run shows the lock_timeout --ddl-lock-timeout sets, and none for 0', async () => {
    const f = migrationsFolder({
      '20240101000001_t.sql': '-- +migrate Up\nCREATE TABLE dry (id int);\n',
      '20240101000002_i.sql': '-- +migrate Up notransaction\nCREATE INDEX CONCURRENTLY dry_i ON dry (id);\n',
    });
    try {
      const set = await cli(['up', '--dry-run', '-migrations', f.dir, '-table', 'dry_flags_history', '--ddl-lock-timeout', '2s'], { DATABASE_URL: db.url });
      expect(set.stdout).toContain("-- up 20240101000001_t\nBEGIN;\nSET LOCAL lock_timeout = '2000ms';\nCREATE TABLE dry (id int);\nCOMMIT;\n");
      expect(set.stdout).toContain("-- up 20240101000002_i (notransaction)\nSET lock_timeout = '2000ms';\nCREATE INDEX CONCURRENTLY dry_i ON dry (id);\nRESET lock_timeout;\n");
      const none = await cli(['up', '--dry-run', '-migrations', f.dir, '-table', 'dry_flags_history', '--ddl-lock-timeout', '0'], { DATABASE_URL: db.url });
      expect(none.stdout).toContain('-- up 20240101000001_t\nBEGIN;\nCREATE TABLE dry (id int);\nCOMMIT;\n');
      expect(none.stdout).not.toContain('lock_timeout');
    } finally {
      f.remove();
    }
  });
});

describe('CLI with nothing configured', () => {
  it('uses the embedded PGlite database in the project folder and says so', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ml-embedded-cli-'));
    const ex = examplesCopy();
    try {
      const up = await cli(['up', '-migrations', ex.dir], {}, cwd);
      expect(up.stderr).toBe('');
      expect(up.code).toBe(0);
      expect(up.stdout).toContain(`Database: embedded PGlite at ${join(cwd, '.migrate-lens', 'pglite')} (`);
      expect(existsSync(join(cwd, '.migrate-lens', 'pglite', 'PG_VERSION'))).toBe(true);
      // The folder ignores itself in git, made by whichever tool created it.
      expect(readFileSync(join(cwd, '.migrate-lens', '.gitignore'), 'utf8')).toMatch(/^\*$/m);
      const status = await cli(['status', '--json', '-migrations', ex.dir], {}, cwd);
      expect(JSON.parse(status.stdout).map((e: { status: string }) => e.status)).toEqual(['applied', 'applied', 'applied']);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
      ex.remove();
    }
  }, 60_000);

  it('refuses a second process on the same embedded data folder instead of corrupting it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ml-embedded-lock-'));
    const ex = examplesCopy();
    try {
      mkdirSync(join(cwd, '.migrate-lens'), { recursive: true });
      // A live process (this test runner) owns the lock; a stale owner would be taken over.
      writeFileSync(join(cwd, '.migrate-lens', 'pglite.lock'), String(process.pid));
      const blocked = await cli(['status', '-migrations', ex.dir], {}, cwd);
      expect(blocked.code).toBe(1);
      expect(blocked.stderr).toMatch(new RegExp(`^error: the embedded PGlite at \\.migrate-lens/pglite is in use by process ${process.pid}`, 'm'));
      writeFileSync(join(cwd, '.migrate-lens', 'pglite.lock'), '999999999');
      const taken = await cli(['status', '-migrations', ex.dir], {}, cwd);
      expect(taken.code).toBe(0);
      expect(existsSync(join(cwd, '.migrate-lens', 'pglite.lock'))).toBe(false); // released on close
    } finally {
      rmSync(cwd, { recursive: true, force: true });
      ex.remove();
    }
  }, 60_000);
});
