// The folder changes adopt makes: renames, converted texts, removed originals. Inside a git work tree
// the index records them as `git mv` / `git rm` would (staged renames and removals, for review), in
// one git call for the whole folder; every change can be undone until the history commits.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync, fsyncSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { ADOPT_JOURNAL } from '../source';

/** One change of the folder: `sources` become `target` (a rename, a conversion, or both). */
export interface FileChange {
  sources: string[];
  target: string;
  /** The new text of `target`; null when only the name changes. */
  text: string | null;
}

/** Whether `dir` is inside a git work tree (git present and willing). */
export function inGitWorkTree(dir: string): boolean {
  try {
    return execFileSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() === 'true';
  } catch {
    return false;
  }
}

/** The names of the folder's files that git tracks. */
function trackedNames(dir: string): Set<string> {
  const out = execFileSync('git', ['ls-files', '-z', '--', '.'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 256 << 20 }).toString();
  return new Set(out.split('\0').filter((n) => n && !n.includes('/')));
}

/** Stages the given paths as they now are on disk (a vanished one as removed): what git mv / git rm leave. */
function stage(dir: string, names: string[]): void {
  for (let i = 0; i < names.length; i += 500) {
    execFileSync('git', ['add', '-A', '--', ...names.slice(i, i + 500)], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  }
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
  changes: { sources: { name: string; text: string }[]; target: string }[];
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
 * An earlier adopt stopped between changing the folder and committing: puts the folder back as the
 * journal says, unless `committed(at)` says that adoption's rows are in the history (then the files
 * stay as they are). Returns what it did, or null without a journal.
 */
export function recoverInterrupted(dir: string, committed: (at: string) => boolean): 'restored' | 'kept' | null {
  const path = join(dir, JOURNAL);
  if (!existsSync(path)) return null;
  const journal = JSON.parse(readFileSync(path, 'utf8')) as Journal;
  if (committed(journal.at)) {
    finishChanges(dir);
    return 'kept';
  }
  const touched = new Set<string>();
  for (const c of [...journal.changes].reverse()) {
    const names = c.sources.map((x) => x.name);
    if (!names.includes(c.target) && existsSync(join(dir, c.target))) unlinkSync(join(dir, c.target));
    for (const src of c.sources) writeFileSync(join(dir, src.name), src.text);
    for (const n of [...names, c.target]) touched.add(n);
  }
  if (journal.git) {
    const tracked = trackedNames(dir);
    const back = [...touched].filter((n) => tracked.has(n) || existsSync(join(dir, n)));
    try {
      stage(dir, back.filter((n) => tracked.has(n) || journal.changes.some((c) => c.sources.some((x) => x.name === n))));
    } catch {
      // the files are back; the index is the user's to look at
    }
  }
  finishChanges(dir);
  return 'restored';
}

/**
 * Applies the changes; returns a function that puts everything back (best effort, in reverse).
 * Throws after putting back what it did when a change fails. `at` goes into the journal.
 */
export function applyChanges(dir: string, changes: readonly FileChange[], useGit: boolean, at = ''): () => void {
  if (changes.length) {
    const journal: Journal = {
      at,
      git: useGit,
      changes: changes.map((c) => ({ sources: c.sources.map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') })), target: c.target })),
    };
    writeDurably(join(dir, JOURNAL), JSON.stringify(journal));
  }
  const tracked = useGit ? trackedNames(dir) : new Set<string>();
  const staged = new Set<string>();
  const undo: (() => void)[] = [];
  const restageOnUndo = () => useGit && staged.size && stage(dir, [...staged]);
  try {
    for (const c of changes) {
      const [first, ...rest] = c.sources;
      const firstPath = join(dir, first);
      const targetPath = join(dir, c.target);
      const gitTracked = tracked.has(first);
      if (first !== c.target) {
        renameSync(firstPath, targetPath);
        undo.push(() => renameSync(targetPath, firstPath));
      }
      if (c.text !== null) {
        const before = readFileSync(targetPath);
        writeFileSync(targetPath, c.text);
        undo.push(() => writeFileSync(targetPath, before));
      }
      if (gitTracked) staged.add(first).add(c.target);
      for (const other of rest) {
        const path = join(dir, other);
        const before = readFileSync(path);
        unlinkSync(path);
        undo.push(() => {
          if (!existsSync(path)) writeFileSync(path, before);
        });
        if (tracked.has(other)) staged.add(other);
      }
    }
    if (useGit && staged.size) stage(dir, [...staged]);
  } catch (err) {
    putBack(undo);
    restageOnUndo();
    finishChanges(dir);
    throw err;
  }
  return () => {
    putBack(undo);
    restageOnUndo();
    finishChanges(dir);
  };
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
