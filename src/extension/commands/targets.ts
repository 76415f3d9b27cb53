// What an item command acts on: a tree node, a file, or (from the palette) the active editor or a
// pick. A file is resolved by its path in the folder that holds it, never by the version in its
// name: two workspace folders may both have a `20240101000001_…` file, on two databases.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { DisplayStatus, StatusEntry } from '../../engine/types';
import type { Controller } from '../controller';
import type { Folders } from '../folders';

/** A tree node ({ folder, version }), a file path or Uri, or (older callers) a bare version. */
export type Target = { version?: string | null; folder?: string | null; path?: string | null } | string | vscode.Uri | undefined;

export interface Resolved {
  ctrl: Controller;
  entry: StatusEntry;
}

/** The file path an argument names, if it names a file. */
export function pathOf(arg: Target): string | undefined {
  if (arg === undefined || arg === null) return undefined;
  if (arg instanceof vscode.Uri) return arg.scheme === 'file' ? arg.fsPath : undefined;
  if (typeof arg === 'string') return /^\d+$/.test(arg) ? undefined : arg;
  return undefined;
}

async function entriesOf(ctrl: Controller): Promise<StatusEntry[] | null> {
  if (!ctrl.model.entries) await ctrl.refresh();
  const entries = ctrl.model.entries;
  if (!entries) {
    void vscode.window.showWarningMessage(`Migrate Lens: no migration status for ${ctrl.name}: ${ctrl.model.connection.error ?? 'not connected'}`);
  }
  return entries;
}

function refuse(message: string): undefined {
  void vscode.window.showErrorMessage(`Migrate Lens: ${message}`);
  return undefined;
}

/**
 * The migration of a file, found by its path. Refuses (and says why) when no folder of the
 * workspace knows the file as a runnable migration, or when `version` no longer matches it.
 */
export async function entryForPath(folders: Folders, path: string, version?: string): Promise<Resolved | undefined> {
  const file = basename(path);
  const ctrl = folders.forPath(path);
  if (!ctrl) return refuse(`${file} is not in the migrations folder of any workspace folder; nothing was run.`);
  if (!ctrl.model.fileAt(path)) await ctrl.reloadFiles();
  const known = ctrl.model.fileAt(path);
  if (!known) return refuse(`${file} is not a migration the Migrations view of ${ctrl.name} knows; nothing was run.`);
  if (!ctrl.model.isRunnable(path)) {
    const problem = known.problems[0]?.message;
    return refuse(`${file} cannot run${problem ? `: ${problem}` : ''}; nothing was run.`);
  }
  const entries = await entriesOf(ctrl);
  if (!entries) return undefined;
  const entry = entries.find((e) => e.migration?.path === path);
  if (!entry) return refuse(`${file} is not in the migration status of ${ctrl.name}; nothing was run.`);
  if (version && entry.version !== version) return refuse(`${file} is now version ${entry.version}, not ${version}; nothing was run.`);
  return { ctrl, entry };
}

/**
 * The entry to act on: from the argument, else the active editor's migration when it qualifies,
 * else a quick pick of the migrations in one of `statuses` (from every folder).
 * `fromEditor`: the command is about "this file" (Run Up/Run Down); an active .sql editor whose
 * file is not a known migration is refused instead of offering a pick.
 */
export async function chooseEntry(
  folders: Folders,
  arg: Target,
  statuses: readonly DisplayStatus[],
  placeHolder: string,
  opts: { version?: string; fromEditor?: boolean } = {},
): Promise<Resolved | undefined> {
  const path = pathOf(arg);
  if (path) return entryForPath(folders, path, opts.version);
  if (arg && typeof arg === 'object' && !(arg instanceof vscode.Uri)) {
    if (arg.folder) {
      const ctrl = folders.byKey(arg.folder);
      if (!ctrl) return refuse(`the workspace folder of this item is no longer open.`);
      const entries = await entriesOf(ctrl);
      if (!entries) return undefined;
      const entry = arg.version ? ctrl.model.entryFor(arg.version) : undefined;
      if (!entry) return refuse(`no migration ${arg.version ?? ''} in ${ctrl.name}.`);
      return { ctrl, entry };
    }
    if (arg.path) return entryForPath(folders, arg.path, arg.version ?? undefined);
  }
  const bare = typeof arg === 'string' ? arg : arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) ? arg.version ?? undefined : undefined;
  if (bare) return byVersion(folders, bare);

  const doc = vscode.window.activeTextEditor?.document;
  if (doc?.uri.scheme === 'file') {
    const ctrl = folders.forPath(doc.uri.fsPath);
    if (opts.fromEditor && doc.languageId === 'sql') return entryForPath(folders, doc.uri.fsPath);
    if (ctrl?.model.isRunnable(doc.uri.fsPath)) {
      const resolved = await entryForPath(folders, doc.uri.fsPath);
      if (resolved && statuses.includes(resolved.entry.status)) return resolved;
    }
  }
  const candidates = folders.withMigrations;
  await Promise.all(candidates.map((c) => (c.model.entries ? undefined : c.refresh())));
  const eligible = candidates.flatMap((ctrl) => (ctrl.model.entries ?? []).filter((e) => statuses.includes(e.status)).map((entry) => ({ ctrl, entry })));
  if (eligible.length === 0) {
    const unread = candidates.find((c) => !c.model.entries);
    if (unread) void vscode.window.showWarningMessage(`Migrate Lens: no migration status for ${unread.name}: ${unread.model.connection.error ?? 'not connected'}`);
    else void vscode.window.showInformationMessage(`Migrate Lens: no migration is ${statuses.join(' or ')}.`);
    return undefined;
  }
  const multi = folders.multiRoot;
  const picked = await vscode.window.showQuickPick(
    eligible.map((r) => ({ label: entryLabel(r.entry), description: multi ? `${r.ctrl.name} · ${r.entry.status}` : r.entry.status, r })),
    { placeHolder },
  );
  return picked?.r;
}

/** A bare version (an older caller): only when exactly one folder has it. */
async function byVersion(folders: Folders, version: string): Promise<Resolved | undefined> {
  const found: Resolved[] = [];
  for (const ctrl of folders.withMigrations) {
    if (!(await entriesOf(ctrl))) continue;
    const entry = ctrl.model.entryFor(version);
    if (entry) found.push({ ctrl, entry });
  }
  if (found.length === 1) return found[0];
  if (found.length === 0) return refuse(`no migration with version ${version}.`);
  return refuse(`version ${version} exists in ${found.map((r) => r.ctrl.name).join(' and ')}; run it from its file or the Migrations view. Nothing was run.`);
}

/** `20240101120000 create_users`. */
export function entryLabel(e: { version: string; name: string }): string {
  return `${e.version} ${e.name}`;
}
