import { mkdirSync } from 'node:fs';
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
  ) {}

  async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    return (await this.db.query<T>(sql, params)).rows;
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/** The embedded database: PostgreSQL in WebAssembly, its data in a folder of the project (or `memory://`). */
export async function openPglite(dataDir: string, description: string): Promise<Database> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const db = (await PGlite.create(dataDir)) as unknown as PGliteInstance;
  return new PgliteDatabase(db, description);
}
