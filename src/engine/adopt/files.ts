// The folder changes adopt makes: renames (with `git mv` inside a git work tree, so the change is a
// reviewable rename), converted texts, removed originals; each undoable until the history commits.
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

function tracked(dir: string, name: string): boolean {
  try {
    execFileSync('git', ['ls-files', '--error-unmatch', '--', name], { cwd: dir, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function git(dir: string, args: string[]): void {
  execFileSync('git', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * Applies the changes; returns a function that puts everything back (best effort, in reverse). A
 * tracked file is renamed with `git mv` and removed with `git rm`, so `git status` shows renames.
 */
export function applyChanges(dir: string, changes: readonly FileChange[], useGit: boolean): () => void {
  const undo: (() => void)[] = [];
  try {
    for (const c of changes) {
      const [first, ...rest] = c.sources;
      const firstPath = join(dir, first);
      const targetPath = join(dir, c.target);
      if (first !== c.target) {
        const viaGit = useGit && tracked(dir, first);
        if (viaGit) git(dir, ['mv', '--', first, c.target]);
        else renameSync(firstPath, targetPath);
        undo.push(() => (viaGit ? git(dir, ['mv', '--', c.target, first]) : renameSync(targetPath, firstPath)));
      }
      if (c.text !== null) {
        const before = readFileSync(targetPath);
        writeFileSync(targetPath, c.text);
        if (useGit && tracked(dir, c.target)) git(dir, ['add', '--', c.target]);
        undo.push(() => writeFileSync(targetPath, before));
      }
      for (const other of rest) {
        const path = join(dir, other);
        const before = readFileSync(path);
        const viaGit = useGit && tracked(dir, other);
        if (viaGit) git(dir, ['rm', '-q', '--', other]);
        else unlinkSync(path);
        undo.push(() => {
          if (viaGit) git(dir, ['checkout', 'HEAD', '--', other]);
          if (!existsSync(path)) writeFileSync(path, before);
        });
      }
    }
  } catch (err) {
    putBack(undo);
    throw err;
  }
  return () => putBack(undo);
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
