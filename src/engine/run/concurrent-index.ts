// CREATE INDEX CONCURRENTLY commits its index to the catalog before it builds it, so when it fails
// part-way (a lock timeout, a deadlock, a unique violation, a cancel) the index stays behind,
// INVALID: never used by queries, still updated by every write, and in the way of a retry ("already
// exists", or kept as it is by IF NOT EXISTS). PostgreSQL's recovery is to drop it and build it again.
// REINDEX ... CONCURRENTLY leaves its copies the same way (…_ccnew, or the swapped-out …_ccold).
//
// What the runner drops is only what the failed statement left: an index of the statement's table
// that is invalid now and was not invalid (or did not exist) just before the statement ran, named as
// the statement names it (as REINDEX names its copies), and that no other session is working on.
// The statement is recognised the way the engine recognises statement kinds elsewhere (chunk.ts):
// by its leading words, without a SQL parser; what the words do not cover is left alone.
import { databaseErrorInfo, type Database } from '../database';
import { quoteIdent } from '../sql';
import type { Direction } from '../types';
import type { RunContext } from './context';

/** A CREATE INDEX CONCURRENTLY or REINDEX INDEX|TABLE CONCURRENTLY statement, as far as the runner needs it. */
export interface ConcurrentIndex {
  kind: 'create' | 'reindex-index' | 'reindex-table';
  /** CREATE: the index name as written (quoted or not); null when PostgreSQL chooses it, and for REINDEX. */
  name: string | null;
  /** The table (CREATE, REINDEX TABLE) or index (REINDEX INDEX) as written, for to_regclass. */
  relation: string;
  ifNotExists: boolean;
}

/** An index found in the catalog. */
export interface IndexRef {
  schema: string;
  name: string;
  /** Another session holds a lock on it, or indexes its table: it may be theirs, and is left alone. */
  busy?: boolean;
}

/**
 * Another session holds a lock on the index, or SHARE UPDATE EXCLUSIVE on its table (which every
 * CREATE, DROP or REINDEX ... CONCURRENTLY holds for all of its run; autovacuum's is not one of them).
 */
const BUSY = `EXISTS (SELECT 1 FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.pid <> pg_backend_pid() AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND (l.relation = i.indexrelid
                       OR (l.relation = i.indrelid AND l.mode = 'ShareUpdateExclusiveLock' AND a.backend_type IS DISTINCT FROM 'autovacuum worker')))`;

/** An index (i), its name (c) and schema (n), as an IndexRef with `busy`; the callers add their WHERE. */
const INDEX_ROWS = `SELECT n.nspname AS schema, c.relname AS name, ${BUSY} AS busy
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace`;

const GAP = String.raw`(?:\s|--[^\n]*(?:\n|$)|/\*[\s\S]*?\*/)`;
const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*)`;
const QUALIFIED = `(${IDENT}(?:${GAP}*\\.${GAP}*${IDENT}){0,2})`;
const CREATE = new RegExp(
  `^${GAP}*create${GAP}+(?:unique${GAP}+)?index${GAP}+concurrently${GAP}+(if${GAP}+not${GAP}+exists${GAP}+)?` +
    `(?:(?!on\\b)(${IDENT})${GAP}*)?on${GAP}+(?:only${GAP}+)?${QUALIFIED}`,
  'i',
);
// REINDEX INDEX|TABLE CONCURRENTLY x, or (PostgreSQL 14) REINDEX (…, CONCURRENTLY, …) INDEX|TABLE x.
const REINDEX = new RegExp(`^${GAP}*reindex${GAP}*(?:\\(([^)]*)\\)${GAP}*)?(index|table)${GAP}+(concurrently${GAP}+)?${QUALIFIED}`, 'i');
// Identifiers, and the comments between them (skipped): a comment's words are not a name.
const TOKEN = new RegExp(`${IDENT}|--[^\\n]*|/\\*[\\s\\S]*?\\*/`, 'g');

/** The statement's CREATE INDEX CONCURRENTLY or REINDEX INDEX|TABLE CONCURRENTLY, or null for any other. */
export function concurrentIndexOf(sql: string): ConcurrentIndex | null {
  const m = CREATE.exec(sql);
  if (m) return { kind: 'create', name: m[2] ?? null, relation: qualified(m[3]), ifNotExists: !!m[1] };
  const r = REINDEX.exec(sql);
  if (!r) return null;
  const concurrently = !!r[3] || (r[1] !== undefined && /(?:^|,)\s*concurrently\s*(?:true|on|1)?\s*(?:,|$)/i.test(r[1]));
  if (!concurrently) return null;
  return { kind: r[2].toLowerCase() === 'index' ? 'reindex-index' : 'reindex-table', name: null, relation: qualified(r[4]), ifNotExists: false };
}

/** A qualified name's parts without the blanks or comments around their dots; quoted parts stay quoted. */
function qualified(written: string): string {
  return (written.match(TOKEN) ?? []).filter((t) => !t.startsWith('--') && !t.startsWith('/*')).join('.');
}

/** The catalog name an identifier as written stands for (before PostgreSQL cuts it to 63 bytes). */
export function identifierName(written: string): string {
  return written.startsWith('"') ? written.slice(1, -1).replace(/""/g, '"') : written.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

export function qualifiedIndex(ix: IndexRef): string {
  return `${quoteIdent(ix.schema)}.${quoteIdent(ix.name)}`;
}

/** What is true just before the statement runs: the tables whose indexes it works on, and which of those indexes are invalid. */
export interface Before {
  tables: string[];
  invalid: string[];
}

/**
 * Read just before the statement runs, on its own session (so with its search_path). The tables: the
 * one it names, or the index's; for REINDEX TABLE also its TOAST table, whose index it rebuilds too.
 */
export async function before(db: Database, cic: ConcurrentIndex): Promise<Before> {
  const [row] = await db.query<{ tables: string[] | null; invalid: string[] | null }>(
    `WITH named AS (
       SELECT CASE WHEN $2 = 'reindex-index' THEN (SELECT indrelid FROM pg_index WHERE indexrelid = to_regclass($1)) ELSE to_regclass($1)::oid END AS rel
     ), tables AS (
       SELECT rel FROM named WHERE rel IS NOT NULL
       UNION ALL SELECT c.reltoastrelid FROM pg_class c JOIN named ON c.oid = named.rel WHERE $2 = 'reindex-table' AND c.reltoastrelid <> 0
     )
     SELECT ARRAY(SELECT rel::text FROM tables) AS tables,
            ARRAY(SELECT indexrelid::text FROM pg_index WHERE indrelid IN (SELECT rel FROM tables) AND NOT indisvalid) AS invalid`,
    [cic.relation, cic.kind],
  );
  return { tables: row?.tables ?? [], invalid: row?.invalid ?? [] };
}

/**
 * Indexes of the statement's tables that are invalid now and were not before it ran: for CREATE,
 * named as the statement names its index (any name when it gives none); for REINDEX, named as
 * REINDEX names the copies it builds (…_ccnew) and the old indexes it has swapped out (…_ccold).
 * Those another session may be working on come back `busy`.
 */
export async function leftBehind(db: Database, cic: ConcurrentIndex, was: Before): Promise<IndexRef[]> {
  if (!was.tables.length) return [];
  return db.query<IndexRef>(
    `${INDEX_ROWS}
      WHERE i.indrelid = ANY($1::oid[]) AND NOT i.indisvalid AND NOT (i.indexrelid = ANY($2::oid[]))
        AND CASE WHEN $4 THEN c.relname ~ '_cc(new|old)[0-9]*$' ELSE ($3::text IS NULL OR c.relname = $3::name) END
      ORDER BY c.relname`,
    [was.tables, was.invalid, cic.name === null ? null : identifierName(cic.name), cic.kind !== 'create'],
  );
}

/** CREATE: the index the statement names, on its table, when it exists and is invalid (whoever made it). */
export async function invalidNamed(db: Database, cic: ConcurrentIndex): Promise<IndexRef | null> {
  if (cic.kind !== 'create' || cic.name === null) return null;
  const rows = await db.query<IndexRef>(
    `${INDEX_ROWS}
      WHERE i.indrelid = to_regclass($1) AND NOT i.indisvalid AND c.relname = $2::name`,
    [cic.relation, identifierName(cic.name)],
  );
  return rows[0] ?? null;
}

export async function dropIndex(db: Database, ix: IndexRef): Promise<void> {
  await db.exec(`DROP INDEX CONCURRENTLY IF EXISTS ${qualifiedIndex(ix)}`);
}

/**
 * Appended to the recorded error of a statement that failed on an invalid index it did not make
 * (its name was taken): a resume reads it and leaves that index alone too. Our words, not the
 * server's, so it holds whatever language the server speaks.
 */
export function existedBeforeNote(ix: IndexRef): string {
  return `; the invalid index ${qualifiedIndex(ix)} existed before this statement ran and is not dropped (drop it yourself if it is not wanted)`;
}

export const EXISTED_BEFORE = 'existed before this statement ran and is not dropped';

/**
 * The invalid indexes one CREATE INDEX CONCURRENTLY (or REINDEX ... CONCURRENTLY) statement of a run
 * may leave: found after each failed try, dropped before the next one, or at once when no try
 * follows; and, on a resume, those an earlier run left in it. Reports each drop as one line naming
 * the index.
 */
export class LeftIndex {
  private was: Before | null = null;
  private left: IndexRef[] = [];
  private leftBy: 'failed' | 'stopped' = 'failed';
  private dropping: IndexRef | null = null;
  private note = '';
  /** Every index a try of this statement left (qualified names), dropped or not. */
  private readonly mine = new Set<string>();

  constructor(
    private readonly ctx: RunContext,
    private readonly cic: ConcurrentIndex,
    private readonly where: string,
    private readonly direction: Direction,
  ) {}

  /**
   * Resuming at this statement: it did not complete in an earlier run. Dropped before it runs again:
   * the indexes that run recorded as left by it and not dropped (found then by the proof above), if
   * still invalid; else, for a CREATE that names its index, an invalid index of that name on its
   * table: what it left when that run stopped in it (a kill, a lost connection, an older release),
   * unless that run recorded the index as older than the statement. Other invalid indexes of its
   * table cannot be told from someone else's: they are named in a warning, not dropped.
   */
  async resuming(recordedError: string | null): Promise<void> {
    const busy = (ix: IndexRef) => this.info(`Resuming at ${this.where}: the index ${qualifiedIndex(ix)} is invalid, but another session is working on it or on its table: not dropped`);
    try {
      const recorded = recordedLeft(recordedError);
      if (recorded.length) {
        const still = await stillInvalid(this.ctx.db, this.cic, recorded);
        still.filter((ix) => ix.busy).forEach(busy);
        this.leave(still.filter((ix) => !ix.busy), 'stopped');
      } else if (this.cic.name !== null) {
        const found = await invalidNamed(this.ctx.db, this.cic);
        if (!found) return;
        if (found.busy) busy(found);
        else if (recordedError?.includes(EXISTED_BEFORE)) this.info(`Resuming at ${this.where}: the index ${qualifiedIndex(found)} is invalid, but it existed before this statement first ran: not dropped`);
        else this.leave([found], 'stopped');
      } else {
        const invalid = await leftBehind(this.ctx.db, this.cic, { ...(await before(this.ctx.db, this.cic)), invalid: [] });
        if (!invalid.length) return;
        const which = this.cic.kind === 'create' ? 'the statement names no index, so which one (if any) it left cannot be told' : 'they may be copies this REINDEX or another one left';
        const one = invalid.length === 1;
        this.info(
          `Warning: resuming at ${this.where}: ${this.cic.relation} has invalid ${one ? 'index' : 'indexes'} ${invalid.map(qualifiedIndex).join(', ')}; ` +
            `${which}, and ${one ? 'it is not dropped: check it, and drop it' : 'none is dropped: check them, and drop the ones'} (DROP INDEX CONCURRENTLY) if the statement left ${one ? 'it' : 'them'}`,
        );
      }
    } catch (err) {
      this.info(`Warning: resuming at ${this.where}: whether an earlier run left an invalid index could not be checked (${databaseErrorInfo(err).message})`);
    }
  }

  /** Before a try: drops what the last one (or an earlier run) left. Throws the drop's error. */
  async dropLeft(): Promise<void> {
    while (this.left.length) {
      this.dropping = this.left[0];
      await dropIndex(this.ctx.db, this.dropping);
      this.left.shift();
      const when = this.leftBy === 'stopped' ? 'when an earlier run stopped in it' : 'when it failed';
      const again = this.cic.kind === 'create' ? ', so that it is built again from the start' : '';
      this.info(`Dropped the invalid index ${qualifiedIndex(this.dropping)} left by ${this.where} ${when}${again}`);
    }
    this.dropping = null;
  }

  /** Just before the statement runs. */
  async before(): Promise<void> {
    this.was = await before(this.ctx.db, this.cic).catch(() => null);
  }

  /** The statement failed: finds the invalid index it left, to drop before the next try. */
  async afterFailure(err: unknown): Promise<void> {
    this.note = '';
    if (!this.was) return;
    try {
      // "Already exists": the statement made nothing, so nothing new is its own.
      const duplicate = databaseErrorInfo(err).code === DUPLICATE_TABLE;
      const found = duplicate ? [] : await leftBehind(this.ctx.db, this.cic, this.was);
      for (const ix of found) this.mine.add(qualifiedIndex(ix));
      if (duplicate) {
        // Its name is taken by an invalid index: one an earlier try left (another session was on it
        // then), or one that was there before the statement first ran.
        const named = await invalidNamed(this.ctx.db, this.cic);
        if (named && this.mine.has(qualifiedIndex(named))) found.push(named);
        else if (named) this.note += existedBeforeNote(named);
      }
      const busy = found.filter((ix) => ix.busy);
      this.leave(found.filter((ix) => !ix.busy), 'failed');
      if (busy.length) this.note += `; the invalid index ${busy.map(qualifiedIndex).join(', ')} is not dropped: another session is working on it or on its table`;
    } catch (checkErr) {
      this.note = `; whether it left an invalid index could not be checked (${databaseErrorInfo(checkErr).message}): check the indexes of ${this.cic.relation}`;
    }
  }

  /** No try follows: drops what the statement left now, and returns what to add to its error. */
  async finalNote(): Promise<string> {
    try {
      await this.dropLeft();
      return this.note;
    } catch (err) {
      return `${this.note}; and ${this.notDropped(databaseErrorInfo(err).message)}`;
    }
  }

  /** The error of a drop before a try, as the statement's failure. */
  dropFailedText(message: string): string {
    return this.notDropped(message);
  }

  /** Says which indexes are still to drop, in words a resume reads back (recordedLeft). */
  private notDropped(why: string): string {
    const one = this.left.length === 1;
    return `the invalid ${one ? 'index' : 'indexes'} ${this.left.map(qualifiedIndex).join(', ')}${NOT_DROPPED}${why}): "${this.direction} --resume" drops ${one ? 'it' : 'them'} before running the statement again`;
  }

  /** It succeeded: IF NOT EXISTS may have kept an invalid index of its name that was there before. */
  async checkKept(): Promise<void> {
    if (!this.cic.ifNotExists || this.cic.name === null) return;
    const kept = await invalidNamed(this.ctx.db, this.cic).catch(() => null);
    if (!kept) return;
    const ix = qualifiedIndex(kept);
    this.info(`Warning: ${this.where}: the index ${ix} already existed and is INVALID (IF NOT EXISTS kept it): queries do not use it; drop it (DROP INDEX CONCURRENTLY ${ix}) and build it again`);
  }

  private leave(indexes: IndexRef[], by: 'failed' | 'stopped'): void {
    this.left = indexes;
    this.leftBy = by;
  }

  private info(message: string): void {
    this.ctx.onEvent?.({ type: 'info', message });
  }
}

const DUPLICATE_TABLE = '42P07';
const NOT_DROPPED = ' it left could not be dropped (';

/** The indexes a failed run recorded as left by the statement and not dropped (see notDropped). */
export function recordedLeft(error: string | null): IndexRef[] {
  const end = error?.lastIndexOf(NOT_DROPPED) ?? -1;
  if (!error || end < 0) return [];
  const start = error.lastIndexOf('the invalid ', end);
  const list = error.slice(start, end);
  return [...list.matchAll(/"((?:[^"]|"")*)"\."((?:[^"]|"")*)"/g)].map((m) => ({ schema: m[1].replace(/""/g, '"'), name: m[2].replace(/""/g, '"') }));
}

/** Of `indexes`, those that are still there, invalid, on the statement's tables. */
async function stillInvalid(db: Database, cic: ConcurrentIndex, indexes: IndexRef[]): Promise<IndexRef[]> {
  const was = await before(db, cic);
  if (!was.tables.length) return [];
  return db.query<IndexRef>(
    `${INDEX_ROWS}
      WHERE i.indrelid = ANY($1::oid[]) AND NOT i.indisvalid
        AND (n.nspname::text, c.relname::text) IN (SELECT * FROM unnest($2::text[], $3::text[]))
      ORDER BY c.relname`,
    [was.tables, indexes.map((ix) => ix.schema), indexes.map((ix) => ix.name)],
  );
}
