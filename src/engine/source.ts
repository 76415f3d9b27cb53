import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { checksum, normaliseText } from './checksum';
import { ParseError } from './errors';
import { parseMigration } from './parser';
import type { Migration, ParsedMigration } from './types';

const SQL_EXTENSION = /\.sql$/i;
/** The journal of an unfinished adopt (src/engine/adopt/files.ts). */
export const ADOPT_JOURNAL = '.migrate-lens-adopt.json';

/**
 * `YYYYMMDDHHMMSS_name.sql`, or `YYYYMMDDHHMMSS-name.sql` as `sql-migrate new` writes it: a 14-digit
 * UTC timestamp, `_` or `-`, a name of letters, digits, `_` and `-`.
 */
export const FILE_NAME_PATTERN = /^(\d{14})[_-]([A-Za-z0-9_-]+)\.sql$/;
/** goose's numbered names (`00001_name.sql`): any number of digits; read as goose does, by number. */
export const GOOSE_FILE_NAME_PATTERN = /^(\d+)_([A-Za-z0-9_-]+)\.sql$/;
/** A line `-- +goose Up` (any case): the file is written for goose. */
const GOOSE_UP_LINE = /^[ \t]*--[ \t]*\+goose[ \t]+up[ \t]*$/im;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface LoadOptions {
  /**
   * Parse each file only when its `parsed` is first read. The runner uses this: a file whose checksum
   * matches its applied row was valid when it was applied, so only the others need parsing.
   */
  lazyParse?: boolean;
  /** loadMigrationsAsync: how long to read before letting the event loop in (ms, default 1). */
  sliceMs?: number;
  /** Told about entries named like migrations that are skipped because they are not regular files (a FIFO, a device). */
  onWarning?: (message: string) => void;
}

/** Reads and validates every migration file of a folder, sorted by version. */
export function loadMigrations(dir: string, opts: LoadOptions = {}): Migration[] {
  const reading = folderReader(dir, opts);
  while (reading.next()) {
    // read on
  }
  return reading.result();
}

/**
 * The same, in slices of about a millisecond with the event loop let in between: a run reads its
 * folder while its connection is set up and its first queries travel, instead of before them.
 */
export async function loadMigrationsAsync(dir: string, opts: LoadOptions = {}): Promise<Migration[]> {
  const reading = folderReader(dir, opts);
  for (;;) {
    const until = performance.now() + (opts.sliceMs ?? 1);
    for (let n = 1; ; n++) {
      if (!reading.next()) return reading.result();
      if (n % 16 === 0 && performance.now() >= until) break;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Reads a folder one file per `next()` (false when done); `result()` is the migrations, sorted. */
function folderReader(dir: string, opts: LoadOptions): { next(): boolean; result(): Migration[] } {
  let dirents: Dirent[];
  try {
    // With their types (from the directory itself, no stat per file): a FIFO or a device named like
    // a migration would block the read that opens it, so only regular files (and links to them) are read.
    dirents = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw new ParseError(dir, 0, `cannot read the migrations folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const migrations: Migration[] = [];
  const base = join(dir, '/'); // the folder once; an entry's name is a plain name, so base + name is join(dir, name)
  // Hidden names (macOS's ._x.sql, Emacs's .#x.sql, editors' swap files) are never migrations.
  const entries: string[] = [];
  for (const d of dirents) {
    // An adopt that stopped between renaming files and committing its history (src/engine/adopt/files.ts):
    // the names are new but nothing records them as applied, so running them now would run them twice.
    if (d.name === ADOPT_JOURNAL) {
      throw new ParseError(base + d.name, 0, 'an adopt was interrupted here; run the same adopt command again, which puts the folder back (or finishes) first');
    }
    if (d.name.startsWith('.') || !SQL_EXTENSION.test(d.name)) continue;
    if (d.isFile() || d.isDirectory()) entries.push(d.name); // a folder is told apart when read (EISDIR)
    else if (d.isSymbolicLink() ? regularOrFolder(base + d.name) : false) entries.push(d.name);
    else opts.onWarning?.(`${base + d.name}: skipped, not a regular file`);
  }
  // Sorted by name, files that share a version are neighbours: a duplicate is always the one before.
  entries.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let i = 0;
  let gooseNumbered = false;
  return {
    next() {
      if (i >= entries.length) return false;
      const entry = entries[i++];
      const path = base + entry;
      let checked = checkFileName(entry);
      if ('reason' in checked) {
        const goose = gooseFileName(entry);
        if (!goose || !isGooseFile(path)) throw new ParseError(path, 0, checked.reason);
        checked = goose;
        gooseNumbered = true;
      }
      const { version, name } = checked;
      const previous = migrations[migrations.length - 1];
      if (!gooseNumbered && previous?.version === version) throw new ParseError(path, 0, `duplicate version ${version}: also used by ${previous.path}`);
      const migration = readMigrationFile(path, version, name, opts.lazyParse);
      if (migration) {
        if ('warning' in checked && checked.warning) migration.warning = checked.warning;
        migrations.push(migration);
      }
      return true;
    },
    result: () => {
      if (!gooseNumbered) return migrations;
      // goose numbers sort by value, not by name (9_a.sql before 10_b.sql): sort, then find duplicates.
      migrations.sort((a, b) => compareVersions(a.version, b.version));
      for (let k = 1; k < migrations.length; k++) {
        if (migrations[k].version === migrations[k - 1].version) {
          throw new ParseError(migrations[k].path!, 0, `duplicate version ${migrations[k].version}: also used by ${migrations[k - 1].path}`);
        }
      }
      return migrations;
    },
  };
}

/**
 * The version and name a `.sql` file name stands for, or why it is not a migration file name. A
 * 14-digit version that is not a clock time (`20240101000060`, a day's migrations numbered by hand)
 * is accepted with a warning: it still orders by its digits.
 */
export function checkFileName(fileName: string): { version: string; name: string; warning?: string } | { reason: string } {
  const match = FILE_NAME_PATTERN.exec(fileName);
  if (!match) {
    const numbered = /^(\d+)[-_.]/.exec(fileName);
    if (numbered && numbered[1].length !== 14) {
      return {
        reason:
          `bad file name: version ${numbered[1]} is not a 14-digit timestamp (YYYYMMDDHHMMSS_name.sql); ` +
          'files named for sql-migrate or golang-migrate are renamed, keeping their order, by "migrate-lens adopt -from TOOL --rename"',
      };
    }
    return { reason: 'bad file name: expected YYYYMMDDHHMMSS_name.sql (14 digits, an underscore or dash, letters, digits, _ or -)' };
  }
  const [, version, name] = match;
  const badStamp = timestampProblem(version);
  return badStamp ? { version, name, warning: `version ${version} is not a valid timestamp (${badStamp}); it is accepted and ordered by its digits` } : { version, name };
}

/** goose's `00001_name.sql`: the version as goose reads it (the number, without leading zeros). */
export function gooseFileName(fileName: string): { version: string; name: string } | null {
  const m = GOOSE_FILE_NAME_PATTERN.exec(fileName);
  if (!m) return null;
  return { version: m[1].replace(/^0+(?=\d)/, ''), name: m[2] };
}

/** Whether the file holds a `-- +goose Up` line (read only for names that need it). */
export function isGooseFile(path: string): boolean {
  try {
    return GOOSE_UP_LINE.test(readText(path));
  } catch {
    return false;
  }
}

/** Parses one file; returns null for an entry that is a folder named like a migration. */
export function readMigrationFile(path: string, version: string, name: string, lazyParse = false): Migration | null {
  let raw: string;
  try {
    raw = readText(path);
  } catch (err) {
    if (isFolder(err, path)) return null;
    throw new ParseError(path, 0, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const text = normaliseText(checkedText(raw, path));
  const migration = new FileMigration(version, name, path, checksum(text), text);
  if (!lazyParse) void migration.parsed; // parse now: a broken file is an error here
  return migration;
}

/**
 * A migration read from a file. Its text is parsed the first time `parsed` is read, once; a class
 * (rather than a getter defined on each object) keeps ten thousand of them cheap.
 */
class FileMigration implements Migration {
  readonly kind = 'file' as const;
  private parsedCache: ParsedMigration | undefined;

  constructor(
    readonly version: string,
    readonly name: string,
    readonly path: string,
    readonly checksum: string,
    readonly text: string,
  ) {}

  get parsed(): ParsedMigration {
    return (this.parsedCache ??= parseMigration(this.text, this.path));
  }
}

/** A link is followed: to a regular file or a folder it is read like one; a dangling link is read (and its error reported). */
function regularOrFolder(path: string): boolean {
  try {
    const st = statSync(path);
    return st.isFile() || st.isDirectory();
  } catch {
    return true;
  }
}

/** Reading a folder fails with EISDIR where the system says so (Linux, macOS); elsewhere ask. */
function isFolder(err: unknown, path: string): boolean {
  if ((err as NodeJS.ErrnoException).code === 'EISDIR') return true;
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

const scratch = Buffer.allocUnsafe(1 << 16);

/**
 * A file's text. Migrations are mostly small: one read into a reused buffer serves them without
 * the size query and the fresh buffer readFileSync costs per file; a larger one is read whole.
 */
function readText(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const n = readSync(fd, scratch, 0, scratch.length, 0);
    return n < scratch.length ? scratch.toString('utf8', 0, n) : readFileSync(path, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * A file's text as Node's UTF-8 decoding read it (the fast path: bad bytes become U+FFFD), checked
 * as the runner needs it: only a text holding U+FFFD or a NUL is read again as bytes, to tell a real
 * character from an error. A NUL byte or bytes that are not UTF-8 are a ParseError with their line.
 */
export function checkedText(raw: string, path: string): string {
  return raw.includes('\uFFFD') || raw.includes('\0') ? decode(readFileSync(path), path) : raw;
}

function decode(bytes: Buffer, path: string): string {
  const nul = bytes.indexOf(0);
  if (nul !== -1) throw new ParseError(path, lineOfByte(bytes, nul), 'binary file: NUL byte; a migration is UTF-8 text');
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ParseError(path, lineOfByte(bytes, firstInvalidUtf8(bytes)), 'not valid UTF-8 text; save the file as UTF-8');
  }
}

function lineOfByte(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = bytes.indexOf(10); i !== -1 && i < offset; i = bytes.indexOf(10, i + 1)) line++;
  return line;
}

/** Offset of the first byte that breaks UTF-8 (the decoder only says that one does). */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (len === 0 || i + len > bytes.length) return i;
    try {
      utf8.decode(bytes.subarray(i, i + len));
    } catch {
      return i;
    }
    i += len;
  }
  return 0;
}

function timestampProblem(v: string): string | null {
  // Two digits at i, by character code: this runs once per file, thousands of times per run.
  const two = (i: number) => (v.charCodeAt(i) - 48) * 10 + v.charCodeAt(i + 1) - 48;
  const month = two(4), day = two(6), hour = two(8), minute = two(10), second = two(12);
  if (month < 1 || month > 12) return 'month must be 01-12 (YYYYMMDDHHMMSS)';
  if (day < 1 || day > 31) return 'day must be 01-31 (YYYYMMDDHHMMSS)';
  if (hour > 23 || minute > 59 || second > 59) return 'time must be HHMMSS within a day (YYYYMMDDHHMMSS)';
  if (day > 28) {
    const year = two(0) * 100 + two(2);
    const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (day > days) return `there is no day ${day} in that month (YYYYMMDDHHMMSS)`;
  }
  return null;
}

/** Whether a 14-digit version is a real UTC clock time (what `create` writes). */
export function isClockVersion(version: string): boolean {
  return /^\d{14}$/.test(version) && timestampProblem(version) === null;
}

/** Orders versions numerically (all are digit strings). */
export function compareVersions(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
