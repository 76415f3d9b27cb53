/**
 * adopt: take over the history another tool (sql-migrate, goose, dbmate, golang-migrate) kept, so
 * that nothing runs again. Reads its table (never writes it), matches its entries to the files,
 * renames or converts files where asked, and writes our rows as applied, in one batch, in one
 * transaction under our lock. A second run finds its own rows (by their note) and changes nothing.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checksum, normaliseText } from '../checksum';
import type { Database } from '../database';
import { AdoptError, ParseError } from '../errors';
import { foreignTool } from '../foreign-tables';
import { History } from '../history';
import { AdvisoryLock, lockKey } from '../lock';
import { parseMigration } from '../parser';
import { who } from '../recovery';
import { checkFileName, gooseFileName, readMigrationFile } from '../source';
import { quoteIdent } from '../sql';
import { dbmate } from './dbmate';
import { applyChanges, finishChanges, inGitWorkTree, JOURNAL, recoverInterrupted, type FileChange, type OnAdoptStep } from './files';
import { golangMigrate } from './golang-migrate';
import { goose } from './goose';
import { sqlMigrate } from './sql-migrate';
import type { Tool, ToolEntry, ToolFile, ToolName } from './types';

export type { ToolName } from './types';
export type { AdoptStep, OnAdoptStep } from './files';
export { sqlMigrateCompare } from './sql-migrate';
export { convertDbmate } from './dbmate';
export { convertGolangMigrate } from './golang-migrate';

export const ADOPT_TOOLS: Record<ToolName, Tool> = { 'sql-migrate': sqlMigrate, goose, dbmate, 'golang-migrate': golangMigrate };
export const ADOPT_TOOL_NAMES = Object.keys(ADOPT_TOOLS) as ToolName[];

export interface AdoptOptions {
  from: ToolName;
  /** The other tool's table; default its own default (gorp_migrations, goose_db_version, schema_migrations). */
  fromTable?: string;
  /** The schema of both tables. */
  schema: string;
  /** Our tracking table. */
  table: string;
  migrationsDir: string;
  /** Rename files whose names we cannot take as versions to YYYYMMDDHHMMSS_name.sql, in the tool's order. */
  rename?: boolean;
  dryRun?: boolean;
  /** Who adopts, for the note (default: the OS user). */
  by?: string;
  /** The adoption's time (tests). */
  now?: Date;
  lockTimeoutMs?: number;
  signal?: AbortSignal;
  /** Record renames in the git index as git mv does when the folder is in a git work tree (default true). */
  git?: boolean;
  /** Called at each step of a real run (tests stop the process there: kill -9 at a known state). */
  onStep?: OnAdoptStep;
}

/** One entry of the other tool's history and what it became. */
export interface AdoptedEntry {
  /** Its id in the other tool's table (sql-migrate: the file name; others: the version). */
  id: string;
  version: string;
  /** Our file name, after renames and conversions. */
  file: string;
  appliedAt: Date | null;
}

export interface AdoptResult {
  tool: ToolName;
  /** The other tool's table, quoted. */
  from: string;
  /** Our table, quoted. */
  table: string;
  /** The entries written now (or, for a dry run, that would be), in order. */
  adopted: AdoptedEntry[];
  /** Entries adopted by an earlier run, left as they are. */
  alreadyAdopted: number;
  /** Files the other tool has not applied: pending for us too. */
  pending: { version: string; file: string }[];
  /** File renames and conversions (made, or for a dry run, planned). */
  changes: FileChange[];
  /** Whether renames used git. */
  git: boolean;
  batch: number | null;
  dryRun: boolean;
}

const NOTE = /^adopted from (\S+) \(id (.*)\) at /;

/** The note on an adopted row: the tool, its id there (so a second run knows it), when and who. */
export function adoptionNote(tool: ToolName, id: string, at: Date, by: string): string {
  return `adopted from ${tool} (id ${id}) at ${at.toISOString()} by ${by}`;
}

/** Plans (and unless dryRun, performs) the adoption. Throws AdoptError naming what is not clean. */
export async function adopt(db: Database, opts: AdoptOptions): Promise<AdoptResult> {
  const tool = ADOPT_TOOLS[opts.from];
  if (!tool) throw new AdoptError(`unknown tool "${opts.from}"; adopt reads ${ADOPT_TOOL_NAMES.join(', ')}`);
  const fromTable = opts.fromTable ?? tool.defaultTable;
  const from = `${quoteIdent(opts.schema)}.${quoteIdent(fromTable)}`;
  const history = new History(db, opts.schema, opts.table);
  if (fromTable === opts.table) {
    throw new AdoptError(
      `${tool.name} keeps its history in ${from}, the table migrate-lens would use; migrate-lens never converts another tool's table in place. ` +
        `Give migrate-lens's table another name: adopt -from ${tool.name} -table migrate_lens_migrations ` +
        '(and the same -table, or migrations.table in config.yaml, on every later command)',
    );
  }
  await checkForeignTable(db, tool, opts.schema, fromTable, from);

  const dir = opts.migrationsDir;
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (err) {
    throw new AdoptError(`${dir}: cannot read the migrations folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const now = opts.now ?? new Date();
  const by = opts.by ?? who();

  const lock = opts.dryRun ? null : new AdvisoryLock(db, lockKey(opts.schema, opts.table));
  try {
    if (lock) {
      await lock.acquire({ timeoutMs: opts.lockTimeoutMs ?? 60_000, signal: opts.signal });
    }
    // Ours first: what an earlier adoption wrote is skipped, so a second run changes nothing.
    const ours = (await history.exists()) ? await history.read() : [];
    const adoptedIds = new Set<string>();
    for (const r of ours) {
      const m = NOTE.exec(r.note ?? '');
      if (m && m[1] === tool.name) adoptedIds.add(m[2]);
    }
    const own = ours.filter((r) => !NOTE.test(r.note ?? ''));
    // An adopt killed between changing the folder and committing: put the folder back first.
    if (names.includes(JOURNAL)) {
      if (opts.dryRun) throw new AdoptError(`${join(dir, JOURNAL)}: an earlier adopt was interrupted; run adopt without --dry-run to put the folder back first`);
      recoverInterrupted(dir, (at) => ours.some((r) => (r.note ?? '').includes(` at ${at} by `)));
      names = readdirSync(dir).sort();
    }

    const files = tool.readFolder(dir, names).sort(tool.compare);
    const entries = await tool.readEntries(db, from, files);
    const todo = entries.filter((e) => !adoptedIds.has(e.id));
    const result: AdoptResult = {
      tool: tool.name,
      from,
      table: history.qualified,
      adopted: [],
      alreadyAdopted: entries.length - todo.length,
      pending: [],
      changes: [],
      git: false,
      batch: null,
      dryRun: !!opts.dryRun,
    };
    if (todo.length === 0) return result;
    if (own.length) {
      throw new AdoptError(
        `${history.qualified} already holds ${own.length} row${own.length === 1 ? '' : 's'} of migrate-lens's own; ` +
          'adopt starts a history, it does not merge two (use another -table, or mark-applied for single versions)',
      );
    }

    const applied = matchEntries(tool, from, dir, names, files, todo, adoptedIds);
    const versions = assignVersions(tool, dir, files, !!opts.rename, now);
    const changes: FileChange[] = [];
    const finalName = new Map<ToolFile, string>();
    for (const f of files) {
      const version = versions.get(f)!;
      const keep = !f.converted && f.version !== null;
      const target = keep ? f.sources[0] : `${version}_${f.name}.sql`;
      finalName.set(f, target);
      if (!keep) changes.push({ sources: f.sources, target, text: f.converted ? f.text : null });
    }
    checkTargets(dir, names, changes);
    // Every file must be a migration we can run before anything changes.
    const noTransaction = new Map<ToolFile, boolean>();
    for (const f of files) {
      try {
        noTransaction.set(f, parseMigration(f.text, join(dir, f.sources[0])).up.noTransaction);
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
        const glued = tool.name === 'sql-migrate' && /unknown directive "-- \+migrate \w+\W/.test(err.message);
        throw new AdoptError(
          `${err.message}${f.converted ? ` (as converted from ${f.sources.join(' and ')})` : ''}` +
            (glued ? `; sql-migrate ignores such a line (the lines after it ran as part of the section before), so correct it first` : '') +
            '; nothing was changed',
        );
      }
    }

    const batch = ours.reduce((m, r) => Math.max(m, r.batch ?? 0), 0) + 1;
    result.batch = batch;
    result.changes = changes;
    for (const f of files) {
      const e = applied.get(f);
      if (e) result.adopted.push({ id: e.id, version: versions.get(f)!, file: finalName.get(f)!, appliedAt: e.appliedAt });
      else if (!adoptedIds.has(f.id)) result.pending.push({ version: versions.get(f)!, file: finalName.get(f)! });
    }
    const useGit = changes.length > 0 && opts.git !== false && inGitWorkTree(dir);
    result.git = useGit;
    if (opts.dryRun) return result;

    await db.exec('BEGIN');
    let undo: (() => void) | null = null;
    try {
      await history.ensure();
      await history.insertAdopted(
        files
          .filter((f) => applied.has(f))
          .map((f) => {
            const text = normaliseText(f.text);
            const e = applied.get(f)!;
            return {
              version: versions.get(f)!,
              name: f.name,
              checksum: checksum(text),
              batch,
              appliedAtMicros: e.appliedAtMicros ?? String((e.appliedAt ?? now).getTime() * 1000),
              script: text,
              noTransaction: noTransaction.get(f)!,
              note: adoptionNote(tool.name, e.id, now, by),
            };
          }),
      );
      opts.onStep?.('recorded');
      undo = applyChanges(dir, changes, useGit, now.toISOString(), opts.onStep);
      // The folder as `up` will read it: if that fails, nothing is kept.
      try {
        checkFolder(dir, names, changes, files);
      } catch (err) {
        throw new AdoptError(`after the renames the folder would not load: ${(err as Error).message}`);
      }
      await db.exec('COMMIT');
      opts.onStep?.('committed');
      finishChanges(dir);
    } catch (err) {
      await db.exec('ROLLBACK').catch(() => undefined);
      undo?.();
      throw err;
    }
    return result;
  } finally {
    await lock?.release().catch(() => undefined);
  }
}

/**
 * The folder after the changes, as `up` will read it: every .sql name a migration name, no version
 * twice. The tool's files were parsed already; any other .sql file is read as `up` would read it.
 */
function checkFolder(dir: string, names: string[], changes: FileChange[], files: ToolFile[]): void {
  const gone = new Set(changes.flatMap((c) => c.sources));
  const added = changes.map((c) => c.target);
  const ofTool = new Set([...files.flatMap((f) => f.sources), ...added]);
  const versions = new Map<string, string>();
  for (const name of [...names.filter((n) => !gone.has(n)), ...added]) {
    if (!/\.sql$/i.test(name)) continue;
    const path = join(dir, name);
    let checked = checkFileName(name);
    if ('reason' in checked) {
      const goose = gooseFileName(name);
      if (!goose) throw new ParseError(path, 0, checked.reason);
      checked = goose;
    }
    const other = versions.get(checked.version);
    if (other) throw new ParseError(path, 0, `duplicate version ${checked.version}: also used by ${join(dir, other)}`);
    versions.set(checked.version, name);
    if (!ofTool.has(name)) readMigrationFile(path, checked.version, checked.name);
  }
}

async function checkForeignTable(db: Database, tool: Tool, schema: string, table: string, from: string): Promise<void> {
  const cols = await db.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_catalog.pg_attribute a
     JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace
     WHERE s.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [schema, table],
  );
  if (cols.length === 0) {
    throw new AdoptError(`there is no table ${from}: is this the database ${tool.name} migrates? (-from-table NAME if it keeps its history under another name)`);
  }
  const shape = foreignTool(cols);
  if (!shape || !tool.shapeNames.includes(shape)) {
    throw new AdoptError(`${from} does not have ${tool.name}'s columns${shape ? ` (it looks like ${shape}'s)` : ''}; nothing was changed`);
  }
}

/** Their entries → their files; an entry with no file, or one applied out of their order, stops adopt. */
function matchEntries(tool: Tool, from: string, dir: string, names: string[], files: ToolFile[], todo: ToolEntry[], adoptedIds: Set<string>): Map<ToolFile, ToolEntry> {
  const byId = new Map(files.map((f) => [f.id, f]));
  const applied = new Map<ToolFile, ToolEntry>();
  for (const e of todo) {
    const f = byId.get(e.id);
    if (!f) {
      const go = tool.name === 'goose' ? names.find((n) => n.endsWith('.go') && /^\d+/.exec(n)?.[0]?.replace(/^0+(?=\d)/, '') === e.id) : undefined;
      throw new AdoptError(
        go
          ? `${from}: version ${e.id} is the Go migration ${join(dir, go)}, which migrate-lens cannot run; rewrite it as SQL first`
          : `${from} records ${tool.name === 'sql-migrate' ? `"${e.id}"` : `version ${e.id}`} as applied, but ${dir} has no such file; restore it before adopting`,
      );
    }
    applied.set(f, e);
  }
  let firstPending: ToolFile | null = null;
  for (const f of files) {
    const isApplied = applied.has(f) || adoptedIds.has(f.id);
    if (!isApplied) firstPending ??= f;
    else if (firstPending) {
      throw new AdoptError(
        `${f.sources[0]} is applied but ${firstPending.sources[0]}, before it in ${tool.name}'s order, is not: a file applied out of ${tool.name}'s order; ` +
          `apply or remove ${firstPending.sources[0]} with ${tool.name} first`,
      );
    }
  }
  return applied;
}

/**
 * Our version of every file: its own when its name gives one, else (with --rename) a real UTC
 * timestamp placed so that our order is exactly the tool's: one second apart, between the files
 * around them that keep their versions, and in the past.
 */
function assignVersions(tool: Tool, dir: string, files: ToolFile[], rename: boolean, now: Date): Map<ToolFile, string> {
  const out = new Map<ToolFile, string>();
  const unnamed = files.filter((f) => f.version === null);
  if (unnamed.length && !rename) {
    const list = unnamed.slice(0, 5).map((f) => f.sources[0]).join(', ') + (unnamed.length > 5 ? `, … (${unnamed.length} in all)` : '');
    throw new AdoptError(
      `${dir}: ${list}: names migrate-lens cannot take as versions; run adopt with --rename to rename them to YYYYMMDDHHMMSS_name.sql, keeping ${tool.name}'s order`,
    );
  }
  let i = 0;
  let previous: bigint | null = null;
  while (i < files.length) {
    const f = files[i];
    if (f.version !== null) {
      const v = BigInt(f.version);
      if (previous !== null && v <= previous) {
        throw new AdoptError(`${f.sources[0]}: its version ${f.version} does not come after the file before it in ${tool.name}'s order; the order cannot be kept`);
      }
      out.set(f, f.version);
      previous = v;
      i++;
      continue;
    }
    // A run of files to rename, up to the next file that keeps its version (or the end).
    let j = i;
    while (j < files.length && files[j].version === null) j++;
    const count = j - i;
    const next = j < files.length ? BigInt(files[j].version!) : null;
    const nowSec = Math.floor(now.getTime() / 1000);
    let start: number;
    if (previous !== null) start = secondsOf(previous) + 1;
    else start = (next !== null ? Math.min(secondsOf(next), nowSec) : nowSec) - count;
    for (let k = 0; k < count; k++) {
      const v = stamp(start + k);
      if (next !== null && BigInt(v) >= next) {
        throw new AdoptError(`${files[i + k].sources[0]}: no room for a timestamp between the files around it; rename by hand`);
      }
      out.set(files[i + k], v);
      previous = BigInt(v);
    }
    i = j;
  }
  return out;
}

/** Seconds since the epoch of a 14-digit version (a non-clock one rolls over, 60 s → next minute). */
function secondsOf(version: bigint): number {
  const s = version.toString().padStart(14, '0');
  return Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8), +s.slice(8, 10), +s.slice(10, 12), +s.slice(12, 14)) / 1000;
}

function stamp(seconds: number): string {
  const d = new Date(seconds * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** A target must not overwrite a file that stays, nor two changes write one name. */
function checkTargets(dir: string, names: string[], changes: FileChange[]): void {
  const leaving = new Set(changes.flatMap((c) => c.sources));
  const existing = new Set(names);
  const seen = new Set<string>();
  for (const c of changes) {
    if (seen.has(c.target)) throw new AdoptError(`${join(dir, c.target)}: two migrations would get this name`);
    seen.add(c.target);
    if (existing.has(c.target) && !leaving.has(c.target)) throw new AdoptError(`${join(dir, c.target)} already exists; adopt would overwrite it`);
  }
}

export interface ForeignHistory {
  tool: ToolName;
  /** The table, as the tool names it. */
  table: string;
  schema: string;
}

/**
 * Which of the tools' history tables exist in the schema, with their shape checked (what the editor
 * asks before offering "Adopt history from X"). Read-only.
 */
export async function detectForeignHistories(db: Database, schema: string): Promise<ForeignHistory[]> {
  const tables = [...new Set(Object.values(ADOPT_TOOLS).map((t) => t.defaultTable))];
  const rows = await db.query<{ table: string; name: string; type: string }>(
    `SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
     FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace
     WHERE s.nspname = $1 AND c.relname = ANY($2::text[]) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum`,
    [schema, tables],
  );
  const out: ForeignHistory[] = [];
  for (const table of tables) {
    const cols = rows.filter((r) => r.table === table);
    if (!cols.length) continue;
    const shape = foreignTool(cols);
    for (const t of Object.values(ADOPT_TOOLS)) {
      if (t.defaultTable === table && shape && t.shapeNames.includes(shape)) out.push({ tool: t.name, table, schema });
    }
  }
  return out;
}
