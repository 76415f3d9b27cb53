// The command registry: id → factory. Every command is registered through here.
import * as vscode from 'vscode';
import type { Folders } from '../folders';
import { status, setPassword, showOutput, statusActions, version } from './connection';
import { compareEnvironments, switchEnvironment } from './environments';
import { create, openFile, showDiff, showError } from './files';
import { acceptChecksum, forget, markApplied, markRolledBack } from './recovery';
import { adopt } from './adopt';
import { clearFilter, filterByStatus, revealFirstPending, type ViewContext } from './tree';
import { down, downTo, previewSql, refresh, reset, resume, rollBackStoredCopyCommand, runDown, runUp, up, upTo } from './run';

type Factory = (folders: Folders, view: ViewContext) => (...args: never[]) => Promise<unknown>;

export const COMMANDS: Record<string, Factory> = {
  'migrateLens.up': up,
  'migrateLens.down': down,
  'migrateLens.status': status,
  'migrateLens.create': create,
  'migrateLens.reset': reset,
  'migrateLens.refresh': refresh,
  'migrateLens.version': version,
  'migrateLens.setPassword': setPassword,
  'migrateLens.showOutput': showOutput,
  'migrateLens.runUp': runUp,
  'migrateLens.runDown': runDown,
  'migrateLens.upTo': upTo,
  'migrateLens.downTo': downTo,
  'migrateLens.openFile': openFile,
  'migrateLens.showError': showError,
  'migrateLens.markApplied': markApplied,
  'migrateLens.markRolledBack': markRolledBack,
  'migrateLens.forget': forget,
  'migrateLens.acceptChecksum': acceptChecksum,
  'migrateLens.showDiff': showDiff,
  'migrateLens.statusActions': statusActions,
  'migrateLens.adopt': adopt,
  'migrateLens.rollBackStoredCopy': rollBackStoredCopyCommand,
  'migrateLens.previewSql': previewSql,
  'migrateLens.resume': resume,
  'migrateLens.switchEnvironment': switchEnvironment,
  'migrateLens.compareEnvironments': compareEnvironments,
  'migrateLens.filterByStatus': filterByStatus,
  'migrateLens.clearFilter': clearFilter,
  'migrateLens.revealFirstPending': revealFirstPending,
  'migrateLens.openWalkthrough': () => async () =>
    vscode.commands.executeCommand('workbench.action.openWalkthrough', `${WALKTHROUGH_EXTENSION_ID}#gettingStarted`, false),
};

/** publisher.name of package.json: the walkthrough's id is `<extension id>#<walkthrough id>`. */
export const WALKTHROUGH_EXTENSION_ID = 'migrate-lens.migrate-lens';

export function registerCommands(context: vscode.ExtensionContext, folders: Folders, view: ViewContext): void {
  for (const [id, factory] of Object.entries(COMMANDS)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, factory(folders, view) as (...args: unknown[]) => unknown));
  }
}
