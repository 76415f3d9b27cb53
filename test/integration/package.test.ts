// The package as a user gets it: `npm pack`, installed into a new project, the README's example
// ("Using the engine from code") type-checked with `tsc --strict` and run against PostgreSQL, as ESM
// and as CommonJS. The example's files are taken from the README itself, so the two cannot drift.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, getServer, type PgServer, type TestDatabase } from '../support/pg';

const ROOT = resolve(__dirname, '..', '..');
const exec = promisify(execFile);
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** The files of the README's library example: fenced blocks whose info string names a file. */
export function readmeExample(readme = readFileSync(join(ROOT, 'README.md'), 'utf8')): Record<string, string> {
  const start = readme.indexOf('## Using the engine from code');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 3));
  const files: Record<string, string> = {};
  for (const m of section.matchAll(/^```\w+ (\S+)\n([\s\S]*?)^```$/gm)) files[m[1]] = m[2];
  return files;
}

async function run(file: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }) {
  try {
    const r = await exec(file, args, { cwd: opts.cwd, env: opts.env ?? process.env, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string; message: string };
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: `${err.stderr ?? ''}\n${err.message}` };
  }
}

describe('the npm package, installed into a new project', () => {
  let server: PgServer;
  let db: TestDatabase;
  let work: string;
  let project: string;
  beforeAll(async () => {
    for (const f of ['engine.js', 'engine.mjs', 'engine.d.ts', 'engine.d.mts', 'cli.js']) {
      expect(existsSync(join(ROOT, 'dist', f)), `dist/${f}: run "npm run build" first`).toBe(true);
    }
    server = await getServer();
    db = await createDatabase(server, 'ml_package');
    work = mkdtempSync(join(tmpdir(), 'ml-package-'));
    project = join(work, 'project');
    mkdirSync(project);
  });
  afterAll(async () => {
    await db?.drop();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the README example has its files', () => {
    expect(Object.keys(readmeExample()).sort()).toEqual(['config.yaml', 'migrate.mts', 'migrations/20240101000000_create_users.sql', 'rollback.cts']);
  });

  it('packs, installs, type-checks the README example (strict, ESM and CommonJS) and runs it', async () => {
    const npmEnv = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
    const pack = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, env: npmEnv });
    expect(pack.code, pack.stderr).toBe(0);
    const tarball = join(work, JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')))[0].filename);

    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true, type: 'module' }, null, 2));
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', target: 'es2022', outDir: 'out', types: ['node'], skipLibCheck: false }, include: ['*.mts', '*.cts'] }, null, 2),
    );
    for (const [name, text] of Object.entries(readmeExample())) {
      mkdirSync(dirname(join(project, name)), { recursive: true });
      writeFileSync(join(project, name), text);
    }
    const nodeTypes = JSON.parse(readFileSync(join(ROOT, 'node_modules', '@types', 'node', 'package.json'), 'utf8')).version as string;
    const install = await run('npm', ['install', '--prefer-offline', '--no-package-lock', tarball, `@types/node@${nodeTypes}`], { cwd: project, env: npmEnv });
    expect(install.code, install.stderr).toBe(0);

    // What the package holds: the CLI and the library, not the sources or the tests.
    const installed = join(project, 'node_modules', 'migrate-lens');
    expect(readdirSync(installed).sort()).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'dist', 'package.json']);
    expect(readdirSync(join(installed, 'dist')).sort()).toEqual(['cli.js', 'cli.js.map', 'engine.d.mts', 'engine.d.ts', 'engine.js', 'engine.js.map', 'engine.mjs', 'types']);

    const tsc = await run(process.execPath, [TSC, '-p', '.'], { cwd: project });
    expect(tsc.code, tsc.stdout + tsc.stderr).toBe(0);
    // Internal modules stay internal, for the compiler and for Node.
    writeFileSync(join(project, 'deep.mts'), "import { Migrator } from 'migrate-lens/dist/types/engine/migrator.js';\nconsole.log(Migrator);\n");
    const deep = await run(process.execPath, [TSC, '-p', '.'], { cwd: project });
    expect(deep.code).not.toBe(0);
    expect(deep.stdout).toMatch(/deep\.mts.*(TS2307|TS2306|TS2305)/);
    rmSync(join(project, 'deep.mts'));
    const deepRequire = await run(process.execPath, ['-e', "require('migrate-lens/dist/engine.js')"], { cwd: project });
    expect(deepRequire.stderr).toMatch(/ERR_PACKAGE_PATH_NOT_EXPORTED/);

    const env = { ...process.env, DATABASE_URL: db.url, PGHOST: undefined, PGDATABASE: undefined, PGUSER: undefined, PGPORT: undefined, PGPASSWORD: undefined };
    const up = await run(process.execPath, ['out/migrate.mjs'], { cwd: project, env });
    expect(up.stderr.trim()).toBe('');
    expect(up.code).toBe(0);
    expect(up.stdout).toBe(
      [
        'up 20240101000000 create_users',
        'up 20240301000000 seed_admin',
        'applied 2 in batch 1',
        '20240101000000 applied create_users',
        '20240301000000 applied seed_admin',
        '',
      ].join('\n'),
    );
    // The config file's table was used (the settings resolved like the CLI's), and the code migration ran.
    expect(await db.query(`SELECT version, status FROM public.app_migrations ORDER BY version`)).toEqual([
      { version: '20240101000000', status: 'applied' },
      { version: '20240301000000', status: 'applied' },
    ]);
    expect(await db.query(`SELECT to_regclass('public.schema_migrations') AS t`)).toEqual([{ t: null }]);
    expect(await db.query(`SELECT email FROM users`)).toEqual([{ email: 'admin@example.com' }]);

    // The CLI of the same install finds the same database and table.
    const cli = await run(process.execPath, [join(installed, 'dist', 'cli.js'), 'status'], { cwd: project, env });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/^20240101000000\s+applied\s+create_users/m);

    const down = await run(process.execPath, ['out/rollback.cjs'], { cwd: project, env });
    expect(down.stderr.trim()).toBe('');
    expect(down.code).toBe(0);
    expect(down.stdout).toBe('rolled back 20240301000000 seed_admin\nnow at 20240101000000\n');
    expect(await db.query(`SELECT email FROM users`)).toEqual([]);

    // require() and import give one module: a registration made through one is seen through the other.
    const same = await run(
      process.execPath,
      ['--input-type=module', '-e', "import { createRequire } from 'node:module'; import * as esm from 'migrate-lens'; const cjs = createRequire(import.meta.url)('migrate-lens'); console.log(esm.createMigrator === cjs.createMigrator, esm.MigrateError === cjs.MigrateError);"],
      { cwd: project },
    );
    expect(same.stdout.trim()).toBe('true true');
  }, 600_000);
});
