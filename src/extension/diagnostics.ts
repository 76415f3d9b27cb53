// Problems panel entries for the migrations folder, from the shared model.
import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE, diagnosticsFor, type DiagnosticSpec } from './model/diagnostics-model';
import type { MigrationsModel } from './model/migrations-model';

export class MigrationDiagnostics implements vscode.Disposable {
  private readonly subscription: { dispose(): void };
  /** What each file was last given, so a keystroke in one file does not rewrite 10,000 entries. */
  private readonly published = new Map<string, string>();

  constructor(
    private readonly model: MigrationsModel,
    private readonly collection: vscode.DiagnosticCollection,
  ) {
    this.subscription = model.onDidChange(() => this.update());
  }

  update(): void {
    const specs = diagnosticsFor(this.model.folderModel, this.model.entries, (p) => this.model.isFreshEmpty(p));
    for (const path of [...this.published.keys()]) {
      if (specs.has(path)) continue;
      this.collection.delete(vscode.Uri.file(path));
      this.published.delete(path);
    }
    for (const [path, list] of specs) {
      const key = JSON.stringify(list);
      if (this.published.get(path) === key) continue;
      this.published.set(path, key);
      this.collection.set(vscode.Uri.file(path), list.map(toDiagnostic));
    }
  }

  /** Takes back what this folder published (the collection is shared by every folder). */
  dispose(): void {
    this.subscription.dispose();
    for (const path of this.published.keys()) this.collection.delete(vscode.Uri.file(path));
    this.published.clear();
  }
}

function toDiagnostic(d: DiagnosticSpec): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(
    new vscode.Range(d.line, 0, d.endLine ?? d.line, Number.MAX_SAFE_INTEGER),
    d.message,
    d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
  );
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = d.code;
  return diagnostic;
}
