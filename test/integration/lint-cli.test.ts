// `migrate-lens lint` as a user runs it: the built CLI, a folder, files, formats, exit codes, and
// --pending against PostgreSQL and against the embedded PGlite database.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, getServer, type PgServer, type TestDatabase } from '../support/pg';
import { migrationsFolder } from '../support/files';

const CLI = resolve(__dirname, '..', '..', 'dist', 'cli.js');
const run = promisify(execFile);

async function cli(args: string[], env: Record<string, string | undefined> = {}, cwd = process.cwd(), options: { timeout?: number; killSignal?: NodeJS.Signals } = {}) {
  const clean = { ...process.env, MIGRATE_LENS_COMPILE_CACHE: 'off', DATABASE_URL: undefined, PGHOST: undefined, PGDATABASE: undefined, PGUSER: undefined, PGPORT: undefined, PGPASSWORD: undefined, ...env };
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: clean as NodeJS.ProcessEnv, cwd, ...options });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const SAFE = '-- +migrate Up\nCREATE TABLE a (id int PRIMARY KEY);\nCREATE INDEX a_id_idx ON a (id);\n\n-- +migrate Down\nDROP TABLE a;\n';
const RISKY = '-- +migrate Up\nCREATE INDEX a_x_idx ON a (id);\n\n-- +migrate Down\nDROP INDEX a_x_idx;\n';
const WARNING_ONLY = '-- +migrate Up\nALTER TABLE a RENAME COLUMN id TO a_id;\n\n-- +migrate Down\nALTER TABLE a RENAME COLUMN a_id TO id;\n';
const BROKEN = '-- +migrate Up\nCREATE TABEL b (id int);\n\n-- +migrate Down\nDROP TABLE b;\n';

describe('lint (no database)', () => {
  const folder = migrationsFolder({ '20240101000000_a.sql': SAFE, '20240102000000_risky.sql': RISKY, '20240103000000_broken.sql': BROKEN });
  const cwd = join(folder.dir, '..');
  afterAll(() => folder.remove());
  beforeAll(() => expect(existsSync(CLI), 'run "npm run build" first').toBe(true));

  it('prints file:line:col severity rule message and exits 1 on an error', async () => {
    const r = await cli(['lint', '-migrations', folder.dir], {}, cwd);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/20240102000000_risky\.sql:2:1 error index-without-concurrently CREATE INDEX "a_x_idx" on existing table "a"/),
      expect.stringMatching(/20240103000000_broken\.sql:2:8 error syntax-error syntax error at or near "TABEL"$/),
    ]);
    expect(r.stderr).toBe('3 files: 2 errors, 0 warnings\n');
  });

  it('exits 0 on a clean file, and on warnings unless --strict', async () => {
    const safe = folder.write('safe.sql', SAFE);
    const warn = folder.write('warn.sql', WARNING_ONLY);
    expect(await cli(['lint', safe])).toMatchObject({ code: 0, stdout: '', stderr: '1 file: no problems\n' });
    const w = await cli(['lint', warn]);
    expect(w.code).toBe(0);
    expect(w.stdout).toMatch(/warn\.sql:2:1 warning renaming-column/);
    expect((await cli(['lint', '--strict', warn])).code).toBe(1);
  });

  it('--format json and sarif', async () => {
    const risky = join(folder.dir, '20240102000000_risky.sql');
    const j = await cli(['lint', '--format', 'json', risky]);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout)).toEqual([
      { file: expect.stringContaining('20240102000000_risky.sql'), line: 2, column: 1, severity: 'error', rule: 'index-without-concurrently', message: expect.any(String) },
    ]);
    const s = await cli(['lint', '--format=sarif', risky]);
    const log = JSON.parse(s.stdout);
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].results[0]).toMatchObject({ ruleId: 'index-without-concurrently', level: 'error', locations: [{ physicalLocation: { region: { startLine: 2, startColumn: 1 } } }] });
    const bad = await cli(['lint', '--format', 'xml', risky]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--format expects text, json or sarif, got "xml"/);
  });

  it('counts columns in characters (code points) in every format, as a user counts them', async () => {
    const file = folder.write('unicode.sql', '-- +migrate Up\n-- café 🚀\n/* café 🚀 */ CREATE INDEX "naïve_idx" ON a (id);\n\n-- +migrate Down\nDROP INDEX "naïve_idx";\n');
    // "/* café 🚀 */ " is 13 characters (14 UTF-16 units): the statement starts in column 14.
    const t = await cli(['lint', file]);
    expect(t.stdout).toMatch(/unicode\.sql:3:14 error index-without-concurrently CREATE INDEX "naïve_idx"/);
    const j = await cli(['lint', '--format', 'json', file]);
    expect(JSON.parse(j.stdout)).toMatchObject([{ line: 3, column: 14, rule: 'index-without-concurrently' }]);
    const s = JSON.parse((await cli(['lint', '--format', 'sarif', file])).stdout);
    expect(s.runs[0].columnKind).toBe('unicodeCodePoints');
    expect(s.runs[0].results[0].locations[0].physicalLocation.region).toEqual({ startLine: 3, startColumn: 14 });
  });

  it('a folder among the files stands for its .sql files; a file named twice is linted once; a missing one is named', async () => {
    const risky = join(folder.dir, '20240102000000_risky.sql');
    const twice = await cli(['lint', risky, risky, `${folder.dir}/./20240102000000_risky.sql`]);
    expect(twice.stdout.trim().split('\n')).toHaveLength(1);
    expect(twice.stderr).toBe('1 file: 1 error, 0 warnings\n');
    const name = basename(folder.dir);
    const dir = await cli(['lint', name], {}, cwd);
    expect(dir.stdout).toBe((await cli(['lint', '-migrations', name], {}, cwd)).stdout);
    expect(dir.stdout).toMatch(/risky\.sql:2:1 error index-without-concurrently/);
    const missing = await cli(['lint', 'nope.sql'], {}, cwd);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: cannot read nope\.sql \(ENOENT\)/);
    // Reading a FIFO waits for a writer for ever (and a blocked read cannot even take SIGTERM): the
    // kill is only the safety net of a failing test.
    const fifo = join(folder.dir, 'fifo.sql');
    execFileSync('mkfifo', [fifo]);
    try {
      const r = await cli(['lint', fifo], {}, cwd, { timeout: 60_000, killSignal: 'SIGKILL' });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/fifo\.sql is not a regular file/);
    } finally {
      rmSync(fifo);
    }
  });

  it('reads lint.rules from config.yaml', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-lint-config-'));
    try {
      writeFileSync(join(dir, 'config.yaml'), 'lint:\n  rules:\n    index-without-concurrently: warning\n');
      const r = await cli(['lint', join(folder.dir, '20240102000000_risky.sql')], {}, dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/ warning index-without-concurrently /);
      writeFileSync(join(dir, 'config.yaml'), 'lint:\n  rules:\n    no-such-rule: off\n');
      const bad = await cli(['lint', join(folder.dir, '20240102000000_risky.sql')], {}, dir);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/config\.yaml:3: unknown lint rule "no-such-rule"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('lint --pending', () => {
  let server: PgServer;
  let db: TestDatabase;
  const folder = migrationsFolder({ '20240101000000_a.sql': SAFE, '20240102000000_risky.sql': RISKY });

  beforeAll(async () => {
    server = await getServer();
    db = await createDatabase(server, 'ml_lint');
  });
  afterAll(async () => {
    await db?.drop();
    await server?.close();
    folder.remove();
  });

  it('on PostgreSQL: lints only what is not applied yet', async () => {
    // The risky migration is applied; then only the new one is pending.
    expect((await cli(['up', '-migrations', folder.dir], { DATABASE_URL: db.url })).code).toBe(0);
    folder.write('20240103000000_c.sql', WARNING_ONLY);
    const r = await cli(['lint', '--pending', '-migrations', folder.dir], { DATABASE_URL: db.url });
    expect(r.stdout).not.toMatch(/risky/);
    expect(r.stdout).toMatch(/20240103000000_c\.sql:2:1 warning renaming-column/);
    expect(r.stderr).toBe('1 file: 0 errors, 1 warning\n');
    expect(r.code).toBe(0);
  });

  it('lints what the next up runs again: a failed migration and a rolled-back one', async () => {
    const other = await createDatabase(server, 'ml_lint_failed');
    // Fails at run time (division by zero) and has a finding the linter must not skip.
    const failing = '-- +migrate Up\nALTER TABLE a ADD COLUMN n int NOT NULL;\nSELECT 1/0;\n\n-- +migrate Down\nSELECT 1;\n';
    const local = migrationsFolder({ '20240101000000_a.sql': SAFE, '20240102000000_risky.sql': RISKY });
    try {
      expect((await cli(['up', '-migrations', local.dir], { DATABASE_URL: other.url })).code).toBe(0);
      local.write('20240103000000_failing.sql', failing);
      expect((await cli(['up', '-migrations', local.dir], { DATABASE_URL: other.url })).code).toBe(1);
      expect((await cli(['down', '-migrations', local.dir], { DATABASE_URL: other.url })).code).toBe(0);
      const status = await cli(['status', '-migrations', local.dir], { DATABASE_URL: other.url });
      expect(status.stdout).toMatch(/20240102000000 +rollback/);
      expect(status.stdout).toMatch(/20240103000000 +failed/);
      const r = await cli(['lint', '--pending', '-migrations', local.dir], { DATABASE_URL: other.url });
      expect(r.stdout.trim().split('\n')).toEqual([
        expect.stringMatching(/20240102000000_risky\.sql:2:1 error index-without-concurrently/),
        expect.stringMatching(/20240103000000_failing\.sql:2:26 error adding-not-null-column-without-default/),
      ]);
      expect(r.code).toBe(1);
    } finally {
      local.remove();
      await other.drop();
    }
  });

  it('on the embedded PGlite database: the same', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ml-lint-pglite-'));
    const local = migrationsFolder({ '20240101000000_a.sql': SAFE });
    try {
      expect((await cli(['up', '-migrations', local.dir], {}, cwd)).code).toBe(0);
      local.write('20240102000000_risky.sql', RISKY);
      const r = await cli(['lint', '--pending', '-migrations', local.dir], {}, cwd);
      expect(r.code).toBe(1);
      expect(r.stdout.trim().split('\n')).toEqual([expect.stringMatching(/20240102000000_risky\.sql:2:1 error index-without-concurrently/)]);
    } finally {
      local.remove();
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 60_000);
});
