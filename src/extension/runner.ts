// Every database action goes through here: trust check, confirmation naming the database,
// cancellable progress, a log of the run, and a refresh of everything afterwards.
import * as vscode from 'vscode';
import type { Settings } from '../engine/config';
import type { Migrator } from '../engine/migrator';
import { redact } from '../engine/redact';
import type { RunEvent } from '../engine/types';
import { errorText, type Controller } from './controller';
import { eventLine } from './model/run-summary';

export interface RunRequest<T> {
  /** Progress title and log label, e.g. "Up". */
  title: string;
  /** Asks first (modal) when set; `{db}` in the message is replaced by the database. */
  confirm?: { message: string; button: string; detail?: string };
  op: (m: Migrator) => Promise<T>;
  /** The one-line outcome for a notification; none for silent actions. */
  summary?: (result: T) => string | undefined;
  /** Changes nothing (Show Version): a protected environment does not ask for its name. */
  readOnly?: boolean;
}

/**
 * A protected environment (`protected: true`): before any change the user types its name in full.
 * Returns true only for the exact name.
 */
export async function confirmProtected(name: string, what: string, db: string): Promise<boolean> {
  const typed = await vscode.window.showInputBox({
    title: `Migrate Lens: ${what} on the PROTECTED environment "${name}"`,
    prompt: `${db} is marked protected. Type the environment's name, ${name}, to go ahead.`,
    placeHolder: name,
    ignoreFocusOut: true,
    validateInput: (value) => (value === name || value === '' ? undefined : `Type exactly "${name}"`),
  });
  return typed === name;
}

export function requireTrust(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage('Migrate Lens: running migrations needs a trusted workspace.', 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}

export async function runDatabaseAction<T>(ctrl: Controller, req: RunRequest<T>): Promise<T | undefined> {
  if (!requireTrust()) return undefined;
  let settings: Settings;
  try {
    settings = await ctrl.resolveSettings();
  } catch (err) {
    return fail(ctrl, req.title, err);
  }
  const db = settings.connection.description;
  if (req.confirm) {
    const where = [`Database: ${db} (from ${settings.source})`, vscode.workspace.workspaceFolders?.length !== 1 ? `Folder: ${ctrl.name}` : ''].filter(Boolean).join('\n');
    const choice = await vscode.window.showWarningMessage(
      req.confirm.message.replace('{db}', db),
      { modal: true, detail: req.confirm.detail ? `${req.confirm.detail}\n\n${where}` : where },
      req.confirm.button,
    );
    if (choice !== req.confirm.button) {
      ctrl.log.info(`${req.title}: not confirmed`);
      return undefined;
    }
  }
  if (settings.environment?.protected && !req.readOnly) {
    if (!(await confirmProtected(settings.environment.name, req.title, db))) {
      ctrl.log.info(`${req.title}: the protected environment ${settings.environment.name} was not confirmed; nothing ran`);
      void vscode.window.showInformationMessage(`Migrate Lens: ${req.title} not run: the protected environment "${settings.environment.name}" was not confirmed.`);
      return undefined;
    }
  }
  ctrl.log.info(`${req.title}: on ${db} (from ${settings.source}), folder ${settings.migrationsDir}`);
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Migrate Lens: ${req.title}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => {
          ctrl.log.info(`${req.title}: cancel requested; stopping after the current migration`);
          abort.abort();
        });
        const onEvent = (e: RunEvent) => {
          const line = eventLine(e);
          ctrl.log.info(`${req.title}: ${line}`);
          if (e.type === 'done') progress.report({ increment: 100 / e.total });
          else progress.report({ message: line });
        };
        return ctrl.withMigrator(settings, { signal: abort.signal, onEvent }, req.op);
      },
    );
    const summary = req.summary?.(result);
    if (summary) {
      ctrl.log.info(`${req.title}: ${summary}`);
      void vscode.window.showInformationMessage(`Migrate Lens: ${summary}`);
    }
    return result;
  } catch (err) {
    return fail(ctrl, req.title, err);
  } finally {
    await ctrl.refresh();
  }
}


/** Logs and shows the error without waiting for the notification to be dismissed. */
function fail(ctrl: Controller, title: string, err: unknown): undefined {
  const message = redact(errorText(err));
  ctrl.log.error(`${title} failed: ${message}`);
  void vscode.window.showErrorMessage(`Migrate Lens: ${title} failed: ${message}`, 'Show Output').then((choice) => {
    if (choice) ctrl.log.show();
  });
  return undefined;
}
