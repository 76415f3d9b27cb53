import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { StateError } from './errors';
import { completedBefore, type Database } from './database';
import { createThrowaway } from './pglite-template';

type PGliteInstance = {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(sql: string): Promise<unknown>;
  execProtocol(message: Uint8Array, opts: { throwOnError: boolean }): Promise<{ messages: { name: string; status?: string }[] }>;
  close(): Promise<void>;
};

class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  private transactionStatus = 'I';

  constructor(
    private readonly db: PGliteInstance,
    readonly description: string,
    private readonly releaseLock: () => void,
  ) {}

  async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    return (await this.db.query<T>(sql, params)).rows;
  }

  /**
   * The Query message by hand, so that the backend's replies come back as they are: the
   * CommandComplete of each statement that completed before an error is counted, for the error.
   */
  async exec(sql: string): Promise<void> {
    const { messages } = await this.db.execProtocol(queryMessage(sql), { throwOnError: false });
    let completed = 0;
    for (const m of messages) {
      if (m.name === 'readyForQuery' && m.status) this.transactionStatus = m.status;
      if (m.name === 'commandComplete') completed++;
      else if (m.name === 'error') throw completedBefore(m, completed);
    }
  }

  inTransaction(): boolean {
    return this.transactionStatus !== 'I';
  }

  async close(): Promise<void> {
    try {
      await this.db.close();
    } finally {
      this.releaseLock();
    }
  }
}

/** A simple-query protocol message: 'Q', its length, the text as a C string. */
function queryMessage(sql: string): Uint8Array {
  const text = Buffer.from(sql + '\0', 'utf8');
  const message = Buffer.alloc(5 + text.length);
  message[0] = 0x51;
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return new Uint8Array(message.buffer, message.byteOffset, message.length);
}

/**
 * `.migrate-lens/` holds a database, never source: it gets its own `.gitignore` (`*`) the moment it
 * is created, whichever tool creates it, so it never shows in source control. An existing
 * `.gitignore` there is left as the user wrote it.
 */
function ignoreInGit(folder: string): void {
  if (basename(folder) !== '.migrate-lens') return;
  mkdirSync(folder, { recursive: true });
  try {
    writeFileSync(join(folder, '.gitignore'), '# made by migrate-lens: the embedded database is not source\n*\n', { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** The embedded database: PostgreSQL in WebAssembly, its data in a folder of the project (or `memory://`). */
export async function openPglite(dataDir: string, description: string): Promise<Database> {
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) {
    ignoreInGit(dirname(dataDir));
    mkdirSync(dataDir, { recursive: true });
  }
  const release = inMemory ? () => undefined : lockFolder(`${dataDir}.lock`, description);
  try {
    // require(), not import(): PGlite's CommonJS build, like the extension bundle's.
    const { PGlite } = require('@electric-sql/pglite') as typeof import('@electric-sql/pglite');
    const db = (inMemory ? await createThrowaway(PGlite) : await PGlite.create(dataDir)) as unknown as PGliteInstance;
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
