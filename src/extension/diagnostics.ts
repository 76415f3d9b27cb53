// Problems panel entries for the migrations folder, from the shared model.
import * as vscode from 'vscode';
import type { MigrationsModel } from './model/migrations-model';
import { DIAGNOSTIC_SOURCE, diagnosticsFor } from './model/diagnostics-model';

export class MigrationDiagnostics implements vscode.Disposable {
  private readonly subscription: { dispose(): void };

  constructor(
    private readonly model: MigrationsModel,
    private readonly collection: vscode.DiagnosticCollection,
  ) {
    this.subscription = model.onDidChange(() => this.update());
  }

  update(): void {
    const specs = diagnosticsFor(this.model.folderModel, this.model.entries);
    const stale = new Set<string>();
    this.collection.forEach((uri) => stale.add(uri.fsPath));
    for (const [path, list] of specs) {
      stale.delete(path);
      this.collection.set(
        vscode.Uri.file(path),
        list.map((d) => {
          const diagnostic = new vscode.Diagnostic(
            new vscode.Range(d.line, 0, d.line, Number.MAX_SAFE_INTEGER),
            d.message,
            d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
          );
          diagnostic.source = DIAGNOSTIC_SOURCE;
          diagnostic.code = d.code;
          return diagnostic;
        }),
      );
    }
    for (const path of stale) this.collection.delete(vscode.Uri.file(path));
  }

  dispose(): void {
    this.subscription.dispose();
    this.collection.dispose();
  }
}
