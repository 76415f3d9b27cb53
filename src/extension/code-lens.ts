// CodeLens above the Up and Down directives of migration files, from the shared model.
import * as vscode from 'vscode';
import type { Controller } from './controller';
import { lensesFor } from './model/lens-model';

export class MigrationCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: { dispose(): void };

  constructor(private readonly ctrl: Controller) {
    this.subscription = ctrl.model.onDidChange(() => this.changed.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const path = document.uri.fsPath;
    const model = this.ctrl.model;
    const file = model.syncText(path, document.getText());
    // Restricted Mode: every lens would be a database action.
    if (!file?.parsed || !model.isRunnable(path) || !this.ctrl.trusted) return [];
    this.ctrl.ensureStatus();
    const entry = model.entryFor(file.version);
    return lensesFor(path, file.parsed, entry, file.version).map((spec) => {
      const range = new vscode.Range(spec.line, 0, spec.line, 0);
      return new vscode.CodeLens(range, { title: spec.title, command: spec.command, arguments: spec.args, tooltip: spec.tooltip });
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
