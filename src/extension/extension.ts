// Entry point. Activation only wires things up: no file reading, no database, no PGlite.
import * as vscode from 'vscode';
import { APPLIED_SCHEME, AppliedTextProvider } from './applied-text';
import { MigrationCodeLensProvider } from './code-lens';
import { registerCommands } from './commands';
import { Controller } from './controller';
import { MigrationDiagnostics } from './diagnostics';
import { DirectiveHoverProvider } from './hover';
import { Log } from './log';
import { DIAGNOSTIC_SOURCE } from './model/diagnostics-model';
import { buildTreeModel, nodeTooltip, type TreeNode } from './model/tree-model';
import { SETTINGS_SECTION } from './settings';
import { MigrationStatusBar } from './status-bar';
import { MigrationsTreeProvider } from './tree-view';
import { MigrationsWatcher } from './watcher';

export interface MigrateLensApi {
  /** Re-reads files and status; resolves when the tree, lenses and diagnostics are up to date. */
  refresh(): Promise<void>;
  getTreeItems(): (Pick<TreeNode, 'label' | 'description' | 'contextValue' | 'status' | 'version' | 'icon' | 'color' | 'path' | 'line'> & { tooltip: string })[];
  activationTimeMs: number;
  buildTreeModel: typeof buildTreeModel;
}

let active: Controller | undefined;

export function activate(context: vscode.ExtensionContext): MigrateLensApi {
  const started = performance.now();
  const log = new Log();
  const ctrl = new Controller(context.secrets, log);
  active = ctrl;
  const tree = new MigrationsTreeProvider(ctrl.model);
  const view = vscode.window.createTreeView('migrateLens.migrations', { treeDataProvider: tree });
  const watcher = new MigrationsWatcher(ctrl);
  context.subscriptions.push(
    log,
    ctrl,
    tree,
    view,
    watcher,
    new MigrationDiagnostics(ctrl.model, vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE)),
    new MigrationStatusBar(ctrl.model, vscode.window.createStatusBarItem('migrateLens.status', vscode.StatusBarAlignment.Left, 10)),
    vscode.workspace.registerTextDocumentContentProvider(APPLIED_SCHEME, new AppliedTextProvider(ctrl)),
    vscode.languages.registerHoverProvider({ language: 'sql' }, new DirectiveHoverProvider()),
    vscode.languages.registerCodeLensProvider({ language: 'sql', scheme: 'file' }, new MigrationCodeLensProvider(ctrl)),
    view.onDidChangeVisibility((e) => e.visible && ctrl.ensureStatus()),
    ctrl.model.onDidChange(() => {
      const { folderModel, connection } = ctrl.model;
      void vscode.commands.executeCommand('setContext', 'migrateLens.hasMigrationsFolder', folderModel.exists);
      void vscode.commands.executeCommand('setContext', 'migrateLens.connectionState', connection.state);
      const pending = ctrl.model.pendingCount;
      view.badge = pending ? { value: pending, tooltip: `${pending} pending migration${pending === 1 ? '' : 's'}` } : undefined;
      view.description = connection.database ?? undefined;
      view.message = connection.state === 'error' ? `Cannot read the migration status: ${connection.error}` : undefined;
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SETTINGS_SECTION)) void restart();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restart()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void restart()),
  );
  registerCommands(context, ctrl);

  /** Settings, trust or folders changed: new watcher, new connection, status again if it is on screen. */
  async function restart(): Promise<void> {
    await watcher.watch();
    await ctrl.reset();
    if (view.visible) ctrl.ensureStatus();
  }

  // The first read of the folder happens after activation has returned.
  setTimeout(() => {
    void (async () => {
      try {
        await watcher.watch();
        await ctrl.reloadFiles();
      } catch (err) {
        log.error(`reading the migrations folder failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      void vscode.commands.executeCommand('setContext', 'migrateLens.ready', true);
      if (view.visible) ctrl.ensureStatus();
    })();
  }, 0);

  const activationTimeMs = performance.now() - started;
  log.info(`activate() took ${activationTimeMs.toFixed(1)} ms`);
  return {
    refresh: () => ctrl.refresh(),
    getTreeItems: () =>
      tree.current.map((n) => ({
        label: n.label,
        description: n.description,
        tooltip: nodeTooltip(n),
        contextValue: n.contextValue,
        status: n.status,
        version: n.version,
        icon: n.icon,
        color: n.color,
        path: n.path,
        line: n.line,
      })),
    activationTimeMs,
    buildTreeModel,
  };
}

/** Lets VS Code wait until the database connection is closed. */
export function deactivate(): Promise<void> | undefined {
  return active?.close();
}
