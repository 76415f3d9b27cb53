// Offers the `migrate` skeleton first (preselected), with its Created: time in UTC.
import * as vscode from 'vscode';
import { SKELETON_PREFIX, skeletonSnippet } from './model/skeleton';

export class SkeletonCompletionProvider implements vscode.CompletionItemProvider {
  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
    const before = document.lineAt(position.line).text.slice(0, position.character);
    // Only where a migration could start: a word at the start of a line.
    if (!/^\s*[A-Za-z-]*$/.test(before)) return [];
    const item = new vscode.CompletionItem({ label: SKELETON_PREFIX, description: 'Migrate Lens: new migration' }, vscode.CompletionItemKind.Snippet);
    item.insertText = new vscode.SnippetString(skeletonSnippet(new Date()));
    item.detail = 'Migration skeleton: Up with description and creation time (UTC), Down with rollback note';
    item.documentation = new vscode.MarkdownString().appendCodeblock(skeletonSnippet(new Date()).replace(/\$\{\d+:([^}]*)\}|\$\{\d+\}|\$\d/g, '$1'), 'sql');
    item.preselect = true;
    item.sortText = '\u0000' + SKELETON_PREFIX;
    const word = before.match(/[A-Za-z-]*$/)![0];
    item.range = new vscode.Range(position.line, position.character - word.length, position.line, position.character);
    return [item];
  }
}
