// What an item command acts on: a tree node, a version, a file, or (from the palette) a pick.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { FILE_NAME_PATTERN } from '../../engine/source';
import type { DisplayStatus, StatusEntry } from '../../engine/types';
import type { Controller } from '../controller';

export type Target = { version?: string | null } | string | vscode.Uri | undefined;

/** The version a command argument names, if it names one. */
export function versionOf(arg: Target): string | undefined {
  if (arg === undefined || arg === null) return undefined;
  if (typeof arg === 'string') return /^\d+$/.test(arg) ? arg : FILE_NAME_PATTERN.exec(basename(arg))?.[1];
  if (arg instanceof vscode.Uri) return FILE_NAME_PATTERN.exec(basename(arg.fsPath))?.[1];
  return arg.version ?? undefined;
}

function activeEditorVersion(): string | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  return doc ? versionOf(doc.uri) : undefined;
}

/**
 * The entry to act on: from the argument, else the active editor's migration when it qualifies,
 * else a quick pick of the migrations in one of `statuses`.
 */
export async function chooseEntry(ctrl: Controller, arg: Target, statuses: readonly DisplayStatus[], placeHolder: string): Promise<StatusEntry | undefined> {
  if (!ctrl.model.entries) await ctrl.refresh();
  const entries = ctrl.model.entries;
  if (!entries) {
    void vscode.window.showWarningMessage(`Migrate Lens: no migration status: ${ctrl.model.connection.error ?? 'not connected'}`);
    return undefined;
  }
  const explicit = versionOf(arg);
  if (explicit) {
    const entry = ctrl.model.entryFor(explicit);
    if (!entry) void vscode.window.showWarningMessage(`Migrate Lens: no migration with version ${explicit}.`);
    return entry;
  }
  const eligible = entries.filter((e) => statuses.includes(e.status));
  const fromEditor = eligible.find((e) => e.version === activeEditorVersion());
  if (fromEditor) return fromEditor;
  if (eligible.length === 0) {
    void vscode.window.showInformationMessage(`Migrate Lens: no migration is ${statuses.join(' or ')}.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    eligible.map((e) => ({ label: `${e.version} ${e.name}`, description: e.status, entry: e })),
    { placeHolder },
  );
  return picked?.entry;
}

/** `20240101120000 create_users`. */
export function entryLabel(e: { version: string; name: string }): string {
  return `${e.version} ${e.name}`;
}
