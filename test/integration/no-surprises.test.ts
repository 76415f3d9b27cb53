// Issue 11: commands, configuration and the tracking table do only what they say (the CLI as a user runs it).
import { execFile } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, getServer, type PgServer, type TestDatabase } from '../support/pg';
import { examplesCopy, migrationsFolder, tableMigration } from '../support/files';

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

describe('status --check gates a deploy', () => {
  let server: PgServer;
  let db: TestDatabase;

  beforeAll(async () => {
    server = await getServer();
    db = await createDatabase(server, 'ml_check');
  });
  afterAll(async () => {
    await db?.drop();
    await server?.close();
  });

  it('0 when all applied, 3 when pending, 1 when failed, drifted or missing', async () => {
    const f = migrationsFolder({ '20240101000001_a.sql': tableMigration('a'), '20240101000002_b.sql': tableMigration('b') });
    const env = { DATABASE_URL: db.url };
    const check = async () => {
      const r = await cli(['status', '--check', '-migrations', f.dir], env);
      expect(r.stdout).toMatch(/VERSION\s+STATUS/);
      return r.code;
    };
    try {
      expect(await check()).toBe(3);
      expect((await cli(['up', '-migrations', f.dir, '-version', '20240101000001'], env)).code).toBe(0);
      expect(await check()).toBe(3);
      expect((await cli(['up', '-migrations', f.dir], env)).code).toBe(0);
      expect(await check()).toBe(0);
      expect((await cli(['status', '--check', '--json', '-migrations', f.dir], env)).code).toBe(0);
      // without --check status reports and exits 0 whatever it found
      f.write('20240101000003_bad.sql', '-- +migrate Up\nSELECT 1/0;\n');
      expect((await cli(['status', '-migrations', f.dir], env)).code).toBe(0);
      expect(await check()).toBe(3);
      expect((await cli(['up', '-migrations', f.dir], env)).code).toBe(1);
      expect(await check()).toBe(1); // failed
      rmSync(join(f.dir, '20240101000003_bad.sql'));
      expect((await cli(['forget', '-version', '20240101000003', '-migrations', f.dir], env)).code).toBe(0);
      expect(await check()).toBe(0);
      f.write('20240101000002_b.sql', tableMigration('b') + '-- edited\n');
      expect(await check()).toBe(1); // drifted
      rmSync(join(f.dir, '20240101000002_b.sql'));
      expect(await check()).toBe(1); // missing
    } finally {
      f.remove();
    }
  });
});

describe('nothing is created before it is needed; the target is named before connecting', () => {
  it('a missing migrations folder fails before the embedded database is made', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ml-nofolder-'));
    try {
      for (const command of [['status'], ['up'], ['version'], ['down', '--dry-run']]) {
        const r = await cli(command, {}, cwd);
        expect(r.code, command.join(' ')).toBe(1);
        expect(r.stderr).toContain(`${join(cwd, 'migrations')}: the migrations folder does not exist`);
        expect(readdirSync(cwd)).toEqual([]);
      }
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('prints the "Database:" line (without the password) before a connection that fails', async () => {
    const f = migrationsFolder({ '20240101000001_a.sql': tableMigration('a') });
    try {
      const r = await cli(['status', '-migrations', f.dir], { DATABASE_URL: 'postgres://alice:s3cr3t-pw@127.0.0.1:1/appdb?connect_timeout=5' });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('Database: postgres://alice@127.0.0.1:1/appdb (from DATABASE_URL)\n');
      expect(r.stderr).toMatch(/^error: cannot connect to the database/);
      expect(r.stdout + r.stderr).not.toContain('s3cr3t-pw');
      // --json keeps stdout for JSON: the line goes to stderr, before the error
      const j = await cli(['status', '--json', '-migrations', f.dir], { DATABASE_URL: 'postgres://alice:s3cr3t-pw@127.0.0.1:1/appdb' });
      expect(j.stdout).toBe('');
      expect(j.stderr.split('\n')[0]).toBe('Database: postgres://alice@127.0.0.1:1/appdb (from DATABASE_URL)');
    } finally {
      f.remove();
    }
  });
});

describe('the migrations folder: hidden and non-regular files', () => {
  it('skips hidden names, and skips a FIFO named like a migration with a warning instead of hanging', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ml-hidden-'));
    const dir = join(cwd, 'migrations');
    mkdirSync(dir);
    try {
      writeFileSync(join(dir, '20240101000001_a.sql'), tableMigration('a'));
      writeFileSync(join(dir, '._20240101000001_a.sql'), Buffer.from([0, 5, 22, 7, 0xff, 0xfe, 0]));
      writeFileSync(join(dir, '.#20240101000002_b.sql'), 'alice@host.1234:1700000000');
      execFileSync('mkfifo', [join(dir, '20240101000003_pipe.sql')]);
      const r = await cli(['status', '--json'], {}, cwd);
      expect(r.stderr).toContain(`warning: ${join(dir, '20240101000003_pipe.sql')}: skipped, not a regular file`);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).map((e: { version: string; status: string }) => [e.version, e.status])).toEqual([['20240101000001', 'pending']]);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('the tracking table, from the command line', () => {
  let server: PgServer;
  let db: TestDatabase;

  beforeAll(async () => {
    server = await getServer();
    db = await createDatabase(server, 'ml_tables');
  });
  afterAll(async () => {
    await db?.drop();
    await server?.close();
  });

  it("up refuses golang-migrate's schema_migrations, naming the tool and the way forward; nothing changes", async () => {
    const f = migrationsFolder({ '20240101000001_a.sql': tableMigration('a') });
    try {
      await db.query(`CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)`);
      await db.query(`INSERT INTO schema_migrations VALUES (20240101000001, false)`);
      const r = await cli(['up', '-migrations', f.dir], { DATABASE_URL: db.url });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: the table "public"\."schema_migrations" was made by golang-migrate; migrate-lens never alters or writes another tool's table\. Use -table NAME/m);
      const cols = await db.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = 'schema_migrations' ORDER BY ordinal_position`);
      expect(cols.map((c) => c.column_name)).toEqual(['version', 'dirty']);
      expect(await db.query(`SELECT 1 FROM pg_class WHERE relname = 'a'`)).toEqual([]);
    } finally {
      await db.query(`DROP TABLE IF EXISTS schema_migrations`);
      f.remove();
    }
  });

  it('status, status --json and version read a table of an earlier release without altering it', async () => {
    const f = migrationsFolder({ '20240101000001_a.sql': tableMigration('a') });
    try {
      await db.query(`CREATE TABLE schema_migrations (version bigint PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, status text NOT NULL, applied_at timestamptz)`);
      await db.query(`INSERT INTO schema_migrations VALUES (20240101000001, 'a', 'old', 'applied', now())`);
      const env = { DATABASE_URL: db.url };
      const table = await cli(['status', '-migrations', f.dir], env);
      expect(table.stderr).toBe('');
      expect(table.stdout).toMatch(/20240101000001\s+drifted/);
      const json = await cli(['status', '--json', '-migrations', f.dir], env);
      expect(JSON.parse(json.stdout).map((e: { status: string }) => e.status)).toEqual(['drifted']);
      const version = await cli(['version', '-migrations', f.dir], env);
      expect(version.stdout).toContain('20240101000001 (a)');
      const cols = await db.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = 'schema_migrations' ORDER BY ordinal_position`);
      expect(cols.map((c) => c.column_name)).toEqual(['version', 'name', 'checksum', 'status', 'applied_at']);
    } finally {
      await db.query(`DROP TABLE IF EXISTS schema_migrations`);
      f.remove();
    }
  });
});

describe('redaction never mangles messages', () => {
  let server: PgServer;
  let db: TestDatabase;
  const role = `ml_role_${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    server = await getServer();
    db = await createDatabase(server, 'ml_redact');
    // A one-character password, as short as they come: it must not be cut out of every message.
    await db.query(`CREATE ROLE ${role} LOGIN PASSWORD '0'`);
    await db.query(`GRANT ALL ON SCHEMA public TO ${role}`);
    await db.query(`GRANT ALL ON DATABASE ${db.name} TO ${role}`);
  });
  afterAll(async () => {
    await db?.query(`DROP OWNED BY ${role}`);
    await db?.query(`DROP ROLE IF EXISTS ${role}`);
    await db?.drop();
    await server?.close();
  });

  it('the error printed and stored is the database message, exact; the URL password still never printed', async () => {
    const u = new URL(db.url);
    u.username = role;
    u.password = '0';
    const url = u.toString();
    const f = migrationsFolder({ '20240101000001_a.sql': tableMigration('a'), '20240101000002_bad.sql': '-- +migrate Up\nSELECT * FROM x0_log_typo0;\n' });
    try {
      const r = await cli(['up', '-migrations', f.dir], { DATABASE_URL: url });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('Applied 20240101000001_a');
      expect(r.stdout).toContain(`Database: postgres://${role}@`);
      expect(r.stderr).toContain('migration 20240101000002 up failed');
      expect(r.stderr).toContain('relation "x0_log_typo0" does not exist');
      expect(r.stdout + r.stderr).not.toContain(`${role}:0@`);
      const rows = await db.query<{ version: string; error: string }>(`SELECT version::text, error FROM schema_migrations WHERE status = 'failed'`);
      expect(rows).toEqual([{ version: '20240101000002', error: expect.stringContaining('relation "x0_log_typo0" does not exist') }]);
      const status = await cli(['status', '--json', '-migrations', f.dir], { DATABASE_URL: url });
      expect(JSON.parse(status.stdout).map((e: { version: string }) => e.version)).toEqual(['20240101000001', '20240101000002']);
    } finally {
      f.remove();
    }
  });
});

describe('TLS settings beside database.url are never dropped', () => {
  let server: PgServer;
  let db: TestDatabase;

  beforeAll(async () => {
    server = await getServer();
    db = await createDatabase(server, 'ml_tls');
  });
  afterAll(async () => {
    await db?.drop();
    await server?.close();
  });

  it('sslmode: verify-full with an sslrootcert beside url is used (here: the missing CA file stops it), not ignored', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ml-tls-'));
    mkdirSync(join(cwd, 'migrations'));
    try {
      writeFileSync(join(cwd, 'config.yaml'), `database:\n  url: ${db.url}\n  sslmode: verify-full\n  sslrootcert: ${join(cwd, 'no-such-ca.pem')}\n`);
      const r = await cli(['status'], {}, cwd);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('no-such-ca.pem');
      // without the TLS keys the same url connects: the refusal above came from them
      writeFileSync(join(cwd, 'config.yaml'), `database:\n  url: ${db.url}\n`);
      expect((await cli(['status'], {}, cwd)).code).toBe(0);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
