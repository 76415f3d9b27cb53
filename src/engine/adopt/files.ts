// The folder changes adopt makes: renames, converted texts, removed originals. Inside a git work tree
// the index records them as `git mv` / `git rm` would (staged renames and removals, for review), in
// one git call for the whole folder; every change can be undone until the history commits.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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
 * Applies the changes; returns a function that puts everything back (best effort, in reverse).
 * Throws after putting back what it did when a change fails.
 */
export function applyChanges(dir: string, changes: readonly FileChange[], useGit: boolean): () => void {
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
    throw err;
  }
  return () => {
    putBack(undo);
    restageOnUndo();
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
