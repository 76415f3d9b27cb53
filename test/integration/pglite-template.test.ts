// The throwaway PGlite's saved cluster: made by the first start, loaded by the next, named by
// PGlite's own files, replaced when it does not load, and never used when the cache is off.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheDir, createThrowaway, templatePath } from '../../src/engine/pglite-template';

type Instance = PGlite & { dumpDataDir(compression: 'gzip'): Promise<Blob> };

/** PGlite, recording whether each start was given a saved cluster. */
function recorded() {
  const starts: ('initdb' | 'saved')[] = [];
  const opened: Instance[] = [];
  const cls = {
    async create(dataDir: string, options?: { loadDataDir?: Blob }) {
      starts.push(options?.loadDataDir ? 'saved' : 'initdb');
      const db = (await PGlite.create(dataDir, options)) as Instance;
      opened.push(db);
      return db;
    },
  };
  return { cls, starts, opened };
}

const dirs: string[] = [];
const pglites: Instance[] = [];
afterEach(async () => {
  await Promise.all(pglites.splice(0).map((db) => db.close().catch(() => undefined)));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function newDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ml-pglite-cache-'));
  dirs.push(d);
  return d;
}

/** A usable database: it runs DDL and sees the built-in catalogs. */
async function usable(db: Instance): Promise<void> {
  await db.exec('CREATE TABLE t (id int PRIMARY KEY)');
  const [{ n }] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_catalog.pg_class WHERE relname IN ('t', 'pg_class')`)).rows;
  expect(n).toBe(2);
}

// initdb takes seconds, more on a busy machine; some of these start PGlite twice.
const SLOW = { timeout: 240_000 };

describe('the throwaway PGlite from a saved cluster', () => {
  it('runs initdb once, saves the cluster, and starts the next one from it', SLOW, async () => {
    const dir = newDir();
    const { cls, starts, opened } = recorded();
    const first = (await createThrowaway(cls, dir)) as Instance;
    pglites.push(...opened);
    const file = templatePath(dir)!;
    expect(existsSync(file)).toBe(true);
    await usable(first);
    const second = (await createThrowaway(cls, dir)) as Instance;
    pglites.push(...opened.slice(1));
    expect(starts).toEqual(['initdb', 'saved']);
    // The first one's table is not in the second: the cluster was saved before anything ran in it.
    await usable(second);
  });

  it('deletes a saved cluster that does not load, runs initdb and saves a good one', SLOW, async () => {
    const dir = newDir();
    const file = templatePath(dir)!;
    writeFileSync(file, 'not a tarball');
    const { cls, starts, opened } = recorded();
    const db = (await createThrowaway(cls, dir)) as Instance;
    pglites.push(...opened);
    expect(starts).toEqual(['saved', 'initdb']);
    await usable(db);
    expect(statSync(file).size).toBeGreaterThan(100_000);
  });

  it("removes the clusters other PGlite builds saved, and leaves other files alone", SLOW, async () => {
    const dir = newDir();
    writeFileSync(join(dir, 'pglite-initdb-000000000000000000000000.tar.gz'), 'old');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const { cls, opened } = recorded();
    await createThrowaway(cls, dir);
    pglites.push(...opened);
    expect(readdirSync(dir).sort()).toEqual([basename(templatePath(dir)!), 'notes.txt'].sort());
  });

  it('runs initdb every time when the cache is off', SLOW, async () => {
    const { cls, starts, opened } = recorded();
    await createThrowaway(cls, null);
    pglites.push(...opened);
    expect(starts).toEqual(['initdb']);
    expect(cacheDir({ MIGRATE_LENS_CACHE_DIR: 'off' })).toBeNull();
  });
});

describe('cacheDir', () => {
  it('is MIGRATE_LENS_CACHE_DIR when set', () => {
    expect(cacheDir({ MIGRATE_LENS_CACHE_DIR: '/x/y' })).toBe('/x/y');
  });

  // The CLI writes nothing outside the project and the temp folder, so the default is in the temp
  // folder; there, another user must not be able to plant the cluster verify starts from.
  describe.skipIf(process.platform === 'win32')('else a folder of this user in the temp folder', () => {
    let temp: string;
    const saved = process.env.TMPDIR;
    beforeEach(() => {
      temp = mkdtempSync(join(tmpdir(), 'ml-cachedir-'));
      process.env.TMPDIR = temp;
    });
    afterEach(() => {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      rmSync(temp, { recursive: true, force: true });
    });
    const mine = () => join(temp, `migrate-lens-${process.getuid!()}`);

    it('made closed to others, never in the home folder', () => {
      expect(cacheDir({ XDG_CACHE_HOME: '/c', HOME: '/h' })).toBe(mine());
      expect(statSync(mine()).mode & 0o777).toBe(0o700);
    });

    it('refused when others can write or read it', () => {
      mkdirSync(mine(), { mode: 0o700 });
      chmodSync(mine(), 0o777);
      expect(cacheDir({})).toBeNull();
    });

    it('refused when it is a symbolic link to somewhere else', () => {
      const elsewhere = mkdtempSync(join(temp, 'elsewhere-'));
      chmodSync(elsewhere, 0o700);
      symlinkSync(elsewhere, mine());
      expect(cacheDir({})).toBeNull();
    });
  });
});
