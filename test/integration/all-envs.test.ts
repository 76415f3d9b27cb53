// status --all-envs: every environment side by side, read in parallel, one that never answers shown as
// unreachable within its time limit instead of holding up the rest.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareMatrix, readEnvironments } from '../../src/engine/compare';
import { tableMigration } from '../support/files';
import { createDatabase, getServer, type PgServer, type TestDatabase } from '../support/pg';

const CLI = resolve(__dirname, '..', '..', 'dist', 'cli.js');
const run = promisify(execFile);

async function cli(args: string[], cwd: string, env: Record<string, string>) {
  const clean = { ...process.env, DATABASE_URL: undefined, PGHOST: undefined, PGDATABASE: undefined, PGUSER: undefined, PGPORT: undefined, ...env };
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: clean as NodeJS.ProcessEnv, cwd });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('status --all-envs', () => {
  let server: PgServer;
  let dev: TestDatabase;
  let prod: TestDatabase;
  let cwd: string;
  /** Accepts connections and never answers: a server that hangs. */
  let silent: Server;
  const sockets: Socket[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    server = await getServer();
    dev = await createDatabase(server, 'ml_allenv_dev');
    prod = await createDatabase(server, 'ml_allenv_prod');
    silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    cwd = mkdtempSync(join(tmpdir(), 'ml-allenv-'));
    mkdirSync(join(cwd, 'migrations'));
    writeFileSync(join(cwd, 'migrations', '20240101000001_a.sql'), tableMigration('allenv_a'));
    writeFileSync(join(cwd, 'migrations', '20240101000002_b.sql'), tableMigration('allenv_b'));
    writeFileSync(join(cwd, 'config.yaml'), [
      'environments:',
      '  dev:',
      '    url: ${DEV_URL}',
      '  prod:',
      '    url: ${PROD_URL}',
      '    protected: true',
      '  offline:',
      `    url: postgres://nobody@127.0.0.1:${port}/nothing`,
      '',
    ].join('\n'));
    env = { DEV_URL: dev.url, PROD_URL: prod.url };
    expect((await cli(['up', '-env', 'dev'], cwd, env)).code).toBe(0);
    expect((await cli(['up', '-env', 'prod', '-version', '20240101000001'], cwd, env)).code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent?.close(r));
    await dev?.drop();
    await prod?.drop();
    await server?.close();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('prints every migration × environment; the silent server is unreachable, the others are read', async () => {
    const r = await cli(['status', '--all-envs'], cwd, env);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^VERSION\s+NAME\s+dev\s+prod \(protected\)\s+offline$/);
    expect(lines[1]).toMatch(/^20240101000001\s+a\s+applied \d{4}-\d\d-\d\d \d\d:\d\d \(batch 1\)\s+applied \d{4}-\d\d-\d\d \d\d:\d\d \(batch 1\)\s+unreachable$/);
    expect(lines[2]).toMatch(/^20240101000002\s+b\s+applied \d{4}-\d\d-\d\d \d\d:\d\d \(batch 1\)\s+pending\s+unreachable$/);
    expect(r.stdout).toMatch(/^offline: unreachable \(postgres:\/\/nobody@127\.0\.0\.1:\d+\/nothing\): /m);
    expect(r.stdout).toContain('Times are UTC.');
  }, 60_000);

  it('says when one environment applied other text than another (checksums differ)', async () => {
    await prod.query(`UPDATE schema_migrations SET checksum = 'x' || checksum WHERE version = '20240101000001'`);
    try {
      const envs = await readEnvironments({ cwd, env, names: ['dev', 'prod'], timeoutMs: 5000 });
      const [row] = compareMatrix(envs);
      expect(row.cells.dev.differsFrom).toEqual(['prod']);
      expect(row.cells.prod.status).toBe('drifted');
      expect(row.cells.prod.differsFrom).toEqual(['dev']);
    } finally {
      await prod.query(`UPDATE schema_migrations SET checksum = substr(checksum, 2) WHERE version = '20240101000001'`);
    }
  }, 30_000);

  it('refuses -env together with --all-envs', async () => {
    const r = await cli(['status', '--all-envs', '-env', 'dev'], cwd, env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--all-envs reads every environment; leave out -env/);
  });
});
