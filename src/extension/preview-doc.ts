// Read-only documents for "Preview SQL": text made once per preview, kept while the tab is open.
import * as vscode from 'vscode';

export const PREVIEW_SCHEME = 'migrate-lens-preview';

export class PreviewDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly subscription = vscode.workspace.onDidCloseTextDocument((d) => {
    if (d.uri.scheme === PREVIEW_SCHEME) this.texts.delete(d.uri.toString());
  });

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '-- this preview is no longer available; run "Preview SQL" again\n';
  }

  /** Shows `text` in a read-only SQL tab titled `title`. */
  async show(title: string, text: string, key: string): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${title}`, query: key });
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    const sql = doc.languageId === 'sql' ? doc : await vscode.languages.setTextDocumentLanguage(doc, 'sql');
    return vscode.window.showTextDocument(sql, { preview: true });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

export const previewDocuments = new PreviewDocuments();
