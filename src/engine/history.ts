import type { Database } from './database';
import { ForeignTableError } from './errors';
import { foreignTableMessage, OUR_TABLE_COMMENT, tableOwner, type ColumnInfo } from './foreign-tables';
import { quoteIdent, sqlLiteral } from './sql';
import type { HistoryRow, RowStatus } from './types';

/**
 * Columns of the tracking table in order of introduction. A newer release appends here; `ensure`
 * adds whatever an older table lacks, so upgrading is in place and idempotent.
 */
const COLUMNS: [name: string, type: string][] = [
  ['version', 'bigint PRIMARY KEY'],
  ['name', "text NOT NULL DEFAULT ''"],
  ['checksum', "text NOT NULL DEFAULT ''"],
  ['status', "text NOT NULL DEFAULT 'applied'"],
  ['batch', 'integer'],
  ['applied_at', 'timestamptz'],
  ['execution_time_ms', 'double precision'],
  ['error', 'text'],
  ['error_statement', 'integer'],
  ['error_line', 'integer'],
  ['script', 'text'],
  ['kind', "text NOT NULL DEFAULT 'file'"],
  ['no_transaction', 'boolean NOT NULL DEFAULT false'],
  ['rolled_back_at', 'timestamptz'],
  ['note', 'text'],
  // Statement-by-statement runs (notransaction, or a file's own BEGIN/COMMIT): which direction is
  // under way and how many of its statements have completed, written as each one completes.
  ['progress_direction', 'text'],
  ['statements_done', 'integer'],
  ['statements_total', 'integer'],
];

/** Clears a finished run's progress (every write that ends a migration's run sets these). */
const NO_PROGRESS = 'progress_direction = NULL, statements_done = NULL, statements_total = NULL';

export interface AppliedRecord {
  version: string;
  name: string;
  checksum: string;
  batch: number;
  script: string | null;
  kind: 'file' | 'code';
  noTransaction: boolean;
  /** Measured by the client when the server cannot (statement-by-statement runs). */
  executionTimeMs?: number;
}

export interface FailedRecord extends Omit<AppliedRecord, 'executionTimeMs'> {
  /** `partial`: a statement-by-statement run that stopped; its progress columns stay. */
  status: 'failed' | 'partial';
  error: string;
  errorStatement: number | null;
  errorLine: number | null;
  executionTimeMs: number;
}

type RawRow = Record<string, unknown>;

/** The tracking table: one row per migration that was ever run. */
export class History {
  readonly qualified: string;
  /** The columns last seen (columns()), so that read() fits the layout it finds. */
  private known: string[] | null = null;
  /** Whether the table carries our comment (a table from before the comment gets it at its next write). */
  private marked = false;
  private prepared: { applied: string; rolledBack: string } | null = null;

  constructor(
    private readonly db: Database,
    readonly schema: string,
    readonly table: string,
  ) {
    this.qualified = `${quoteIdent(schema)}.${quoteIdent(table)}`;
  }

  async exists(): Promise<boolean> {
    const rows = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace
       WHERE s.nspname = $1 AND c.relname = $2`,
      [this.schema, this.table],
    );
    return rows[0].n > 0;
  }

  /**
   * The table's columns; none when it does not exist yet. Throws ForeignTableError when the table
   * is not ours (foreign-tables.ts): nothing here reads, alters or writes another tool's table.
   */
  async columns(): Promise<string[]> {
    const rows = await this.db.query<{ name: string | null; type: string | null; comment: string | null; rails: boolean }>(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, obj_description(c.oid, 'pg_class') AS comment,
              EXISTS (SELECT 1 FROM pg_catalog.pg_class r WHERE r.relnamespace = c.relnamespace AND r.relname = 'ar_internal_metadata') AS rails
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace
       LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       WHERE s.nspname = $1 AND c.relname = $2 ORDER BY a.attnum`,
      [this.schema, this.table],
    );
    if (rows.length === 0) return (this.known = []);
    const columns: ColumnInfo[] = rows.filter((r) => r.name !== null).map((r) => ({ name: r.name!, type: r.type ?? '' }));
    const owner = tableOwner(columns, rows[0].comment, rows[0].rails ? ['ar_internal_metadata'] : []);
    this.marked = rows[0].comment === OUR_TABLE_COMMENT;
    if (owner.kind === 'foreign') throw new ForeignTableError(`${this.schema}.${this.table}`, owner.tool, foreignTableMessage(this.qualified, owner.tool));
    return (this.known = columns.map((c) => c.name));
  }

  /** Every row, read-only, of a table of any earlier layout as it is; none when there is no table. */
  async readIfExists(): Promise<HistoryRow[]> {
    return (await this.columns()).length ? this.read() : [];
  }

  /** True when a table with these columns lacks some that this release writes (`ensure` adds them). */
  needsUpgrade(existing: string[]): boolean {
    return missingColumns(existing).length > 0 || (existing.length > 0 && !this.marked);
  }

  /** Creates the table, or adds the columns an older release did not have (given its current columns). */
  async ensure(existing?: string[]): Promise<void> {
    const have = existing ?? (await this.columns());
    const comment = `COMMENT ON TABLE ${this.qualified} IS ${sqlLiteral(OUR_TABLE_COMMENT)}`;
    if (have.length === 0) {
      const columns = COLUMNS.map(([n, t]) => `${quoteIdent(n)} ${t}`).join(',\n  ');
      await this.db.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.schema)};
CREATE TABLE IF NOT EXISTS ${this.qualified} (\n  ${columns}\n);
${comment}`);
      this.known = COLUMNS.map(([n]) => n);
      this.marked = true;
      return;
    }
    const missing = missingColumns(have);
    if (missing.length || !this.marked) {
      await this.db.exec([...missing.map(([n, t]) => `ALTER TABLE ${this.qualified} ADD COLUMN IF NOT EXISTS ${quoteIdent(n)} ${t}`), comment].join(';\n'));
      this.known = [...have, ...missing.map(([n]) => n)];
      this.marked = true;
    }
  }

  /**
   * Every row, without the stored file text: that is only needed where a file is gone, and a row's
   * script can be as large as its migration. `attachScripts` fetches it for those rows.
   */
  async read(): Promise<HistoryRow[]> {
    // A table of an earlier layout is read as it is (read-only commands never alter it): a column
    // it lacks reads as NULL.
    const have = new Set(this.known ?? (await this.columns()));
    const col = (name: string, expression = name) => (have.has(name) ? expression : 'NULL');
    // Times as epoch milliseconds: a number is much cheaper to turn into a Date than timestamp text.
    const sql = `SELECT version::text AS version, ${col('name')} AS name, ${col('checksum')} AS checksum, ${col('status', 'status')} AS status,
              ${col('batch')} AS batch, ${col('applied_at', 'extract(epoch FROM applied_at)::float8 * 1000')} AS applied_at,
              ${col('execution_time_ms')} AS execution_time_ms, ${col('error')} AS error, ${col('error_statement')} AS error_statement,
              ${col('error_line')} AS error_line, NULL AS script, ${col('kind')} AS kind, ${col('no_transaction')} AS no_transaction,
              ${col('rolled_back_at', 'extract(epoch FROM rolled_back_at)::float8 * 1000')} AS rolled_back_at, ${col('note')} AS note,
              ${col('progress_direction')} AS progress_direction, ${col('statements_done')} AS statements_done, ${col('statements_total')} AS statements_total
       FROM ${this.qualified} ORDER BY version`;
    if (!this.db.forEachRow) return (await this.db.query<RawRow>(sql)).map(toHistoryRow);
    // Each row as it arrives: the driver's row object dies young instead of living until the last one.
    const rows: HistoryRow[] = [];
    await this.db.forEachRow<RawRow>(sql, undefined, (r) => rows.push(toHistoryRow(r)));
    return rows;
  }

  /**
   * Makes every earlier commit of this session durable. A commit waits for the WAL flush only if
   * its transaction wrote WAL (an assigned transaction id alone writes none, and such a commit does
   * not wait), so this rewrites one history row unchanged, in a commit of its own.
   */
  async flush(): Promise<void> {
    await this.db.exec(`UPDATE ${this.qualified} SET batch = batch WHERE version = (SELECT max(version) FROM ${this.qualified})`);
  }

  /** Fills in the stored file text of the given rows (in place). */
  async attachScripts(rows: HistoryRow[]): Promise<void> {
    if (rows.length === 0) return;
    if (!(this.known ?? (await this.columns())).includes('script')) return; // a layout from before stored copies
    const found = await this.db.query<{ version: string; script: string | null }>(
      `SELECT version::text AS version, script FROM ${this.qualified} WHERE version = ANY($1::bigint[])`,
      [rows.map((r) => r.version)],
    );
    const byVersion = new Map(found.map((f) => [f.version, f.script]));
    for (const r of rows) r.script = byVersion.get(r.version) ?? null;
  }

  /**
   * Prepares, once per session, the two statements that record a run. Planning the history write
   * costs more than a small migration itself; a prepared statement is planned once, and the
   * EXECUTE that carries the values still travels in the migration's own round trip.
   */
  async prepare(): Promise<void> {
    if (this.prepared) return;
    const { randomBytes } = require('node:crypto') as typeof import('node:crypto'); // on first use (see checksum.ts)
    const id = randomBytes(4).toString('hex');
    const names = { applied: `migrate_lens_applied_${id}`, rolledBack: `migrate_lens_rolled_back_${id}` };
    await this.db.exec(`PREPARE ${names.applied} (bigint, text, text, integer, text, text, boolean, double precision) AS
${TIMING}
INSERT INTO ${this.qualified} AS h (version, name, checksum, status, batch, applied_at, execution_time_ms, error, error_statement, error_line, script, kind, no_transaction, rolled_back_at, note)
SELECT $1, $2, $3, 'applied', $4, t.started, coalesce($8, ${SERVER_ELAPSED}), NULL, NULL, NULL, $5, $6, $7, NULL, NULL FROM t
ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name, checksum = EXCLUDED.checksum, status = 'applied', batch = EXCLUDED.batch,
  applied_at = EXCLUDED.applied_at, execution_time_ms = EXCLUDED.execution_time_ms, error = NULL, error_statement = NULL, error_line = NULL,
  script = EXCLUDED.script, kind = EXCLUDED.kind, no_transaction = EXCLUDED.no_transaction, rolled_back_at = NULL, note = NULL, ${NO_PROGRESS};
PREPARE ${names.rolledBack} (bigint, double precision) AS
${TIMING}
UPDATE ${this.qualified} SET status = 'rollback', rolled_back_at = t.started, execution_time_ms = coalesce($2, ${SERVER_ELAPSED}),
  error = NULL, error_statement = NULL, error_line = NULL, ${NO_PROGRESS}
FROM t WHERE version = $1`);
    this.prepared = names;
  }

  /**
   * SQL that records a successful apply, to run inside the migration's own transaction and in the
   * same round trip (after `prepare`). Several migrations can share one query message, and now() is
   * the same for all of them, so the server times each one from a session mark that the previous
   * record left (or the message's arrival, whichever is later) and sets the mark again.
   */
  appliedSql(r: AppliedRecord): string {
    const args = [digits(r.version), sqlLiteral(r.name), sqlLiteral(r.checksum), String(r.batch), sqlLiteral(r.script), sqlLiteral(r.kind), sqlLiteral(r.noTransaction), clientElapsed(r.executionTimeMs)];
    return `EXECUTE ${this.statement('applied')}(${args.join(', ')})`;
  }

  /** SQL that records a rollback, to run inside the Down transaction (after `prepare`). */
  rolledBackSql(version: string, executionTimeMs?: number): string {
    return `EXECUTE ${this.statement('rolledBack')}(${digits(version)}, ${clientElapsed(executionTimeMs)})`;
  }

  /**
   * After a migration that may have dropped this session's prepared statements (DEALLOCATE,
   * DISCARD): the next `prepare` prepares them again under new names.
   */
  unprepare(): void {
    this.prepared = null;
  }

  /** The record of a successful apply as one plain statement: for a migration that drops prepared statements. */
  appliedSqlPlain(r: AppliedRecord): string {
    return `INSERT INTO ${this.qualified} AS h (version, name, checksum, status, batch, applied_at, execution_time_ms, script, kind, no_transaction)
VALUES (${digits(r.version)}, ${sqlLiteral(r.name)}, ${sqlLiteral(r.checksum)}, 'applied', ${Number(r.batch)}, now(), ${clientElapsed(r.executionTimeMs)}, ${sqlLiteral(r.script)}, ${sqlLiteral(r.kind)}, ${sqlLiteral(r.noTransaction)})
ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name, checksum = EXCLUDED.checksum, status = 'applied', batch = EXCLUDED.batch,
  applied_at = EXCLUDED.applied_at, execution_time_ms = EXCLUDED.execution_time_ms, error = NULL, error_statement = NULL, error_line = NULL,
  script = EXCLUDED.script, kind = EXCLUDED.kind, no_transaction = EXCLUDED.no_transaction, rolled_back_at = NULL, note = NULL, ${NO_PROGRESS}`;
  }

  /** The record of a rollback as one plain statement (see `appliedSqlPlain`). */
  rolledBackSqlPlain(version: string, executionTimeMs?: number): string {
    return `UPDATE ${this.qualified} SET status = 'rollback', rolled_back_at = now(), execution_time_ms = ${clientElapsed(executionTimeMs)},
  error = NULL, error_statement = NULL, error_line = NULL, ${NO_PROGRESS} WHERE version = ${digits(version)}`;
  }

  /**
   * A statement-by-statement run begins (or resumes at statement `done`): the row says `partial`
   * before its first statement, so a crash at any point leaves a row that tells the truth.
   */
  async startProgress(r: AppliedRecord, direction: 'up' | 'down', done: number, total: number): Promise<void> {
    if (direction === 'up') {
      await this.db.query(
        `INSERT INTO ${this.qualified} AS h (version, name, checksum, status, batch, applied_at, script, kind, no_transaction, progress_direction, statements_done, statements_total)
         VALUES ($1, $2, $3, 'partial', $4, now(), $5, $6, $7, 'up', $8, $9)
         ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name, checksum = EXCLUDED.checksum, status = 'partial', batch = EXCLUDED.batch,
           applied_at = EXCLUDED.applied_at, execution_time_ms = NULL, error = NULL, error_statement = NULL, error_line = NULL, script = EXCLUDED.script,
           kind = EXCLUDED.kind, no_transaction = EXCLUDED.no_transaction, rolled_back_at = NULL, note = NULL,
           progress_direction = 'up', statements_done = EXCLUDED.statements_done, statements_total = EXCLUDED.statements_total`,
        [r.version, r.name, r.checksum, r.batch, r.script, r.kind, r.noTransaction, done, total],
      );
    } else {
      await this.db.query(
        `UPDATE ${this.qualified} SET status = 'partial', error = NULL, error_statement = NULL, error_line = NULL,
           progress_direction = 'down', statements_done = $2, statements_total = $3 WHERE version = $1`,
        [r.version, done, total],
      );
    }
  }

  /** Runs one statement of this table's own (a record built by the methods above). */
  async write(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  /**
   * Statement `done - 1` completed (and so did every one before it). `asOpened`: written on the
   * migration's own session (PGlite) between its statements, in a transaction of its own as the
   * user we connected as; SET LOCAL ends with it, so whatever role or search_path the migration
   * set stays for its next statement.
   */
  async recordProgress(version: string, done: number, asOpened = false): Promise<void> {
    const update = `UPDATE ${this.qualified} SET statements_done = ${Number(done)} WHERE version = ${digits(version)}`;
    await this.db.exec(
      asOpened
        ? `BEGIN;\nSET LOCAL SESSION AUTHORIZATION DEFAULT;\nSET LOCAL ROLE NONE;\nSET LOCAL search_path = pg_catalog;\n${update};\nCOMMIT`
        : update,
    );
  }

  private statement(which: 'applied' | 'rolledBack'): string {
    if (!this.prepared) throw new Error('History.prepare() must run before a migration is recorded');
    return this.prepared[which];
  }

  /** Written after the failed transaction was rolled back, so the record survives it. */
  async recordFailed(r: FailedRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO ${this.qualified} AS h (version, name, checksum, status, batch, applied_at, execution_time_ms, error, error_statement, error_line, script, kind, no_transaction)
       VALUES ($1, $2, $3, $12, $4, now(), $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name, checksum = EXCLUDED.checksum, status = EXCLUDED.status, batch = EXCLUDED.batch,
         applied_at = EXCLUDED.applied_at, execution_time_ms = EXCLUDED.execution_time_ms, error = EXCLUDED.error,
         error_statement = EXCLUDED.error_statement, error_line = EXCLUDED.error_line, script = EXCLUDED.script,
         kind = EXCLUDED.kind, no_transaction = EXCLUDED.no_transaction, rolled_back_at = NULL${r.status === 'partial' ? '' : `, ${NO_PROGRESS}`}`,
      [r.version, r.name, r.checksum, r.batch, round(r.executionTimeMs), r.error, r.errorStatement, r.errorLine, r.script, r.kind, r.noTransaction, r.status],
    );
  }

  /**
   * A failed Down in a transaction leaves the migration applied; one run statement by statement
   * leaves it `partial` (its progress columns say how far it got). The error is kept beside it.
   */
  async recordDownFailure(version: string, error: string, errorStatement: number | null, errorLine: number | null, partial = false): Promise<void> {
    await this.db.query(`UPDATE ${this.qualified} SET error = $2, error_statement = $3, error_line = $4${partial ? ", status = 'partial'" : ''} WHERE version = $1`, [
      version,
      `down failed: ${error}`,
      errorStatement,
      errorLine,
    ]);
  }

  async insert(r: AppliedRecord & { status: RowStatus; note: string }): Promise<void> {
    await this.db.query(
      `INSERT INTO ${this.qualified} (version, name, checksum, status, batch, applied_at, script, kind, no_transaction, note)
       VALUES ($1, $2, $3, $4, $5, now(), $6, $7, $8, $9)
       ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name, checksum = EXCLUDED.checksum, status = EXCLUDED.status,
         batch = EXCLUDED.batch, applied_at = EXCLUDED.applied_at, execution_time_ms = NULL, error = NULL, error_statement = NULL,
         error_line = NULL, script = EXCLUDED.script, kind = EXCLUDED.kind, no_transaction = EXCLUDED.no_transaction,
         rolled_back_at = NULL, note = EXCLUDED.note, ${NO_PROGRESS}`,
      [r.version, r.name, r.checksum, r.status, r.batch, r.script, r.kind, r.noTransaction, r.note],
    );
  }

  /** Rows taken over from another tool (adopt): applied, at their time, in one statement. */
  async insertAdopted(rows: readonly { version: string; name: string; checksum: string; batch: number; appliedAtMicros: string; script: string; noTransaction: boolean; note: string }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.query(
      `INSERT INTO ${this.qualified} (version, name, checksum, status, batch, applied_at, script, kind, no_transaction, note)
       SELECT v, n, c, 'applied', b, 'epoch'::timestamptz + t * interval '1 microsecond', s, 'file', x, o
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[], $7::boolean[], $8::text[]) AS r(v, n, c, b, t, s, x, o)`,
      [
        rows.map((r) => r.version),
        rows.map((r) => r.name),
        rows.map((r) => r.checksum),
        rows.map((r) => r.batch),
        rows.map((r) => r.appliedAtMicros),
        rows.map((r) => r.script),
        rows.map((r) => r.noTransaction),
        rows.map((r) => r.note),
      ],
    );
  }

  async update(version: string, fields: { status?: RowStatus; checksum?: string; script?: string | null; note: string }): Promise<void> {
    const sets: string[] = ['note = $2'];
    const params: unknown[] = [version, fields.note];
    if (fields.status) {
      params.push(fields.status);
      sets.push(`status = $${params.length}`);
      if (fields.status === 'rollback') sets.push('rolled_back_at = now()');
      sets.push(NO_PROGRESS, 'error = NULL', 'error_statement = NULL', 'error_line = NULL');
    }
    if (fields.checksum !== undefined) {
      params.push(fields.checksum);
      sets.push(`checksum = $${params.length}`);
    }
    if (fields.script !== undefined) {
      params.push(fields.script);
      sets.push(`script = $${params.length}`);
    }
    await this.db.query(`UPDATE ${this.qualified} SET ${sets.join(', ')} WHERE version = $1`, params);
  }

  async delete(version: string): Promise<void> {
    await this.db.query(`DELETE FROM ${this.qualified} WHERE version = $1`, [version]);
  }
}

function missingColumns(existing: string[]): [name: string, type: string][] {
  const have = new Set(existing);
  return COLUMNS.filter(([n]) => !have.has(n));
}

/**
 * `t.started`: when this migration began (the later of the message's arrival and the mark the
 * previous migration's record set); `t.ended`: now. Setting the mark is a side effect of reading t.
 */
const TIMING = `WITH t AS (
  SELECT s.started, s.ended, set_config('migrate_lens.mark', s.ended::text, false) AS mark
  FROM (SELECT greatest(statement_timestamp(), nullif(current_setting('migrate_lens.mark', true), '')::timestamptz) AS started,
               clock_timestamp() AS ended) s
)`;

const SERVER_ELAPSED = `round((extract(epoch FROM t.ended - t.started) * 1000)::numeric, 2)::double precision`;

/** A client-measured time (statement-by-statement runs) or NULL: then the server times it. */
function clientElapsed(clientMs: number | undefined): string {
  return clientMs !== undefined ? sqlLiteral(round(clientMs)) : 'NULL';
}

function toHistoryRow(r: RawRow): HistoryRow {
  return {
    version: String(r.version),
    name: String(r.name ?? ''),
    checksum: String(r.checksum ?? ''),
    status: String(r.status) as RowStatus,
    batch: r.batch === null || r.batch === undefined ? null : Number(r.batch),
    appliedAt: toDate(r.applied_at),
    executionTimeMs: r.execution_time_ms === null || r.execution_time_ms === undefined ? null : Number(r.execution_time_ms),
    error: (r.error as string | null) ?? null,
    errorStatement: r.error_statement === null || r.error_statement === undefined ? null : Number(r.error_statement),
    errorLine: r.error_line === null || r.error_line === undefined ? null : Number(r.error_line),
    script: (r.script as string | null) ?? null,
    kind: r.kind === 'code' ? 'code' : 'file',
    noTransaction: r.no_transaction === true,
    rolledBackAt: toDate(r.rolled_back_at),
    note: (r.note as string | null) ?? null,
    progress:
      r.progress_direction === 'up' || r.progress_direction === 'down'
        ? { direction: r.progress_direction, done: Number(r.statements_done ?? 0), total: Number(r.statements_total ?? 0) }
        : null,
  };
}

function toDate(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v;
  return typeof v === 'number' ? new Date(Math.round(v)) : new Date(String(v));
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function digits(version: string): string {
  if (!/^\d{1,18}$/.test(version)) throw new Error(`not a version number: ${version}`);
  return version;
}
