// The folder changes adopt makes: renames, converted texts, removed originals. Inside a git work tree
// the index records them as `git mv` would: a renamed file's index entry moves to its new name as it
// was (what the user had not staged stays unstaged), a converted file's new text is staged, the
// originals leave the index. Only the files adopt changes are touched, never the rest of the work
// tree. A few git calls for the whole folder; every change can be undone until the history commits.
import type { ExecFileSyncOptions } from 'node:child_process';
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync, fsyncSync, openSync, closeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ADOPT_JOURNAL } from '../source';

/** One change of the folder: `sources` become `target` (a rename, a conversion, or both). */
export interface FileChange {
  sources: string[];
  target: string;
  /** The new text of `target`; null when only the name changes. */
  text: string | null;
}

/** Where adopt is, for a test that kills it there (the CLI's test hook); the engine never waits itself. */
export type AdoptStep = 'journal' | 'change' | 'index' | 'recorded' | 'committed';
export type OnAdoptStep = (step: AdoptStep, index?: number) => void;

/** Whether `dir` is inside a git work tree (git present and willing). */
export function inGitWorkTree(dir: string): boolean {
  try {
    return execFileSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() === 'true';
  } catch {
    return false;
  }
}

// Names are paths, never patterns: a file called `[1]*.sql` means itself.
const GIT_ENV = { ...process.env, GIT_LITERAL_PATHSPECS: '1' };

/** node:child_process on first use: loading it (with net, dgram and streams) at every CLI start costs `lint` several ms. */
function execFileSync(file: string, args: string[], options: ExecFileSyncOptions): Buffer {
  return (require('node:child_process') as typeof import('node:child_process')).execFileSync(file, args, options) as Buffer;
}

function git(dir: string, args: string[], input?: string): string {
  return execFileSync('git', args, { cwd: dir, input, env: GIT_ENV, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 256 << 20 }).toString();
}

/** An index entry: "mode sha" of a file of the folder, by its name in the folder. */
type IndexEntries = Record<string, string>;

/** The index entries of the folder's files (stage 0), by name. */
function indexEntries(dir: string): IndexEntries {
  const out: IndexEntries = {};
  for (const line of git(dir, ['ls-files', '-s', '-z', '--', '.']).split('\0')) {
    const m = /^(\d+) ([0-9a-f]+) 0\t([^/]+)$/.exec(line);
    if (m) out[m[3]] = `${m[1]} ${m[2]}`;
  }
  return out;
}

const NO_ENTRY = '0 0000000000000000000000000000000000000000';

/** Sets index entries of the folder (NO_ENTRY removes one), in order, in one git call. */
function setIndex(dir: string, entries: [name: string, entry: string][]): void {
  if (!entries.length) return;
  const prefix = git(dir, ['rev-parse', '--show-prefix']).trim();
  git(dir, ['update-index', '-z', '--index-info'], entries.map(([name, entry]) => `${entry}\t${prefix}${name}\0`).join(''));
}

/** What the index should say once the changes are made: git mv for renames, the new text staged for conversions. */
function indexAfter(dir: string, changes: readonly FileChange[], before: IndexEntries): [string, string][] {
  const converted = changes.filter((c) => c.text !== null && c.sources.some((s) => before[s]));
  const hashes = converted.length ? git(dir, ['hash-object', '-w', '--stdin-paths'], converted.map((c) => resolve(dir, c.target) + '\n').join('')).trim().split('\n') : [];
  const sha = new Map(converted.map((c, i) => [c, hashes[i]]));
  const out: [string, string][] = [];
  for (const c of changes) {
    const tracked = c.sources.filter((s) => before[s]);
    if (!tracked.length) continue; // untracked before: left to the user, as git mv would refuse it
    for (const s of tracked) out.push([s, NO_ENTRY]);
    const mode = before[tracked[0]].split(' ')[0];
    out.push([c.target, c.text === null ? before[tracked[0]] : `${mode} ${sha.get(c)}`]);
  }
  return out;
}

/** The index as it was for the files the changes touch. */
function indexBefore(changes: readonly { sources: readonly (string | { name: string })[]; target: string }[], before: IndexEntries): [string, string][] {
  const out: [string, string][] = [];
  for (const c of changes) out.push([c.target, NO_ENTRY]);
  for (const c of changes) {
    for (const s of c.sources) {
      const name = typeof s === 'string' ? s : s.name;
      if (before[name]) out.push([name, before[name]]);
    }
  }
  return out;
}

/**
 * Written before the first change and removed once the history is committed: what the folder held, so
 * that an adopt killed in between (power cut, kill -9) is put back by the next one.
 */
export const JOURNAL = ADOPT_JOURNAL;

interface Journal {
  /** The adoption's time, as in its notes: rows with it mean the history was committed. */
  at: string;
  git: boolean;
  /** A source's text, or null for a plain rename (its text is the target's; reading 10,000 files twice costs). */
  changes: { sources: { name: string; text: string | null }[]; target: string }[];
  /** The index entries ("mode sha") of the sources before, when git is used. */
  index?: IndexEntries;
}

function writeDurably(path: string, text: string): void {
  const fd = openSync(path, 'w');
  try {
    writeFileSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Drops the journal: the adoption is complete. */
export function finishChanges(dir: string): void {
  try {
    unlinkSync(join(dir, JOURNAL));
  } catch {
    // already gone
  }
}

/**
 * An earlier adopt stopped between changing the folder and committing: puts the folder (and the git
 * index) back as the journal says, unless `committed(at)` says that adoption's rows are in the
 * history (then the files stay as they are). Returns what it did, or null without a journal.
 */
export function recoverInterrupted(dir: string, committed: (at: string) => boolean): 'restored' | 'kept' | null {
  const path = join(dir, JOURNAL);
  if (!existsSync(path)) return null;
  const journal = JSON.parse(readFileSync(path, 'utf8')) as Journal;
  if (committed(journal.at)) {
    finishChanges(dir);
    return 'kept';
  }
  for (const c of [...journal.changes].reverse()) {
    const [only] = c.sources;
    if (c.sources.length === 1 && only.text === null) {
      if (!existsSync(join(dir, only.name))) renameSync(join(dir, c.target), join(dir, only.name));
      continue;
    }
    const names = c.sources.map((x) => x.name);
    if (!names.includes(c.target) && existsSync(join(dir, c.target))) unlinkSync(join(dir, c.target));
    for (const src of c.sources) writeFileSync(join(dir, src.name), src.text ?? '');
  }
  if (journal.git && journal.index) setIndex(dir, indexBefore(journal.changes, journal.index));
  finishChanges(dir);
  return 'restored';
}

/**
 * Applies the changes; returns a function that puts everything back (best effort, in reverse).
 * Throws after putting back what it did when a change fails. `at` goes into the journal.
 */
export function applyChanges(dir: string, changes: readonly FileChange[], useGit: boolean, at = '', onStep?: OnAdoptStep): () => void {
  const before = useGit && changes.length ? indexEntries(dir) : {};
  if (changes.length) {
    const sources = new Set(changes.flatMap((c) => c.sources));
    const journal: Journal = {
      at,
      git: useGit,
      changes: changes.map((c) => ({
        sources: c.sources.map((name) => ({ name, text: c.text === null && c.sources.length === 1 ? null : readFileSync(join(dir, name), 'utf8') })),
        target: c.target,
      })),
      index: useGit ? Object.fromEntries(Object.entries(before).filter(([name]) => sources.has(name))) : undefined,
    };
    writeDurably(join(dir, JOURNAL), JSON.stringify(journal));
    onStep?.('journal');
  }
  const undo: (() => void)[] = [];
  let indexed = false;
  const putBackAll = () => {
    putBack(undo);
    if (indexed) {
      try {
        setIndex(dir, indexBefore(changes, before));
      } catch {
        // the files are back; the index is the user's to look at
      }
    }
    finishChanges(dir);
  };
  try {
    for (const [i, c] of changes.entries()) {
      const [first, ...rest] = c.sources;
      const firstPath = join(dir, first);
      const targetPath = join(dir, c.target);
      if (first !== c.target) {
        renameSync(firstPath, targetPath);
        undo.push(() => renameSync(targetPath, firstPath));
      }
      if (c.text !== null) {
        const text = readFileSync(targetPath);
        writeFileSync(targetPath, c.text);
        undo.push(() => writeFileSync(targetPath, text));
      }
      for (const other of rest) {
        const path = join(dir, other);
        const text = readFileSync(path);
        unlinkSync(path);
        undo.push(() => {
          if (!existsSync(path)) writeFileSync(path, text);
        });
      }
      onStep?.('change', i);
    }
    if (useGit) {
      indexed = true;
      setIndex(dir, indexAfter(dir, changes, before));
      onStep?.('index');
    }
  } catch (err) {
    putBackAll();
    throw err;
  }
  return putBackAll;
}
function putBack(undo: (() => void)[]): void {
  for (const u of undo.reverse()) {
    try {
      u();
    } catch {
      // keep undoing the others
    }
  }
}
