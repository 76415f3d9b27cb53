// The CLI writes nothing outside the project and the system temp folder: no cache, no state, no log
// in the user's home. Each run gets a home, a temp folder and a project of its own; every file the
// process (and its children) creates, writes, renames or removes is traced with strace where it is
// installed, and the home is checked to be empty either way.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../support/cli';
import { createDatabase, getServer, type PgServer, type TestDatabase } from '../support/pg';
import { tableMigration } from '../support/files';

const CLI = resolve(__dirname, '..', '..', 'dist', 'cli.js');

function hasStrace(): boolean {
  try {
    execFileSync('strace', ['-qq', '-e', 'trace=none', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const STRACE = hasStrace();

interface Sandbox {
  root: string;
  home: string;
  temp: string;
  project: string;
}

function sandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'ml-footprint-'));
  const s = { root, home: join(root, 'home'), temp: join(root, 'temp'), project: join(root, 'project') };
  for (const d of [s.home, s.temp, join(s.project, 'migrations')]) mkdirSync(d, { recursive: true });
  writeFileSync(join(s.project, 'migrations', '20240101000001_one.sql'), tableMigration('footprint_one'));
  return s;
}

/** Runs the CLI in the sandbox; returns its output and every path it wrote to (when traced). */
function runIn(s: Sandbox, args: string[], env: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string; written: string[] }> {
  const trace = join(s.root, `trace-${Math.random().toString(36).slice(2)}.txt`);
  const fullEnv = cleanEnv({ HOME: s.home, XDG_CACHE_HOME: undefined, XDG_CONFIG_HOME: undefined, XDG_DATA_HOME: undefined, XDG_STATE_HOME: undefined, TMPDIR: s.temp, TMP: s.temp, TEMP: s.temp, ...env });
  const syscalls = 'trace=open,openat,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,rmdir,symlink,symlinkat,link,linkat,truncate';
  const [file, argv] = STRACE
    ? ['strace', ['-f', '-qq', '-e', syscalls, '-o', trace, process.execPath, CLI, ...args]]
    : [process.execPath, [CLI, ...args]];
  return new Promise((done) => {
    execFile(file, argv as string[], { cwd: s.project, env: fullEnv }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      let written: string[] = [];
      if (STRACE) {
        written = readFileSync(trace, 'utf8')
          .split('\n')
          .filter((l) => !/= -1 /.test(l)) // failed calls changed nothing
          .filter((l) => /^\d+\s+(open|openat)\(/.test(l) ? /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC/.test(l) : /^\d+\s+\w+\(/.test(l))
          .flatMap((l) => [...l.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]));
        rmSync(trace);
      }
      done({ code: typeof code === 'number' ? code : 1, stdout, stderr, written });
    });
  });
}

function outside(s: Sandbox, paths: string[]): string[] {
  const allowed = [s.project + '/', s.temp + '/', '/dev/', '/proc/'];
  return paths.filter((p) => {
    const abs = p.startsWith('/') ? p : join(s.project, p); // relative paths are relative to the cwd, the project
    return abs !== s.project && abs !== s.temp && !allowed.some((a) => abs.startsWith(a));
  });
}

describe('the CLI writes nothing outside the project and the system temp folder', () => {
  let server: PgServer;
  let db: TestDatabase;
  const boxes: Sandbox[] = [];
  beforeAll(async () => {
    server = await getServer();
    db = await createDatabase(server, 'ml_footprint');
  });
  afterAll(async () => {
    await db?.drop();
    await server?.close();
    for (const b of boxes) rmSync(b.root, { recursive: true, force: true });
  });

  it(`on PostgreSQL: create, up, status, down${STRACE ? ' (traced with strace)' : ' (strace not installed: home checked only)'}`, async () => {
    expect(STRACE || !process.env.CI, 'CI installs strace (.ci/run)').toBe(true);
    const s = sandbox();
    boxes.push(s);
    const written: string[] = [];
    for (const args of [['create', '-name', 'two'], ['up'], ['status'], ['down'], ['--help']]) {
      const r = await runIn(s, args, { DATABASE_URL: db.url });
      expect(r.stderr).toBe('');
      expect(r.code, r.stdout).toBe(0);
      written.push(...r.written);
    }
    if (STRACE) expect(written.some((p) => p.includes('_two.sql'))).toBe(true); // the trace sees the files it writes
    expect(outside(s, written)).toEqual([]);
    expect(readdirSync(s.home)).toEqual([]);
  }, 60_000);

  it(`on the embedded database${STRACE ? ' (traced with strace)' : ' (strace not installed: home checked only)'}`, async () => {
    const s = sandbox();
    boxes.push(s);
    const written: string[] = [];
    // verify starts a throwaway PGlite from a saved cluster: that cache too stays in the temp folder.
    for (const args of [['up'], ['status'], ['verify']]) {
      const r = await runIn(s, args, {});
      expect(r.stderr).toBe('');
      expect(r.code, r.stdout).toBe(0);
      written.push(...r.written);
    }
    if (STRACE) expect(written.some((p) => p.includes('.migrate-lens/pglite'))).toBe(true);
    if (STRACE) expect(written.some((p) => p.startsWith(s.temp + '/migrate-lens-') && p.includes('pglite-initdb-'))).toBe(true);
    expect(outside(s, written)).toEqual([]);
    expect(readdirSync(s.home)).toEqual([]);
  }, 120_000);
});
