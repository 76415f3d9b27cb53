// The database in use and the number of pending migrations.
import * as vscode from 'vscode';
import type { MigrationsModel } from './model/migrations-model';

export class MigrationStatusBar implements vscode.Disposable {
  private readonly subscription: { dispose(): void };

  constructor(
    private readonly model: MigrationsModel,
    private readonly item: vscode.StatusBarItem,
  ) {
    this.item.name = 'Migrate Lens';
    this.item.command = 'migrateLens.migrations.focus';
    this.subscription = model.onDidChange(() => this.update());
  }

  update(): void {
    const { folderModel, connection, entries } = this.model;
    if (!folderModel.exists) {
      this.item.hide();
      return;
    }
    const db = connection.database ?? 'database';
    switch (connection.state) {
      case 'connected': {
        const pending = this.model.pendingCount;
        this.item.text = `$(database) ${db} · ${pending} pending`;
        this.item.tooltip = `Migrate Lens: ${entries?.length ?? 0} migrations, ${pending} pending\nDatabase: ${db} (from ${connection.source})`;
        this.item.backgroundColor = undefined;
        break;
      }
      case 'error':
        this.item.text = `$(warning) ${db}`;
        this.item.tooltip = `Migrate Lens: cannot read the database\n${connection.error ?? ''}`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        break;
      case 'connecting':
        this.item.text = `$(sync~spin) ${db}`;
        this.item.tooltip = 'Migrate Lens: reading migration status…';
        this.item.backgroundColor = undefined;
        break;
      case 'untrusted':
        this.item.text = '$(shield) Migrations';
        this.item.tooltip = 'Migrate Lens: database actions need a trusted workspace';
        this.item.backgroundColor = undefined;
        break;
      case 'idle':
        this.item.text = '$(database) Migrations';
        this.item.tooltip = 'Migrate Lens: open the Migrations view to read the status';
        this.item.backgroundColor = undefined;
        break;
    }
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
