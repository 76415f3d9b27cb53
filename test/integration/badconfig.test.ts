// Bad configuration: one clear line each, a non-zero exit, no stack trace unless --verbose asks for one.
// The CLI runs as a process (dist/cli.js), from a project folder of its own.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isOneCleanLine, project, runCli, type CliResult } from '../support/cli';
import { EmbeddedServer, createDatabase, freePort, getServer, type PgServer, type TestDatabase } from '../support/pg';

let p: ReturnType<typeof project>;
let shared: PgServer;
let db: TestDatabase;
// A server that checks passwords (the machine's may trust everyone).
let strict: EmbeddedServer;

beforeAll(async () => {
  p = project({ '20240101000000_first.sql': '-- +migrate Up\nCREATE TABLE first (id int);\n-- +migrate Down\nDROP TABLE first;\n' });
  shared = await getServer();
  db = await createDatabase(shared, 'ml_badconfig');
  strict = await EmbeddedServer.start({ password: 'right-Pa55word' });
});
afterAll(async () => {
  await db?.drop();
  await shared?.close();
  await strict?.close();
  p?.remove();
});

function config(name: string, text: string): string {
  const path = join(p.root, name);
  writeFileSync(path, text);
  return path;
}

const cli = (args: string[], env: Record<string, string> = {}) => runCli([...args, '-migrations', p.migrations], { cwd: p.root, env });

function oneLine(r: CliResult, pattern: RegExp): void {
  expect(r.code, JSON.stringify(r)).not.toBe(0);
  expect(r.signal).toBeNull();
  expect(isOneCleanLine(r.stderr), r.stderr).toBe(true);
  expect(r.stderr).toMatch(/^error: /);
  expect(r.stderr).toMatch(pattern);
  expect(r.stdout).not.toMatch(/^\s+at\s/m);
  expect(r.stderr + r.stdout).not.toMatch(/(Error|TypeError|ConfigError):.*\n\s+at /);
}

describe('bad configuration', () => {
  test('a config file that does not exist', async () => {
    oneLine(await cli(['status', '-config', 'nowhere.yaml']), /nowhere\.yaml: cannot read the config file \(ENOENT\)/);
  });

  test('a config "file" that is a folder (unreadable)', async () => {
    mkdirSync(join(p.root, 'folder.yaml'), { recursive: true });
    oneLine(await cli(['status', '-config', 'folder.yaml']), /folder\.yaml: cannot read the config file \(EISDIR\)/);
  });

  test('a config file that is not YAML', async () => {
    config('broken.yaml', 'database:\n  url: "postgres://x\n  host: [\n');
    oneLine(await cli(['up', '-config', 'broken.yaml']), /broken\.yaml:\d+: not valid YAML/);
  });

  test('a config file that is a list, not sections', async () => {
    config('list.yaml', '- database\n- migrations\n');
    oneLine(await cli(['status', '-config', 'list.yaml']), /list\.yaml:1: expected sections "database:" and "migrations:"/);
  });

  test('an unknown top-level key, with its line', async () => {
    config('typo.yaml', '# settings\ndatabse:\n  url: postgres://localhost/x\n');
    oneLine(await cli(['status', '-config', 'typo.yaml']), /typo\.yaml:2: unknown key "databse"/);
  });

  test('an unknown key inside a section, with its line', async () => {
    config('nested.yaml', `database:\n  url: ${db.url}\nmigrations:\n  folder: db/migrations\n`);
    oneLine(await cli(['status', '-config', 'nested.yaml']), /nested\.yaml:4: unknown key "migrations\.folder"; expected one of dir, /);
  });

  test('a missing ${VAR}', async () => {
    config('var.yaml', 'database:\n  url: postgres://app:${ML_TEST_NOT_SET_PASSWORD}@127.0.0.1:5432/app\n');
    oneLine(await cli(['up', '-config', 'var.yaml']), /var\.yaml:2: \$\{ML_TEST_NOT_SET_PASSWORD\} is not set in the environment/);
  });

  test('a bad value (lock_timeout)', async () => {
    config('timeout.yaml', `database:\n  url: ${db.url}\nmigrations:\n  lock_timeout: soon\n`);
    oneLine(await cli(['up', '-config', 'timeout.yaml']), /timeout\.yaml: migrations\.lock_timeout: expected a duration/);
  });

  test('./config.yaml found on its own is checked the same way', async () => {
    const other = project();
    try {
      writeFileSync(join(other.root, 'config.yaml'), 'migration:\n  dir: x\n');
      const r = await runCli(['status'], { cwd: other.root });
      oneLine(r, /^error: config\.yaml:1: unknown key "migration"/);
    } finally {
      other.remove();
    }
  });

  test('a connection string that is not postgres://', async () => {
    oneLine(await cli(['status'], { DATABASE_URL: 'mysql://root:pw@localhost/db' }), /must start with postgres:\/\/ or postgresql:\/\//);
  });

  test('an unreachable host (nothing listens on the port)', async () => {
    const port = await freePort();
    oneLine(await cli(['up'], { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/db` }), new RegExp(`cannot connect to the database \\(ECONNREFUSED\\).*127\\.0\\.0\\.1:${port}`));
  });

  test('a host name that does not resolve', async () => {
    oneLine(await cli(['status'], { DATABASE_URL: 'postgres://postgres@no-such-host.invalid/db' }), /cannot connect to the database \(E(NOTFOUND|AI_AGAIN)\).*no-such-host\.invalid/);
  });

  test('a wrong password', async () => {
    const url = strict.url('postgres').replace('right-Pa55word', 'wrong-Pa55word');
    const r = await cli(['status'], { DATABASE_URL: url });
    oneLine(r, /the database refused the login: password authentication failed for user "postgres"/);
    expect(r.stderr + r.stdout).not.toContain('wrong-Pa55word');
  });

  test('a database that does not exist', async () => {
    oneLine(await cli(['status'], { DATABASE_URL: shared.url('ml_no_such_database_here') }), /the database does not exist: .*ml_no_such_database_here/);
  });

  test('a bad --lock-timeout is a usage error (exit 2)', async () => {
    const r = await cli(['up', '--lock-timeout', 'forever'], { DATABASE_URL: db.url });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/^error: -lock-timeout expects seconds/);
    expect(r.stderr).not.toMatch(/^\s+at\s/m);
  });

  test('--verbose adds the stack trace, and only then', async () => {
    config('verbose.yaml', 'databse:\n  url: x\n');
    const quiet = await cli(['status', '-config', 'verbose.yaml']);
    const loud = await cli(['status', '-config', 'verbose.yaml', '--verbose']);
    oneLine(quiet, /unknown key "databse"/);
    expect(loud.code).toBe(quiet.code);
    expect(loud.stderr.startsWith(quiet.stderr)).toBe(true);
    expect(loud.stderr).toMatch(/\n\s+at /);
  });
});
