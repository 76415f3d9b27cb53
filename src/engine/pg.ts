import type { Socket } from 'node:net';
import pg from 'pg';
import type { ConnectionSettings } from './config';
import { completedBefore, type Database } from './database';

// Keep int8 and timestamps as the driver's defaults; the history layer converts explicitly.

class PgDatabase implements Database {
  readonly kind = 'pg' as const;
  private lost: Error | null = null;
  private transactionStatus = 'I';

  constructor(
    private readonly client: pg.Client,
    readonly description: string,
    private readonly settings: Exclude<ConnectionSettings, { kind: 'embedded' }>,
  ) {
    // A server-side disconnect arrives as an 'error' event; without a listener it would crash the process.
    client.on('error', (err) => {
      this.lost = err;
    });
    // 'I' idle, 'T' in a transaction block, 'E' in a failed one.
    (client as unknown as { connection: NodeJS.EventEmitter }).connection.on('readyForQuery', (msg: { status?: string }) => {
      if (msg?.status) this.transactionStatus = msg.status;
    });
  }

  async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    this.throwIfLost();
    const res = await this.client.query(sql, params as unknown[]);
    return res.rows as T[];
  }

  /** Counts the statements that complete (CommandComplete) in this query alone, for the error. */
  exec(sql: string): Promise<void> {
    this.throwIfLost();
    return new Promise((resolve, reject) => {
      let completed = 0;
      const query = new pg.Query(sql) as pg.Query & { handleCommandComplete(msg: unknown, con: unknown): void };
      const handle = query.handleCommandComplete.bind(query);
      query.handleCommandComplete = (msg, con) => {
        completed++;
        handle(msg, con);
      };
      query.on('error', (err: Error) => reject(completedBefore(err, completed)));
      query.on('end', () => resolve());
      this.client.query(query);
    });
  }

  /** pg keeps no rows for a query that has a 'row' listener and no callback. */
  forEachRow<T>(sql: string, params: unknown[] | undefined, onRow: (row: T) => void): Promise<void> {
    this.throwIfLost();
    return new Promise((resolve, reject) => {
      let failed: unknown = null;
      const query = new pg.Query(sql, params as unknown[]);
      query.on('row', (row: T) => {
        if (failed) return;
        try {
          onRow(row);
        } catch (err) {
          failed = err;
        }
      });
      query.on('error', reject);
      query.on('end', () => (failed ? reject(failed) : resolve()));
      this.client.query(query);
    });
  }

  /**
   * Sends Terminate and returns without waiting for the server to close the socket (about 10 ms
   * that tell us nothing): the socket stops holding the process open, so a CLI run exits as soon
   * as its work is done, and the server still receives the Terminate that was written.
   */
  async close(): Promise<void> {
    this.client.end().catch(() => undefined);
    (this.client.connection.stream as Partial<Socket>).unref?.();
  }

  inTransaction(): boolean {
    return this.transactionStatus !== 'I';
  }

  openSibling(): Promise<Database> {
    return openPg(this.settings);
  }

  private throwIfLost(): void {
    if (this.lost) throw new Error(`connection to the database was lost: ${this.lost.message}`);
  }
}

export async function openPg(settings: Exclude<ConnectionSettings, { kind: 'embedded' }>): Promise<Database> {
  const base: pg.ClientConfig = {
    application_name: 'migrate-lens',
    connectionTimeoutMillis: settings.connectTimeoutMs ?? 10_000,
  };
  // With no connection string, pg reads libpq's PG* variables itself. A password kept apart from the
  // URL (SecretStorage, `password:` beside `url:`) goes into the URL: pg lets the connection string's
  // fields override `password`, so given beside it, it was silently dropped.
  const config: pg.ClientConfig = settings.kind === 'url' ? { ...base, connectionString: withPassword(settings.url, settings.password) } : base;
  const client = new pg.Client(config);
  await client.connect();
  // If this process dies mid-migration, the server notices within a second and rolls the migration
  // back instead of finishing it unattended (PostgreSQL 14+; older servers skip this).
  await client.query(
    `SELECT set_config('client_connection_check_interval', '1000', false) WHERE current_setting('server_version_num')::int >= 140000`,
  );
  return new PgDatabase(client, settings.description, settings);
}

/** `url` with `password` in it (percent-encoded), or `url` unchanged without one. */
export function withPassword(url: string, password: string | undefined): string {
  if (password === undefined) return url;
  const u = new URL(url);
  u.password = encodeURIComponent(password);
  return u.toString();
}
