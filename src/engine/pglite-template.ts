// A throwaway PGlite starts from a saved copy of a freshly initialised cluster instead of running
// initdb again: initdb is most of a throwaway's start (measured on the shared 2-core machine at load
// 8-11: 8-10 s with initdb, 3-4 s from the saved copy), and verify starts one each run.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The part of PGlite this file uses. */
interface Instance {
  dumpDataDir(compression: 'gzip'): Promise<Blob>;
}
interface PGliteClass {
  create(dataDir: string, options?: { loadDataDir?: Blob }): Promise<Instance>;
}

const PREFIX = 'pglite-initdb-';

/**
 * The folder the saved cluster lives in: `MIGRATE_LENS_CACHE_DIR` (`off`: none, every start runs
 * initdb), else a folder of this user's in the system temp folder. Not the home folder: the CLI
 * promises to write nothing outside the project and the temp folder (README, "How it runs"), and a
 * cache that is lost costs only one initdb. A shared temp folder is guarded: the folder must be this
 * user's own, a real directory, closed to others (0700); otherwise nothing is saved or loaded, so
 * another user cannot plant a cluster for verify to start from.
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const own = env.MIGRATE_LENS_CACHE_DIR;
  if (own === 'off') return null;
  if (own) return own;
  const uid = process.getuid?.();
  if (uid === undefined) return join(tmpdir(), 'migrate-lens'); // Windows: the temp folder is the user's own
  const dir = join(tmpdir(), `migrate-lens-${uid}`);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return null;
  }
  try {
    const st = lstatSync(dir);
    return st.isDirectory() && st.uid === uid && (st.mode & 0o077) === 0 ? dir : null;
  } catch {
    return null;
  }
}

/**
 * The saved cluster's file for the PGlite build that runs: named by the SHA-256 of PGlite's own
 * files (its WebAssembly, initdb and data files), so another PGlite version or build never loads a
 * cluster it did not make. Null when those files are not found (then nothing is saved).
 */
export function templatePath(dir: string, assets: string | null = pgliteAssets()): string | null {
  if (!assets) return null;
  const hash = createHash('sha256');
  for (const f of ['pglite.wasm', 'pglite.data', 'initdb.wasm']) hash.update(readFileSync(join(assets, f)));
  return join(dir, `${PREFIX}${hash.digest('hex').slice(0, 24)}.tar.gz`);
}

/** Where PGlite's files are: beside its package's entry point, or beside this bundle (the extension's). */
function pgliteAssets(): string | null {
  const candidates: string[] = [];
  try {
    candidates.push(dirname(require.resolve('@electric-sql/pglite')));
  } catch {
    // bundled with PGlite inside: its files were copied beside the bundle
  }
  candidates.push(__dirname);
  return candidates.find((d) => ['pglite.wasm', 'pglite.data', 'initdb.wasm'].every((f) => existsSync(join(d, f)))) ?? null;
}

/**
 * A new PGlite in memory, started from the saved cluster when there is one. Without one, initdb
 * runs and the fresh cluster is saved (before anything else runs in it) for the next start. A saved
 * cluster that does not load is deleted and initdb runs. Saving is best effort: a cache folder that
 * cannot be written only means initdb runs next time too.
 */
export async function createThrowaway(PGlite: PGliteClass, dir: string | null = cacheDir()): Promise<Instance> {
  const file = dir ? safely(() => templatePath(dir)) : null;
  if (file && existsSync(file)) {
    try {
      return await PGlite.create('memory://', { loadDataDir: new Blob([readFileSync(file)]) });
    } catch {
      rmSync(file, { force: true });
    }
  }
  const db = await PGlite.create('memory://');
  if (file) await save(db, file).catch(() => undefined);
  return db;
}

async function save(db: Instance, file: string): Promise<void> {
  const data = Buffer.from(await (await db.dumpDataDir('gzip')).arrayBuffer());
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  // Written aside and renamed: a reader never sees half a file, and two writers race harmlessly.
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
  // Clusters of other PGlite builds are of no more use.
  for (const name of readdirSync(dir)) {
    if (name.startsWith(PREFIX) && name.endsWith('.tar.gz') && join(dir, name) !== file) rmSync(join(dir, name), { force: true });
  }
}

function safely<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}
