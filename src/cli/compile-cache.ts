// Every CLI run used to compile its bundle from scratch: V8 turns each function the run calls into
// bytecode, about 6 ms of the 40-45 ms a no-op `up` spends above Node's own start on the bench
// machine. Node 22 can keep that work between
// runs (module.enableCompileCache); Node 20 cannot, so the launcher does it: it runs the bundle with
// V8's code cache from the user's cache folder, and writes one when there was none.
//
// V8 rejects a cache made by another V8 version or with other flags, but it does not compare the
// source text. The file name therefore carries a hash of the bundle, Node's version, its flags and
// the command (each command calls different functions). A cache is only read from a folder that
// belongs to this user and that nobody else may write to: its bytes become code.
//
// Code run this way has no import() on Node 20 (it needs a callback that a cached script loses), so
// the bundle loads its lazy dependencies with require().
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** What happened to the cache in this run. */
export type CacheState = 'off' | 'used' | 'missing' | 'rejected' | 'unsafe-folder';

export interface CachedRun {
  /** The module's exports, as require() would return them. */
  exports: Record<string, unknown>;
  state: CacheState;
  /** The cache file (null when the cache is off or its folder is not safe to read from). */
  file: string | null;
  /** Writes the cache when this run had none (or V8 refused it); never throws. Returns true if written. */
  save(): boolean;
}

/**
 * The cache folder: MIGRATE_LENS_COMPILE_CACHE (a folder, or "off"), else migrate-lens under the
 * user's cache folder (XDG_CACHE_HOME or ~/.cache; ~/Library/Caches on macOS; LOCALAPPDATA on Windows).
 */
export function cacheDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform, home = homedir()): string | null {
  const set = env.MIGRATE_LENS_COMPILE_CACHE;
  if (set === 'off' || set === '0' || set === 'false') return null;
  if (set) return set;
  if (platform === 'win32') return env.LOCALAPPDATA ? join(env.LOCALAPPDATA, 'migrate-lens', 'Cache') : null;
  if (!home) return null;
  const base = env.XDG_CACHE_HOME || (platform === 'darwin' ? join(home, 'Library', 'Caches') : join(home, '.cache'));
  return join(base, 'migrate-lens');
}

/** The cache file's name for this source, this Node and these flags, and this command. */
export function cacheName(source: string, command: string, flags = `${process.execArgv.join(' ')}\0${process.env.NODE_OPTIONS ?? ''}`): string {
  const key = createHash('sha256').update(source).update(`\0${process.version}\0${process.arch}\0${flags}`).digest('hex').slice(0, 24);
  const safeCommand = /^[a-z-]{1,20}$/.test(command) ? command : 'other';
  return `cli-${key}-${safeCommand}.v8`;
}

/** True when `dir` exists (or was just made) as a folder of this user that others cannot write to. */
function safeFolder(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    if (!st.isDirectory()) return false;
    if (process.platform === 'win32' || typeof process.getuid !== 'function') return true;
    return st.uid === process.getuid() && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/**
 * Runs the CommonJS file `file` as require() would (its own require, module and exports), with V8's
 * code cache kept in `dir` for `command`. A cache that cannot be read, is refused by V8 or cannot be
 * written costs only the time it would have saved.
 */
export function runCached(file: string, dir: string | null, command: string): CachedRun {
  const source = readFileSync(file, 'utf8');
  const cacheFile = dir && safeFolder(dir) ? join(dir, cacheName(source, command)) : null;
  let cachedData: Buffer | undefined;
  if (cacheFile) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  // The wrapper Node's own loader puts around a CommonJS file; a shebang line would not parse inside it.
  const body = source.startsWith('#!') ? `//${source.slice(2)}` : source;
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${body}\n})`, {
    filename: file,
    cachedData,
  });
  const state: CacheState = !dir ? 'off' : !cacheFile ? 'unsafe-folder' : !cachedData ? 'missing' : script.cachedDataRejected ? 'rejected' : 'used';
  const module = { exports: {} as Record<string, unknown>, filename: file, id: file, loaded: false };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;

  let saved = false;
  return {
    exports: module.exports,
    state,
    file: cacheFile,
    save() {
      if (saved || !cacheFile || (state !== 'missing' && state !== 'rejected')) return false;
      saved = true;
      try {
        // Made now, the cache holds every function this run compiled, not just the top level.
        const data = script.createCachedData();
        const temp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(temp, data, { mode: 0o600 });
        renameSync(temp, cacheFile); // atomic: a concurrent run reads the old file or the new one
        prune(dirname(cacheFile), cacheFile);
        return true;
      } catch {
        return false;
      }
    },
  };
}

/**
 * Removes other builds' caches (another hash) written more than a day ago: an upgrade leaves no
 * files behind, and two installs used side by side do not delete each other's cache at every run.
 */
function prune(dir: string, keep: string): void {
  const build = keep.slice(dir.length + 1).split('-')[1];
  const before = Date.now() - 24 * 3600 * 1000;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith('cli-') || name.split('-')[1] === build || !(name.endsWith('.v8') || name.endsWith('.tmp'))) continue;
    try {
      const path = join(dir, name);
      if (statSync(path).mtimeMs < before) unlinkSync(path);
    } catch {
      // another run removed it first
    }
  }
}
