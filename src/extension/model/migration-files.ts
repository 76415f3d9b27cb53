// The migrations folder as the extension sees it: every file parsed once, every problem kept
// (the engine's loader stops at the first one; the Problems panel wants them all).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { checksum, normaliseText } from '../../engine/checksum';
import { ParseError } from '../../engine/errors';
import { parseMigration } from '../../engine/parser';
import { compareVersions, FILE_NAME_PATTERN, loadMigrations } from '../../engine/source';
import type { Migration, ParsedMigration } from '../../engine/types';

export type ProblemCode = 'parse-error' | 'bad-file-name' | 'duplicate-version' | 'unreadable';

/** Something wrong with one file. `line` is 1-based; 0 when the problem is the file as a whole. */
export interface FileProblem {
  path: string;
  line: number;
  message: string;
  code: ProblemCode;
}

/** One `.sql` file of the folder, parsed or not. */
export interface MigrationFile {
  path: string;
  fileName: string;
  version: string | null;
  name: string | null;
  text: string;
  parsed: ParsedMigration | null;
  migration: Migration | null;
  problems: FileProblem[];
}

export interface FolderModel {
  dir: string;
  exists: boolean;
  /** Every `.sql` file, sorted by file name. */
  files: MigrationFile[];
  /** The files that can run: parsed, well named, version used once; sorted by version. */
  migrations: Migration[];
  problems: FileProblem[];
}

export const BAD_FILE_NAME = 'bad file name: expected YYYYMMDDHHMMSS_name.sql (14 digits, an underscore, letters, digits or _)';

/** Parses one file's text (from disk or from an editor buffer). */
export function analyseFile(path: string, rawText: string): MigrationFile {
  const fileName = basename(path);
  const text = normaliseText(rawText);
  const match = FILE_NAME_PATTERN.exec(fileName);
  const file: MigrationFile = { path, fileName, version: match?.[1] ?? null, name: match?.[2] ?? null, text, parsed: null, migration: null, problems: [] };
  if (!match) file.problems.push({ path, line: 0, message: BAD_FILE_NAME, code: 'bad-file-name' });
  try {
    file.parsed = parseMigration(text, path);
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    file.problems.push({ path, line: err.line, message: err.reason, code: 'parse-error' });
  }
  if (match && file.parsed) {
    file.migration = { version: match[1], name: match[2], kind: 'file', path, checksum: checksum(text), text, parsed: file.parsed };
  }
  return file;
}

/** Builds the folder model from already analysed files: adds duplicate-version problems, sorts. */
export function folderModel(dir: string, exists: boolean, analysed: MigrationFile[]): FolderModel {
  const files = analysed
    .map((f) => ({ ...f, problems: f.problems.filter((p) => p.code !== 'duplicate-version') }))
    .sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
  const byVersion = new Map<string, MigrationFile[]>();
  for (const f of files) {
    if (!f.version) continue;
    const same = byVersion.get(f.version);
    if (same) same.push(f);
    else byVersion.set(f.version, [f]);
  }
  const duplicates = new Set<MigrationFile>();
  for (const [version, same] of byVersion) {
    if (same.length < 2) continue;
    for (const f of same) {
      const others = same.filter((o) => o !== f).map((o) => o.fileName).join(', ');
      f.problems.push({ path: f.path, line: 0, message: `duplicate version ${version}: also used by ${others}`, code: 'duplicate-version' });
      duplicates.add(f);
    }
  }
  const migrations = files
    .filter((f) => f.migration && !duplicates.has(f))
    .map((f) => f.migration!)
    .sort((a, b) => compareVersions(a.version, b.version));
  return { dir, exists, files, migrations, problems: files.flatMap((f) => f.problems) };
}

/** Reads `dir` from disk. `overlay` holds editor buffers that are newer than the files. */
export function readFolder(dir: string, overlay: ReadonlyMap<string, string> = new Map()): FolderModel {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return folderModel(dir, false, []);
  }
  const analysed: MigrationFile[] = [];
  for (const entry of entries) {
    if (!entry.toLowerCase().endsWith('.sql')) continue;
    const path = join(dir, entry);
    const buffered = overlay.get(path);
    if (buffered !== undefined) {
      analysed.push(analyseFile(path, buffered));
      continue;
    }
    try {
      if (statSync(path).isDirectory()) continue;
      analysed.push(analyseFile(path, readFileSync(path, 'utf8')));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      analysed.push({ path, fileName: entry, version: null, name: null, text: '', parsed: null, migration: null,
        problems: [{ path, line: 0, message: `cannot read the file (${code})`, code: 'unreadable' }] });
    }
  }
  return withEngineVerdict(folderModel(dir, true, analysed), overlay);
}

/**
 * The engine's loader has checks of its own (a real date in the version, UTF-8, …) and stops at
 * the first problem. When it refuses a folder we called clean, its reason becomes a problem too,
 * so the extension never shows as runnable what `up` would refuse.
 */
function withEngineVerdict(folder: FolderModel, overlay: ReadonlyMap<string, string>): FolderModel {
  try {
    loadMigrations(folder.dir);
    return folder;
  } catch (err) {
    if (!(err instanceof ParseError) || overlay.has(err.file)) return folder;
    const file = folder.files.find((f) => f.path === err.file);
    if (!file || file.problems.length > 0) return folder;
    const code: ProblemCode = /^bad (file name|version)/.test(err.reason) ? 'bad-file-name' : 'parse-error';
    const flagged = { ...file, migration: null, problems: [...file.problems, { path: file.path, line: err.line, message: err.reason, code }] };
    return folderModel(folder.dir, folder.exists, folder.files.map((f) => (f === file ? flagged : f)));
  }
}

/** The same folder with one file's text replaced (an edit in an unsaved editor). */
export function withFileText(folder: FolderModel, path: string, text: string): FolderModel {
  const others = folder.files.filter((f) => f.path !== path);
  return folderModel(folder.dir, folder.exists, [...others, analyseFile(path, text)]);
}
