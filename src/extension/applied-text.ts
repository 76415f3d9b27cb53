// The text a migration had when it was applied (kept in the history table), as a read-only
// document, so drift can be shown as a diff and a missing file can still be read. The tab title
// says what it is, so the copy is never taken for the file.
import * as vscode from 'vscode';
import type { Controller } from './controller';
import type { Folders } from './folders';

export const APPLIED_SCHEME = 'migrate-lens-applied';
export const APPLIED_SUFFIX = ' (applied copy, read-only)';

export class AppliedTextProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly shown = new Set<string>();
  private readonly subscription: { dispose(): void };

  constructor(private readonly folders: Folders) {
    // A document stays open across refreshes; tell VS Code when its history row may have changed.
    this.subscription = folders.onDidChange(() => {
      for (const uri of this.shown) this.changed.fire(vscode.Uri.parse(uri));
    });
  }

  static uriFor(ctrl: Controller, version: string, name: string, _row?: unknown): vscode.Uri {
    return vscode.Uri.from({
      scheme: APPLIED_SCHEME,
      path: `/${ctrl.name}/${version}_${name}.sql${APPLIED_SUFFIX}`,
      query: new URLSearchParams({ folder: ctrl.key, version }).toString(),
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    this.shown.add(uri.toString());
    const query = new URLSearchParams(uri.query);
    const version = query.get('version') ?? '';
    const ctrl = this.folders.byKey(query.get('folder'));
    if (!ctrl) return `-- the workspace folder of migration ${version} is no longer open\n`;
    if (!ctrl.model.entryFor(version)?.row) return `-- migration ${version} has no history record in this database\n`;
    const text = await ctrl.appliedText(version);
    return text ?? `-- the history record of ${version} holds no copy of the applied text\n`;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** Opens the applied copy in a read-only tab, highlighted as SQL. */
export async function showAppliedCopy(ctrl: Controller, version: string, name: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(AppliedTextProvider.uriFor(ctrl, version, name));
  const sql = doc.languageId === 'sql' ? doc : await vscode.languages.setTextDocumentLanguage(doc, 'sql');
  return vscode.window.showTextDocument(sql, { preview: true });
}
