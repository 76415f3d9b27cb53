// Every database action goes through here: trust check, confirmation naming the database,
// cancellable progress, a log of the run, and a refresh of everything afterwards.
import { isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import type { Settings } from '../engine/config';
import type { Migrator } from '../engine/migrator';
import { redact } from '../engine/redact';
import type { RunEvent } from '../engine/types';
import { errorText, type Controller } from './controller';
import { COMMAND_TITLES, editorText } from './model/editor-text';
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

/** The run in progress (one at a time, in every folder): a second one is refused, never stacked. */
let running: { title: string; db: string } | null = null;

/**
 * True (and says so, once) when another run is going. Commands that read the status before
 * asking call it first: their read would otherwise wait behind the run and then ask.
 */
export function refuseWhileRunning(ctrl: Controller, title: string): boolean {
  if (!running) return false;
  const busy = running;
  ctrl.log.info(`${title}: refused, "${busy.title}" is still running on ${busy.db}`);
  void vscode.window.showWarningMessage(`Migrate Lens: ${title} not started: "${busy.title}" is still running on ${busy.db}. Wait for it to end or cancel it.`);
  return true;
}

/**
 * One run = at most one confirmation, one progress notification (a message per migration,
 * cancellable between migrations) and exactly one result message. A run asked for while
 * another is going (a double click, Up then Down at once) is refused with one message.
 */
export async function runDatabaseAction<T>(ctrl: Controller, req: RunRequest<T>): Promise<T | undefined> {
  if (!requireTrust()) return undefined;
  if (refuseWhileRunning(ctrl, req.title)) return undefined;
  const slot = { title: req.title, db: ctrl.model.connection.database ?? ctrl.name };
  running = slot;
  try {
    return await runExclusive(ctrl, req, slot);
  } finally {
    running = null;
  }
}

async function runExclusive<T>(ctrl: Controller, req: RunRequest<T>, slot: { title: string; db: string }): Promise<T | undefined> {
  let settings: Settings;
  try {
    settings = await ctrl.resolveSettings();
  } catch (err) {
    return fail(ctrl, req.title, err);
  }
  const db = settings.connection.description;
  slot.db = db;
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
  let outcome: { ok: true; result: T } | { ok: false; err: unknown };
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Migrate Lens: ${req.title}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => {
          ctrl.log.info(`${req.title}: cancel requested; stopping after the current migration`);
          progress.report({ message: 'cancelling after the current migration…' });
          abort.abort();
        });
        progress.report({ message: `on ${db}…` });
        const onEvent = (e: RunEvent) => {
          const line = editorText(eventLine(e));
          ctrl.log.info(`${req.title}: ${line}`);
          // Transactional migrations share a round trip (the engine's chunks): their ends come together.
          if (abort.signal.aborted) progress.report(e.type === 'done' ? { increment: 100 / e.total } : {});
          else progress.report(e.type === 'done' ? { increment: 100 / e.total, message: line } : { message: line });
        };
        try {
          return await ctrl.withMigrator(settings, { signal: abort.signal, onEvent }, req.op);
        } finally {
          // The tree, lenses and status bar are right before the notification goes.
          progress.report({ message: 'reading the new status…' });
          await ctrl.refresh().catch((err) => ctrl.log.warn(`reading the status after ${req.title}: ${errorText(err)}`));
        }
      },
    );
    outcome = { ok: true, result };
  } catch (err) {
    outcome = { ok: false, err };
  }
  if (!outcome.ok) return fail(ctrl, req.title, outcome.err);
  const summary = req.summary?.(outcome.result);
  if (summary) {
    ctrl.log.info(`${req.title}: ${summary}`);
    void vscode.window.showInformationMessage(`Migrate Lens: ${summary}`);
  }
  return outcome.result;
}

/**
 * The one result message of a failed run, shown without waiting for it to be dismissed. A
 * migration that failed offers "Show Failure" (its file at the failing statement).
 */
function fail(ctrl: Controller, title: string, err: unknown): undefined {
  const message = editorText(redact(errorText(err)));
  ctrl.log.error(`${title} failed: ${message}`);
  const failure = failedAt(err);
  const actions = failure ? [COMMAND_TITLES.showError, 'Show Output'] : ['Show Output'];
  void vscode.window.showErrorMessage(`Migrate Lens: ${title} failed: ${message}`, ...actions).then((choice) => {
    if (choice === 'Show Output') ctrl.log.show();
    else if (choice && failure) void openAt(failure.file, failure.line);
  });
  return undefined;
}

/** The file and line of a migration that failed (MigrationFailedError), when it is a file. */
export function failedAt(err: unknown): { file: string; line: number | null } | null {
  const e = err as { code?: unknown; file?: unknown; line?: unknown };
  if (e?.code !== 'MIGRATION_FAILED' || typeof e.file !== 'string' || !isAbsolute(e.file)) return null;
  return { file: e.file, line: typeof e.line === 'number' ? e.line : null };
}

async function openAt(file: string, line: number | null): Promise<void> {
  const at = Math.max(0, (line ?? 1) - 1);
  await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(at, 0, at, 0), preview: true });
}
