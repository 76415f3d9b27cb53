// Owns the database connection. The engine's database, history and migrator code is imported
// on first use, so activation stays light and PGlite loads only when the embedded database is used.
import type { Database } from '../engine/database';
import type { Settings } from '../engine/config';
import type { Migrator } from '../engine/migrator';
import type { HistoryRow, RunEvent } from '../engine/types';

type Engine = typeof import('../engine/internal');
let engine: Promise<Engine> | undefined;

/** The engine's full API, loaded once. */
export function loadEngine(): Promise<Engine> {
  engine ??= import('../engine/internal');
  return engine;
}


function connectionKey(s: Settings): string {
  const c = s.connection;
  return c.kind === 'url' ? `url ${c.url} ${c.password ?? ''}` : c.kind === 'embedded' ? `embedded ${c.dataDir}` : 'env';
}

export class DatabaseSession {
  private open: { key: string; db: Promise<Database> } | null = null;
  /** One user of the connection at a time: a status read must not land inside a run's transaction. */
  private queue: Promise<unknown> = Promise.resolve();

  private async database(settings: Settings): Promise<Database> {
    const key = connectionKey(settings);
    if (this.open?.key !== key) {
      await this.close();
      const { openDatabase } = await loadEngine();
      const db = openDatabase(settings.connection);
      this.open = { key, db };
      db.catch(() => {
        if (this.open?.db === db) this.open = null;
      });
    }
    return this.open!.db;
  }

  /** Runs `body` on the open connection; a connection error drops it, so the next call reconnects. */
  private withDatabase<T>(settings: Settings, body: (db: Database) => Promise<T>): Promise<T> {
    const turn = this.queue.then(async () => {
      const db = await this.database(settings);
      try {
        return await body(db);
      } catch (err) {
        if (looksLikeConnectionLoss(err)) await this.close();
        throw err;
      } finally {
        // PGlite has no server: a CLI run on the same data folder while we hold it open would
        // corrupt it. Reopening a warm PGlite takes about a second, so hold it only while in use.
        if (settings.connection.kind === 'embedded') await this.close();
      }
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** History rows, read-only: a database without the tracking table has none. */
  async readRows(settings: Settings): Promise<HistoryRow[]> {
    const { History } = await import('../engine/history');
    return this.withDatabase(settings, async (db) => {
      const history = new History(db, settings.schema, settings.table);
      return history.readIfExists(); // any earlier layout, as it is; never another tool's table
    });
  }

  /** Fills in the stored file text of these rows (read() leaves it out: it can be large). */
  async attachScripts(settings: Settings, rows: HistoryRow[]): Promise<void> {
    const { History } = await import('../engine/history');
    await this.withDatabase(settings, (db) => new History(db, settings.schema, settings.table).attachScripts(rows));
  }

  async withMigrator<T>(
    settings: Settings,
    opts: { signal?: AbortSignal; onEvent?: (e: RunEvent) => void },
    body: (m: Migrator) => Promise<T>,
  ): Promise<T> {
    const { Migrator } = await loadEngine();
    return this.withDatabase(settings, (db) =>
      body(Migrator.fromSettings(db, settings, { signal: opts.signal, onEvent: opts.onEvent, useGlobalRegistry: false })),
    );
  }

  async close(): Promise<void> {
    const open = this.open;
    this.open = null;
    if (open) await open.db.then((db) => db.close()).catch(() => undefined);
  }
}

function looksLikeConnectionLoss(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (
    ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006'].includes(e?.code ?? '') ||
    /Connection terminated|connection is closed|Client has encountered a connection error/i.test(e?.message ?? '')
  );
}
