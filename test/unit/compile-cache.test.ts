import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheDir, cacheName, runCached } from '../../src/cli/compile-cache';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ml-compile-cache-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A CommonJS file that uses its own require, module and __dirname; `tag` makes each source unique. */
function moduleFile(tag: string): string {
  const file = join(root, `mod-${tag}.js`);
  writeFileSync(
    file,
    `#!/usr/bin/env node\nconst { basename } = require('node:path');\nfunction twice(n) { return n * 2; }\nmodule.exports = { tag: ${JSON.stringify(tag)}, dir: basename(__dirname), twice, isMain: require.main === module };\n`,
  );
  return file;
}

describe('cacheDir', () => {
  it('takes MIGRATE_LENS_COMPILE_CACHE as a folder, or "off"', () => {
    expect(cacheDir({ MIGRATE_LENS_COMPILE_CACHE: '/x/y' }, 'linux', '/home/u')).toBe('/x/y');
    expect(cacheDir({ MIGRATE_LENS_COMPILE_CACHE: 'off' }, 'linux', '/home/u')).toBeNull();
    expect(cacheDir({ MIGRATE_LENS_COMPILE_CACHE: '0' }, 'linux', '/home/u')).toBeNull();
  });

  it("uses the platform's cache folder otherwise", () => {
    expect(cacheDir({}, 'linux', '/home/u')).toBe(join('/home/u', '.cache', 'migrate-lens'));
    expect(cacheDir({ XDG_CACHE_HOME: '/c' }, 'linux', '/home/u')).toBe(join('/c', 'migrate-lens'));
    expect(cacheDir({}, 'darwin', '/Users/u')).toBe(join('/Users/u', 'Library', 'Caches', 'migrate-lens'));
    expect(cacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', '')).toBe(join('C:\\Users\\u\\AppData\\Local', 'migrate-lens', 'Cache'));
    expect(cacheDir({}, 'win32', '')).toBeNull();
    expect(cacheDir({}, 'linux', '')).toBeNull();
  });
});

describe('cacheName', () => {
  it('changes with the source, the command and the flags, and never carries a path', () => {
    const base = cacheName('a', 'up', '');
    expect(base).toMatch(/^cli-[0-9a-f]{24}-up\.v8$/);
    // Same length, different text: V8 would accept the other's cache, so the names must differ.
    expect(cacheName('b', 'up', '')).not.toBe(base);
    expect(cacheName('a', 'status', '')).not.toBe(base);
    expect(cacheName('a', 'up', '--cpu-prof')).not.toBe(base);
    expect(cacheName('a', 'up', '')).toBe(base);
    expect(cacheName('a', '../../etc/x', '')).toMatch(/-other\.v8$/);
  });
});

describe('runCached', () => {
  it('runs the file like require() and writes a cache only when it had none', () => {
    const file = moduleFile('first');
    const dir = join(root, 'cache');
    const run = runCached(file, dir, 'up');
    expect(run.state).toBe('missing');
    expect(run.exports.tag).toBe('first');
    expect(run.exports.dir).toBe(root.split(/[\\/]/).pop());
    expect((run.exports.twice as (n: number) => number)(21)).toBe(42);
    expect(run.exports.isMain).toBe(false);
    expect(run.save()).toBe(true);
    expect(run.save()).toBe(false); // once per run
    expect(readdirSync(dir)).toEqual([run.file!.slice(dir.length + 1)]);
    if (process.platform !== 'win32') {
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(run.file!).mode & 0o777).toBe(0o600);
    }
  });

  it('off: runs the file and writes nothing', () => {
    const run = runCached(moduleFile('off'), null, 'up');
    expect(run.state).toBe('off');
    expect(run.exports.tag).toBe('off');
    expect(run.save()).toBe(false);
  });

  it('a cache V8 refuses (garbage) still runs the file, and is replaced', () => {
    const file = moduleFile('garbage');
    const dir = join(root, 'cache');
    const name = cacheName(readFileSync(file, 'utf8'), 'up');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, name), Buffer.from('not a V8 code cache at all'));
    const run = runCached(file, dir, 'up');
    expect(run.state).toBe('rejected');
    expect(run.exports.tag).toBe('garbage');
    expect(run.save()).toBe(true);
    expect(readFileSync(join(dir, name)).toString()).not.toContain('not a V8 code cache');
  });

  it.skipIf(process.platform === 'win32')('never reads from a folder that others may write to', () => {
    const file = moduleFile('unsafe');
    const dir = join(root, 'shared');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    const run = runCached(file, dir, 'up');
    expect(run.state).toBe('unsafe-folder');
    expect(run.exports.tag).toBe('unsafe');
    expect(run.save()).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("removes other builds' caches once they are a day old, and keeps this build's other commands", () => {
    const file = moduleFile('prune');
    const dir = join(root, 'cache');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const old = join(dir, 'cli-000000000000000000000000-up.v8');
    const recent = join(dir, 'cli-111111111111111111111111-up.v8');
    const sibling = join(dir, cacheName(readFileSync(file, 'utf8'), 'status'));
    const unrelated = join(dir, 'notes.txt');
    for (const f of [old, recent, sibling, unrelated]) writeFileSync(f, 'x');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    for (const f of [old, sibling, unrelated]) utimesSync(f, twoDaysAgo, twoDaysAgo);
    const run = runCached(file, dir, 'up');
    expect(run.save()).toBe(true);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(existsSync(sibling)).toBe(true);
    expect(existsSync(unrelated)).toBe(true);
  });

  // A fresh process per run: within one process V8 may reuse its own compiled copy of the source.
  it('a later process runs from the cache the first one wrote', () => {
    const file = moduleFile('across');
    const dir = join(root, 'cache');
    const source = resolve(__dirname, '../../src/cli/compile-cache.ts');
    const driver = join(root, 'driver.mjs');
    // Node 20 cannot import TypeScript: bundle the module under test for the child processes.
    const esbuild = require('esbuild') as typeof import('esbuild');
    esbuild.buildSync({ entryPoints: [source], bundle: true, platform: 'node', format: 'cjs', outfile: join(root, 'cc.js'), logLevel: 'error' });
    writeFileSync(
      driver,
      `import { createRequire } from 'node:module';\nconst { runCached } = createRequire(import.meta.url)('./cc.js');\nconst run = runCached(${JSON.stringify(file)}, ${JSON.stringify(dir)}, 'up');\nconst wrote = run.save();\nconsole.log(JSON.stringify({ state: run.state, wrote, tag: run.exports.tag, twice: run.exports.twice(4) }));\n`,
    );
    const child = () => {
      const r = spawnSync(process.execPath, [driver], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout);
    };
    expect(child()).toEqual({ state: 'missing', wrote: true, tag: 'across', twice: 8 });
    expect(child()).toEqual({ state: 'used', wrote: false, tag: 'across', twice: 8 });
  });
});
