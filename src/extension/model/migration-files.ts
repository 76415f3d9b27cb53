// The migrations folder as the extension sees it: every file parsed once, every problem kept
// (the engine's loader stops at the first one; the Problems panel wants them all).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { checksum, normaliseText } from '../../engine/checksum';
import { ParseError } from '../../engine/errors';
import { parseMigration } from '../../engine/parser';
import { checkFileName, compareVersions, readMigrationFile } from '../../engine/source';
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

/** Parses one file's text (from an editor buffer, or a file whose name is not a migration's). */
export function analyseFile(path: string, rawText: string): MigrationFile {
  const fileName = basename(path);
  const text = normaliseText(rawText);
  const named = checkFileName(fileName);
  const version = 'version' in named ? named.version : null;
  const name = 'name' in named ? named.name : null;
  const file: MigrationFile = { path, fileName, version, name, text, parsed: null, migration: null, problems: [] };
  if ('reason' in named) file.problems.push({ path, line: 0, message: named.reason, code: 'bad-file-name' });
  try {
    file.parsed = parseMigration(text, path);
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    file.problems.push({ path, line: err.line, message: err.reason, code: 'parse-error' });
  }
  if (version && name && file.parsed) {
    file.migration = { version, name, kind: 'file', path, checksum: checksum(text), text, parsed: file.parsed };
    if ('warning' in named && named.warning) file.migration.warning = named.warning;
  }
  return file;
}

/**
 * A file on disk. Well-named files go through the engine's own reader (UTF-8 and NUL checks, the
 * checksum, the parser), so the extension accepts exactly what `up` accepts. Null for a folder.
 */
export function readDiskFile(path: string): MigrationFile | null {
  if (statSync(path).isDirectory()) return null;
  const fileName = basename(path);
  const named = checkFileName(fileName);
  if ('reason' in named) return analyseFile(path, readFileSync(path, 'utf8'));
  const { version, name } = named;
  try {
    const m = readMigrationFile(path, version, name);
    if (!m) return null;
    if (named.warning) m.warning = named.warning;
    return { path, fileName, version, name, text: m.text ?? '', parsed: m.parsed ?? null, migration: m, problems: [] };
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    const text = normaliseText(readFileSync(path, 'utf8'));
    return { path, fileName, version, name, text, parsed: null, migration: null, problems: [{ path, line: err.line, message: err.reason, code: 'parse-error' }] };
  }
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
      const file = readDiskFile(path);
      if (file) analysed.push(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      analysed.push({ path, fileName: entry, version: null, name: null, text: '', parsed: null, migration: null,
        problems: [{ path, line: 0, message: `cannot read the file (${code})`, code: 'unreadable' }] });
    }
  }
  return folderModel(dir, true, analysed);
}

/** The same folder with one file's text replaced (an edit in an unsaved editor). */
export function withFileText(folder: FolderModel, path: string, text: string): FolderModel {
  const others = folder.files.filter((f) => f.path !== path);
  return folderModel(folder.dir, folder.exists, [...others, analyseFile(path, text)]);
}
