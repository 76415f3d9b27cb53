// CLI -require FILE (repeatable) and config migrations.require: modules that register code
// migrations with registerMigration, loaded from the library as a user's module would load it.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../support/cli';
import { tableMigration } from '../support/files';
import { createDatabase, getServer, type PgServer, type TestDatabase } from '../support/pg';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const ENGINE_CJS = join(ROOT, 'dist', 'engine.js');
const ENGINE_ESM = pathToFileURL(join(ROOT, 'dist', 'engine.mjs')).href;

function cli(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) =>
    execFile(process.execPath, [CLI, ...args], { cwd, env: cleanEnv(env) }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

describe('CLI -require', () => {
  let server: PgServer;
  let db: TestDatabase;
  let project: string;
  beforeAll(async () => {
    server = await getServer();
    db = await createDatabase(server, 'ml_require');
    project = mkdtempSync(join(tmpdir(), 'ml-require-'));
    mkdirSync(join(project, 'migrations'));
    writeFileSync(join(project, 'migrations', '20240101000001_people.sql'), tableMigration('people'));
    // CommonJS, through require() of the library (not the CLI's own bundle: the registry is shared).
    writeFileSync(
      join(project, 'seed.cjs'),
      `const { registerMigration } = require(${JSON.stringify(ENGINE_CJS)});
registerMigration({
  version: '20240101000003', name: 'seed_people',
  up: async (db) => { await db.query("INSERT INTO people VALUES (1), (2)"); },
  down: async (db) => { await db.query('DELETE FROM people'); },
});\n`,
    );
    // ESM, named in the config file.
    writeFileSync(
      join(project, 'index.mjs'),
      `import { registerMigration } from ${JSON.stringify(ENGINE_ESM)};
registerMigration({ version: '20240101000002', name: 'people_note', up: async (db) => { await db.query('ALTER TABLE people ADD note text'); }, down: async (db) => { await db.query('ALTER TABLE people DROP note'); } });\n`,
    );
    writeFileSync(join(project, 'config.yaml'), 'migrations:\n  require:\n    - index.mjs\n');
    writeFileSync(join(project, 'broken.js'), "throw new Error('this module is broken');\n");
    writeFileSync(join(project, 'types.ts'), 'export {};\n');
  });
  afterAll(async () => {
    await db?.drop();
    await server?.close();
    rmSync(project, { recursive: true, force: true });
  });

  it('runs code migrations from the config file and -require beside the files, in version order', async () => {
    const env = { DATABASE_URL: db.url };
    const up = await cli(['up', '-require', 'seed.cjs'], project, env);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/Applied 20240101000001_people[^\n]*\nApplied 20240101000002_people_note[^\n]*\nApplied 20240101000003_seed_people/);
    expect(await db.query('SELECT id, note FROM people ORDER BY id')).toEqual([
      { id: 1, note: null },
      { id: 2, note: null },
    ]);
    const status = await cli(['status', '--json', '-require', 'seed.cjs'], project, env);
    expect(JSON.parse(status.stdout).map((e: { version: string; status: string }) => `${e.version} ${e.status}`)).toEqual([
      '20240101000001 applied',
      '20240101000002 applied',
      '20240101000003 applied',
    ]);
    // Rolled back by its own down(), which only the module knows.
    const down = await cli(['down', '-require', 'seed.cjs'], project, env);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toMatch(/Rolled back 20240101000003_seed_people/);
    expect(await db.query('SELECT count(*)::int AS n FROM people')).toEqual([{ n: 0 }]);
  });

  it('the flag repeats; a missing file, a TypeScript file and a module that throws are clear errors', async () => {
    const env = { DATABASE_URL: db.url };
    const twice = await cli(['status', '-require', 'seed.cjs', '-require=index.mjs'], project, env);
    expect(twice.code, twice.stderr).toBe(0);
    const missing = await cli(['status', '-require', 'nope.js'], project, env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`-require ${join(project, 'nope.js')}: no such file`);
    const ts = await cli(['status', '-require', 'types.ts'], project, env);
    expect(ts.code).toBe(1);
    expect(ts.stderr).toMatch(/types\.ts: a module must be a \.js, \.mjs or \.cjs file/);
    const broken = await cli(['up', '-require', 'broken.js'], project, env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/broken\.js: the module failed to load: this module is broken/);
    const help = await cli(['up', '--help'], project, {});
    expect(help.stdout).toMatch(/-require FILE\s+a \.js\/\.mjs\/\.cjs module that registers code migrations/);
  });
});
