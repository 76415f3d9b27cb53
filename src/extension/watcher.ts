// The one file-system watcher: migration files and the config file. Editor buffers are followed
// too, so problems and lenses update while typing.
import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { Controller } from './controller';
import { readSettings } from './settings';

export class MigrationsWatcher implements vscode.Disposable {
  private watcher: vscode.FileSystemWatcher | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private configChanged = false;
  private readonly typing = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ctrl: Controller) {
    const inFolder = (doc: vscode.TextDocument) => doc.uri.scheme === 'file' && !!ctrl.model.fileAt(doc.uri.fsPath);
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!inFolder(e.document)) return;
        const path = e.document.uri.fsPath;
        if (e.contentChanges.length) ctrl.model.markFresh(path, false);
        clearTimeout(this.typing.get(path));
        this.typing.set(path, setTimeout(() => {
          this.typing.delete(path);
          const text = e.document.getText();
          ctrl.setBuffer(path, e.document.isDirty ? text : undefined);
          ctrl.model.syncText(path, text);
        }, 150));
      }),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (!inFolder(doc)) return;
        ctrl.setBuffer(doc.uri.fsPath, undefined);
        ctrl.model.markFresh(doc.uri.fsPath, false);
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (!inFolder(doc) || !doc.isDirty) return;
        ctrl.setBuffer(doc.uri.fsPath, undefined);
        this.schedule();
      }),
    );
  }

  /** (Re)creates the watcher for the current migrations folder and config file. */
  async watch(): Promise<void> {
    this.watcher?.dispose();
    this.watcher = null;
    const root = this.ctrl.root;
    const dir = await this.ctrl.migrationsDir();
    if (!root || !dir) return;
    const rel = relative(root.uri.fsPath, dir).split('\\').join('/');
    const configFile = readSettings(root).configFile ?? 'config.yaml';
    const pattern = rel && !rel.startsWith('..') && !isAbsolute(rel)
      ? new vscode.RelativePattern(root, `{${rel}/*.sql,${configFile}}`)
      : new vscode.RelativePattern(vscode.Uri.file(dir), '*.sql');
    this.watcher = vscode.workspace.createFileSystemWatcher(pattern);
    const configPath = resolve(root.uri.fsPath, configFile);
    const changed = (uri: vscode.Uri) => this.schedule(uri.fsPath === configPath);
    this.watcher.onDidCreate((uri) => {
      // A new empty file is about to be written, not broken: it is not "invalid" until edited or saved.
      try {
        if (uri.fsPath.toLowerCase().endsWith('.sql') && statSync(uri.fsPath).size === 0) this.ctrl.model.markFresh(uri.fsPath, true);
      } catch {
        // gone again
      }
      changed(uri);
    });
    this.watcher.onDidChange(changed);
    this.watcher.onDidDelete(changed);
  }

  /**
   * Many events (a branch switch) become one reload. A changed config file may name another
   * database or folder: then the connection is dropped and the watcher made anew.
   */
  private schedule(configChanged = false): void {
    this.configChanged ||= configChanged;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const reconnect = this.configChanged;
      this.configChanged = false;
      if (reconnect) void this.watch().then(() => this.ctrl.reset());
      else void this.ctrl.reloadFiles();
    }, 200);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const t of this.typing.values()) clearTimeout(t);
    this.watcher?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
