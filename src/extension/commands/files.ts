// Create Migration, Open Migration File, Show Error.
import * as vscode from 'vscode';
import { createMigrationFile, snakeName, timestamp } from '../../engine/create';
import { AppliedTextProvider, showAppliedCopy } from '../applied-text';
import type { Folders } from '../folders';
import { errorText } from '../controller';
import { COMMAND_TITLES } from '../model/editor-text';
import { firstLine } from '../model/format';
import { editorHint } from '../model/tree-model';
import { chooseEntry, type Target } from './targets';

type Command = (...args: never[]) => Promise<unknown>;

/** Asks for a name, writes `<dir>/<timestamp>_<name>.sql` from the engine's template, opens it. */
export function create(folders: Folders): Command {
  return async (nameArg?: string, folderArg?: unknown) => {
    const ctrl = await folders.choose('Create a migration', folderArg);
    if (!ctrl) return undefined;
    const dir = await ctrl.migrationsDir();
    if (!dir) {
      void vscode.window.showWarningMessage('Migrate Lens: open a folder first.');
      return undefined;
    }
    const name =
      typeof nameArg === 'string'
        ? nameArg
        : await vscode.window.showInputBox({
            title: 'Create Migration',
            prompt: `Migration name. The file is named after the current time in UTC, in ${dir}.`,
            placeHolder: 'create_users',
            validateInput: (value) => {
              if (!value.trim()) return undefined;
              try {
                // Shown while typing: the file this name makes (the version is the time in UTC).
                return { message: `Creates ${timestamp(new Date())}_${snakeName(value)}.sql (time in UTC)`, severity: vscode.InputBoxValidationSeverity.Info };
              } catch (err) {
                return errorText(err);
              }
            },
          });
    if (!name) return undefined;
    try {
      const path = createMigrationFile(dir, name);
      ctrl.log.info(`created ${path}`);
      await ctrl.reloadFiles();
      const editor = await vscode.window.showTextDocument(vscode.Uri.file(path));
      // Put the cursor on the empty line under the Up header, where the SQL goes.
      const line = Math.min(3, editor.document.lineCount - 1);
      editor.selection = new vscode.Selection(line, 0, line, 0);
      return path;
    } catch (err) {
      void vscode.window.showErrorMessage(`Migrate Lens: cannot create the migration: ${errorText(err)}`);
      return undefined;
    }
  };
}

async function open(path: string, line: number | null): Promise<vscode.TextEditor> {
  const at = Math.max(0, (line ?? 1) - 1);
  return vscode.window.showTextDocument(vscode.Uri.file(path), { selection: new vscode.Range(at, 0, at, 0), preview: true });
}

export function openFile(folders: Folders): Command {
  return async (target?: Target & { path?: string | null; line?: number | null }) => {
    if (target && typeof target === 'object' && 'path' in target && target.path) return open(target.path, target.line ?? null);
    const entry = (await chooseEntry(folders, target, ['pending', 'applied', 'failed', 'rollback', 'drifted', 'partial'], 'Migration to open'))?.entry;
    if (entry?.migration?.path) return open(entry.migration.path, null);
    return undefined;
  };
}

/**
 * Opens a failed (or partial) migration at the failing statement and shows the database's error;
 * a partial one stopped without an error opens at the statement that did not complete.
 */
export function showError(folders: Folders): Command {
  return async (target?: Target) => {
    const resolved = await chooseEntry(folders, target, ['failed', 'partial'], 'Failed or partial migration');
    const entry = resolved?.entry;
    const ctrl = resolved?.ctrl ?? folders;
    const row = entry?.row;
    if (entry?.status === 'partial' && !row?.error) {
      const p = row?.progress;
      const section = p?.direction === 'down' ? entry.migration?.parsed?.down : entry.migration?.parsed?.up;
      const line = p ? section?.statements[Math.min(p.done, p.total - 1)]?.line ?? null : null;
      if (entry.migration?.path) await open(entry.migration.path, line);
      const hint = editorHint(entry) ?? 'partial';
      void vscode.window.showWarningMessage(`Migrate Lens: ${entry.version} ${entry.name} is partial: ${hint}`, COMMAND_TITLES.resume).then((choice) => {
        if (choice) void vscode.commands.executeCommand('migrateLens.resume', { folder: resolved!.ctrl.key, version: entry.version });
      });
      return hint;
    }
    if (!entry || !row?.error) {
      if (entry) void vscode.window.showInformationMessage(`Migrate Lens: ${entry.version} has no recorded error.`);
      return undefined;
    }
    if (entry.migration?.path) await open(entry.migration.path, row.errorLine);
    const where = row.errorLine ? ` (line ${row.errorLine})` : '';
    ctrl.log.error(`${entry.version} ${entry.name}${where}: ${row.error}`);
    const actions = entry.status === 'partial' ? [COMMAND_TITLES.resume, 'Show Output'] : ['Show Output'];
    void vscode.window
      .showErrorMessage(`Migrate Lens: ${entry.version} ${entry.name} failed${where}: ${firstLine(row.error, 300)}`, { detail: [row.error, entry.status === 'partial' ? editorHint(entry) : null].filter(Boolean).join('\n\n') }, ...actions)
      .then((choice) => {
        if (choice === 'Show Output') ctrl.log.show();
        else if (choice) void vscode.commands.executeCommand('migrateLens.resume', { folder: resolved!.ctrl.key, version: entry.version });
      });
    return row.error;
  };
}

/** Drifted: the applied text beside the file as it is now. Missing: the applied text alone. */
export function showDiff(folders: Folders): Command {
  return async (target?: Target) => {
    const resolved = await chooseEntry(folders, target, ['drifted', 'missing', 'applied'], 'Migration to compare with its applied text');
    const entry = resolved?.entry;
    if (!resolved || !entry?.row) return undefined;
    const applied = AppliedTextProvider.uriFor(resolved.ctrl, entry.version, entry.name, entry.row);
    if (!entry.migration?.path) return showAppliedCopy(resolved.ctrl, entry.version, entry.name);
    const title = `${entry.version} ${entry.name}: applied ↔ file now`;
    return vscode.commands.executeCommand('vscode.diff', applied, vscode.Uri.file(entry.migration.path), title);
  };
}
