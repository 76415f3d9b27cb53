// Hovers on `-- +migrate` and `-- +goose` lines say what the directive does.
import * as vscode from 'vscode';
import { directiveHover, directiveRange } from './model/directive-docs';

export class DirectiveHoverProvider implements vscode.HoverProvider {
  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const line = document.lineAt(position.line).text;
    const at = directiveRange(line);
    const text = directiveHover(line);
    if (!at || !text) return undefined;
    return new vscode.Hover(new vscode.MarkdownString(text), new vscode.Range(position.line, at.start, position.line, at.end));
  }
}
