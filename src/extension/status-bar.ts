// The database in use and the number of pending migrations, for the folder of the active editor
// (or the first folder with migrations). Failed, partial and drifted migrations colour it; a click
// opens the actions that fit (run pending, show the failure, switch environment).
import * as vscode from 'vscode';
import type { Controller } from './controller';
import type { Folders } from './folders';
import { statusBarSummary } from './model/status-summary';

export class MigrationStatusBar implements vscode.Disposable {
  private readonly subscriptions: { dispose(): void }[];

  constructor(
    private readonly folders: Folders,
    private readonly item: vscode.StatusBarItem,
  ) {
    this.item.name = 'Migrate Lens';
    this.item.command = 'migrateLens.statusActions';
    this.subscriptions = [folders.onDidChange(() => this.update()), vscode.window.onDidChangeActiveTextEditor(() => this.update())];
  }

  /** The folder the status bar speaks for. */
  get current(): Controller | undefined {
    return this.folders.forActiveEditor() ?? this.folders.withMigrations[0];
  }

  update(): void {
    const ctrl = this.current;
    if (!ctrl || !ctrl.model.folderModel.exists) {
      this.item.hide();
      return;
    }
    const s = statusBarSummary(ctrl.model.connection, ctrl.model.entries, {
      folder: this.folders.multiRoot ? ctrl.name : null,
      environment: ctrl.environment,
    });
    this.item.text = s.text;
    this.item.tooltip = s.tooltip;
    this.item.backgroundColor = s.severity === 'error'
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : s.severity === 'warning'
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : undefined;
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
