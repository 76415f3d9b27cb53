import type { ConnectionSettings } from './config';
import { redact } from './redact';

/**
 * The one thing the engine needs from a database: run SQL on a single session (so that an
 * advisory lock and a transaction stay on it) and read rows.
 */
export interface Database {
  readonly kind: 'pg' | 'pglite';
  /** Where we are connected, safe to print: never a password. */
  readonly description: string;
  /** One statement with `$n` parameters. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Any number of statements without parameters (simple query protocol). When it fails, the error
   * carries `statementsCompleted` (see `completedBefore`): the server reports each statement of a
   * simple query as it completes, before the error, so the failing one is known without running
   * anything again.
   */
  exec(sql: string): Promise<void>;
  /**
   * One statement's rows handed over one at a time and not kept, for large reads that become
   * something else (ten thousand history rows). Optional: `query` serves where it is absent.
   */
  forEachRow?<T = Record<string, unknown>>(sql: string, params: unknown[] | undefined, onRow: (row: T) => void): Promise<void>;
  close(): Promise<void>;
  /**
   * Whether the session is inside a transaction block, as the server said after the last query
   * (ReadyForQuery). Optional: undefined where the driver does not say.
   */
  inTransaction?(): boolean;
  /**
   * A second session on the same database, for the few things that must happen beside a running
   * query (asking a chunk of migrations to stop). Absent where there is only one session (PGlite).
   */
  openSibling?(): Promise<Database>;
}

/** An error from the database, with the fields the engine uses to place it. */
export interface DatabaseErrorInfo {
  message: string;
  /** 1-based character position in the SQL that was sent, when the server gives one. */
  position?: number;
  code?: string;
  /** How many statements of the text sent completed before this error, when the driver counted them. */
  completed?: number;
}

const COMPLETED = 'statementsCompleted';

/** Marks an error from `exec` with the number of statements that completed before it. */
export function completedBefore<E>(err: E, completed: number): E {
  if (err && typeof err === 'object') Object.defineProperty(err, COMPLETED, { value: completed, enumerable: false, configurable: true });
  return err;
}

export function databaseErrorInfo(err: unknown): DatabaseErrorInfo {
  const e = err as { message?: string; position?: string | number; code?: string; detail?: string; [COMPLETED]?: number };
  const message = redact(String(e?.message ?? err)) + (e?.detail ? ` (${redact(e.detail)})` : '');
  const position = e?.position !== undefined && e.position !== '' ? Number(e.position) : undefined;
  const completed = typeof e?.[COMPLETED] === 'number' ? e[COMPLETED] : undefined;
  return { message, position: Number.isFinite(position) ? position : undefined, code: e?.code, completed };
}

export async function openDatabase(settings: ConnectionSettings): Promise<Database> {
  if (settings.kind === 'embedded') {
    const { openPglite } = await import('./pglite');
    return openPglite(settings.dataDir, settings.description);
  }
  const { openPg } = await import('./pg');
  return openPg(settings);
}
