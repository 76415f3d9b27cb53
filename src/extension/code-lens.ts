// CodeLens above the Up and Down directives of migration files, from the shared model.
import * as vscode from 'vscode';
import { normaliseText } from '../engine/checksum';
import type { Folders } from './folders';
import { lensesFor } from './model/lens-model';
import { analyseFile } from './model/migration-files';

/**
 * VS Code drops a pending CodeLens update when the editor loses focus (a click on a lens, a
 * dialog) and only asks again on focus. So changes are announced once, shortly after a burst
 * of model updates settles, and once more a little later.
 */
const SETTLE_MS = 50;
const AGAIN_MS = 1500;

export class MigrationCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: { dispose(): void };
  private timers: ReturnType<typeof setTimeout>[] = [];

  constructor(private readonly folders: Folders) {
    this.subscription = folders.onDidChange(() => this.announce());
  }

  private announce(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [SETTLE_MS, AGAIN_MS].map((ms) => setTimeout(() => this.changed.fire(), ms));
  }

  /** Reads the model only: changing it from inside a provide call would announce changes mid-request. */
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const path = document.uri.fsPath;
    // The folder that holds this very file: its own connection and status.
    const ctrl = this.folders.forPath(path);
    if (!ctrl) return [];
    const model = ctrl.model;
    const known = model.fileAt(path);
    // Restricted Mode: every lens would be a database action.
    if (!known || !model.isRunnable(path) || !ctrl.trusted) return [];
    const text = document.getText();
    // An edit the watcher has not synced yet: place the lenses on the editor's lines.
    const file = known.text === normaliseText(text) ? known : analyseFile(path, text);
    if (!file.parsed) return [];
    ctrl.ensureStatus();
    return lensesFor(path, file.parsed, model.entryFor(known.version), known.version, ctrl.key).map((spec) => {
      const range = new vscode.Range(spec.line, 0, spec.line, 0);
      return new vscode.CodeLens(range, { title: spec.title, command: spec.command, arguments: spec.args, tooltip: spec.tooltip });
    });
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.subscription.dispose();
    this.changed.dispose();
  }
}
