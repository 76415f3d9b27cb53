import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { StateError } from './errors';
import type { Database } from './database';

type PGliteInstance = {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(sql: string): Promise<unknown>;
  close(): Promise<void>;
};

class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;

  constructor(
    private readonly db: PGliteInstance,
    readonly description: string,
    private readonly releaseLock: () => void,
  ) {}

  async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    return (await this.db.query<T>(sql, params)).rows;
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  async close(): Promise<void> {
    try {
      await this.db.close();
    } finally {
      this.releaseLock();
    }
  }
}

/** The embedded database: PostgreSQL in WebAssembly, its data in a folder of the project (or `memory://`). */
export async function openPglite(dataDir: string, description: string): Promise<Database> {
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  const release = inMemory ? () => undefined : lockFolder(`${dataDir}.lock`, description);
  try {
    // require(), not import(): PGlite's CommonJS build, like the extension bundle's.
    const { PGlite } = require('@electric-sql/pglite') as typeof import('@electric-sql/pglite');
    const db = (await PGlite.create(dataDir)) as unknown as PGliteInstance;
    return new PgliteDatabase(db, description, release);
  } catch (err) {
    release();
    throw err;
  }
}

/**
 * PGlite is one process's database: two processes on one data folder (the CLI and the editor, say)
 * would corrupt it. A lock file with the owner's pid makes the second one an error; a lock left by
 * a process that is gone is taken over.
 */
function lockFolder(lockPath: string, description: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(lockPath, 'utf8').trim());
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new StateError(`the ${description} is in use by process ${owner}; close it there (or stop that process) and try again`);
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new StateError(`cannot lock the ${description} (${lockPath})`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
