// -env NAME on the CLI: config.yaml environments and sql-migrate's dbconfig.yml, against real databases.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, getServer, type PgServer, type TestDatabase } from '../support/pg';
import { tableMigration } from '../support/files';

const CLI = resolve(__dirname, '..', '..', 'dist', 'cli.js');
const run = promisify(execFile);

async function cli(args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  const clean = { ...process.env, DATABASE_URL: undefined, PGHOST: undefined, PGDATABASE: undefined, PGUSER: undefined, PGPORT: undefined, PGPASSWORD: undefined, ...env };
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: clean as NodeJS.ProcessEnv, cwd });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('CLI -env', () => {
  let server: PgServer;
  let dev: TestDatabase;
  let prod: TestDatabase;
  let cwd: string;

  beforeAll(async () => {
    expect(existsSync(CLI), 'run "npm run build" first').toBe(true);
    server = await getServer();
    dev = await createDatabase(server, 'ml_env_dev');
    prod = await createDatabase(server, 'ml_env_prod');
    cwd = mkdtempSync(join(tmpdir(), 'ml-env-'));
    mkdirSync(join(cwd, 'db', 'migrations'), { recursive: true });
    writeFileSync(join(cwd, 'db', 'migrations', '20240101000001_t.sql'), tableMigration('env_t'));
  });
  afterAll(async () => {
    await dev?.drop();
    await prod?.drop();
    await server?.close();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('config.yaml: up -env production touches production only and says which environment', async () => {
    writeFileSync(
      join(cwd, 'config.yaml'),
      `database:\n  url: \${DEV_URL}\nmigrations:\n  dir: db/migrations\nenvironments:\n  production:\n    url: \${PROD_URL}\n    protected: true\n    table: prod_history\n`,
    );
    const env = { DEV_URL: dev.url, PROD_URL: prod.url };
    const up = await cli(['up', '-env', 'production'], cwd, env);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/^Database: postgres:\/\/.*\/ml_env_prod_\w+ \(from config\.yaml, environment production, protected\)$/m);
    expect(await prod.query(`SELECT version FROM prod_history`)).toEqual([{ version: '20240101000001' }]);
    expect(await dev.query(`SELECT to_regclass('env_t') IS NULL AS absent`)).toEqual([{ absent: true }]);

    const unknown = await cli(['status', '-env=prod'], cwd, env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: config.yaml: no environment "prod"; it defines "production"\n');
  });

  it("dbconfig.yml: development by default, -env production, other dialects refused", async () => {
    const dbconfig = join(cwd, 'dbconfig.yml');
    const host = new URL(dev.url);
    writeFileSync(
      dbconfig,
      `development:\n  dialect: postgres\n  datasource: host=${host.hostname} port=${host.port} user=${decodeURIComponent(host.username)} dbname=\${DEV_DB} sslmode=disable\n  dir: db/migrations\n` +
        `production:\n  dialect: postgres\n  datasource: \${PROD_URL}\n  dir: db/migrations\n  table: gorp_history\n` +
        `mysql:\n  dialect: mysql\n  datasource: root@/x\n`,
    );
    const env = { DEV_DB: dev.name, PROD_URL: prod.url };
    const up = await cli(['up', '-config', 'dbconfig.yml'], cwd, env);
    expect(up.stderr).toBe('');
    expect(up.stdout).toMatch(/\(from dbconfig\.yml, environment development\)/);
    expect(await dev.query(`SELECT version FROM schema_migrations`)).toEqual([{ version: '20240101000001' }]);

    const status = await cli(['status', '-config', 'dbconfig.yml', '-env', 'production', '--json'], cwd, env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)[0]).toMatchObject({ version: '20240101000001', status: 'pending' });

    const mysql = await cli(['status', '-config', 'dbconfig.yml', '-env', 'mysql'], cwd, env);
    expect(mysql.code).toBe(1);
    expect(mysql.stderr).toBe('error: dbconfig.yml:11: environment "mysql" uses dialect "mysql"; migrate-lens works with PostgreSQL only ("dialect: postgres")\n');
  });
});
