// Runs the built CLI (dist/cli.js) as a separate process, the way a user or CI runs it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const CLI = resolve(__dirname, '..', '..', 'dist', 'cli.js');

export function cliBuilt(): boolean {
  return existsSync(CLI);
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliOptions {
  /** Added to a clean environment (no DATABASE_URL, PG* or TEST_* variables from the test process). */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Kill the process (SIGKILL) if it runs longer; the result then has signal SIGKILL. */
  timeoutMs?: number;
}

/** The test process's environment without anything that would pick a database for the CLI. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (k === 'DATABASE_URL' || k.startsWith('PG') || k.startsWith('TEST_') || k.startsWith('ML_') || k.startsWith('VITEST') || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface RunningCli {
  child: ChildProcess;
  pid: number;
  /** Output so far. */
  output(): { stdout: string; stderr: string };
  done: Promise<CliResult>;
}

export function startCli(args: string[], opts: CliOptions = {}): RunningCli {
  if (!cliBuilt()) throw new Error(`${CLI} is missing: run "npm run build" first`);
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? tmpdir(),
    env: cleanEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : null;
  const done = new Promise<CliResult>((resolveDone, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolveDone({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
  return { child, pid: child.pid!, output: () => ({ stdout, stderr }), done };
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return startCli(args, { timeoutMs: 60_000, ...opts }).done;
}

/** A temporary folder with a `migrations/` subfolder holding the given files. */
export function project(files: Record<string, string> = {}): {
  root: string;
  migrations: string;
  write(name: string, text: string): string;
  remove(): void;
} {
  const root = mkdtempSync(join(tmpdir(), 'ml-project-'));
  const migrations = join(root, 'migrations');
  const write = (name: string, text: string) => {
    const path = join(migrations, name);
    writeFileSync(path, text);
    return path;
  };
  mkdirSync(migrations);
  for (const [name, text] of Object.entries(files)) write(name, text);
  return { root, migrations, write, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Error output must be exactly one line, without a stack trace. */
export function isOneCleanLine(stderr: string): boolean {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  return lines.length === 1 && !/^\s+at\s/m.test(stderr);
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 15_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
