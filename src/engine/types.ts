/** One SQL statement of a migration section, with the 1-based file line it starts on. */
export interface Statement {
  sql: string;
  line: number;
}

/** Which section of a migration runs: `up` applies, `down` rolls back. */
export type Direction = 'up' | 'down';

/** One section (`-- +migrate Up` or `Down`) of a parsed migration file. */
export interface Section {
  /** Line of the `-- +migrate Up|Down` directive. */
  line: number;
  noTransaction: boolean;
  statements: Statement[];
}

/** A migration file's sections. */
export interface ParsedMigration {
  up: Section;
  down: Section | null;
}

/** Something the runner can apply: a parsed file or a migration registered from code. */
export interface Migration {
  /** Digits only, e.g. "20240101120000". Compared numerically. */
  version: string;
  name: string;
  kind: 'file' | 'code';
  /** Absolute path for file migrations. */
  path?: string;
  /** SHA-256 hex of the LF-normalised file text (code migrations: of their version+name). */
  checksum: string;
  /** File text, LF-normalised (file migrations). */
  text?: string;
  parsed?: ParsedMigration;
  description?: string;
  /** Accepted, but worth a word: e.g. a 14-digit version that is not a clock time. */
  warning?: string;
  upFn?: (db: MigrationHandle) => Promise<void>;
  downFn?: (db: MigrationHandle) => Promise<void>;
}

/** What a code-registered migration's up/down receive: SQL inside the migration's transaction. */
export interface MigrationHandle {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** A migration written in code, for {@link registerMigration} and `migrator.register`. `version`: digits, ordered with the files' versions. */
export interface CodeMigrationDefinition {
  version: string | number;
  name: string;
  description?: string;
  up: (db: MigrationHandle) => Promise<void>;
  down?: (db: MigrationHandle) => Promise<void>;
}

/** Status of a row in the tracking table. Pending migrations have no row. */
/** `partial`: a statement-by-statement run (notransaction) stopped part-way; `progress` says how far. */
export type RowStatus = 'applied' | 'failed' | 'rollback' | 'partial';

/** One row of the tracking table, as read. */
export interface HistoryRow {
  version: string;
  name: string;
  checksum: string;
  status: RowStatus;
  batch: number | null;
  appliedAt: Date | null;
  executionTimeMs: number | null;
  error: string | null;
  /** 0-based index of the failing statement in its section. */
  errorStatement: number | null;
  /** File line of the failing statement. */
  errorLine: number | null;
  /** The applied file's text (LF-normalised). */
  script: string | null;
  kind: 'file' | 'code';
  noTransaction: boolean;
  rolledBackAt: Date | null;
  /** Free text for recovery actions, e.g. "checksum accepted by alice at …". */
  note: string | null;
  /** A statement-by-statement run under way or stopped: its direction and how many statements completed. */
  progress?: { direction: Direction; done: number; total: number } | null;
}

/** What status shows per migration. */
export type DisplayStatus = 'pending' | 'applied' | 'failed' | 'rollback' | 'drifted' | 'missing' | 'partial';

/** One migration as `status` reports it: its file or code (`migration`) and its history row (`row`). */
export interface StatusEntry {
  version: string;
  name: string;
  status: DisplayStatus;
  migration: Migration | null;
  row: HistoryRow | null;
  /** Pending but older than the newest applied migration. */
  outOfOrder: boolean;
  /** A one-line hint naming the command that fits the problem, if any. */
  hint: string | null;
}

/** A session that held a lock a migration waited for (from pg_blocking_pids). */
export interface Blocker {
  pid: number;
  /** Its current or last query, cut to 300 characters. */
  query: string;
  /** pg_stat_activity.state: active, idle in transaction, … */
  state: string;
}

/** Progress of a run: `start`/`done` per migration, `lock-wait` with the holder, `info` lines. */
export type RunEvent =
  | { type: 'start'; direction: Direction; migration: Migration; index: number; total: number }
  | { type: 'done'; direction: Direction; migration: Migration; executionTimeMs: number; index: number; total: number }
  | { type: 'lock-wait'; holder: string }
  /** A migration (or a notransaction statement) hit lock_timeout and is tried again after waitMs. */
  | { type: 'lock-retry'; version: string; name: string; statement: number | null; attempt: number; retries: number; waitMs: number; blockers: Blocker[] }
  | { type: 'info'; message: string };

/** One migration a run applied or rolled back. */
export interface AppliedResult {
  version: string;
  name: string;
  direction: Direction;
  executionTimeMs: number;
}

/** What a run did: the batch, the migrations run, the planned statements of a dry run, whether it was cancelled. */
export interface RunResult {
  batch: number | null;
  applied: AppliedResult[];
  /** Dry run: the statements that would run, per migration. */
  planned: {
    version: string;
    name: string;
    direction: Direction;
    noTransaction: boolean;
    /** Its own statements open and close transactions: it runs as written, without one around it. */
    ownTransactions?: boolean;
    /** The lock_timeout it would run with, ms (absent: none is set, the server's applies). */
    lockTimeoutMs?: number;
    statements: Statement[];
  }[];
  cancelled: boolean;
}
