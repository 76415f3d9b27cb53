// The text a migration had when it was applied (kept in the history table), as a read-only
// document, so drift can be shown as a diff and a missing file can still be read.
import * as vscode from 'vscode';
import type { Controller } from './controller';

export const APPLIED_SCHEME = 'migrate-lens-applied';

export class AppliedTextProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly shown = new Set<string>();
  private readonly subscription: { dispose(): void };

  constructor(private readonly ctrl: Controller) {
    // A document stays open across refreshes; tell VS Code when its history row may have changed.
    this.subscription = ctrl.model.onDidChange(() => {
      for (const uri of this.shown) this.changed.fire(vscode.Uri.parse(uri));
    });
  }

  static uriFor(version: string, name: string): vscode.Uri {
    return vscode.Uri.from({ scheme: APPLIED_SCHEME, path: `/${version}_${name}.sql`, query: `version=${version}` });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    this.shown.add(uri.toString());
    const version = new URLSearchParams(uri.query).get('version') ?? '';
    if (!this.ctrl.model.entryFor(version)?.row) return `-- migration ${version} has no history record in this database\n`;
    const text = await this.ctrl.appliedText(version);
    return text ?? `-- the history record of ${version} holds no copy of the applied text\n`;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
