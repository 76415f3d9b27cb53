// One controller per workspace folder: each folder has its own settings (resource-scoped), its own
// migrations folder, connection, lenses and diagnostics. Everything that acts on a migration finds
// its folder by the file's path, never by the version in its name.
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { Controller } from './controller';
import type { Log } from './log';

export class Folders implements vscode.Disposable {
  private list: Controller[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** A controller was added or removed, or one of their models changed. */
  readonly onDidChange = this.changed.event;
  private readonly added = new vscode.EventEmitter<Controller>();
  readonly onDidAdd = this.added.event;
  private readonly removed = new vscode.EventEmitter<Controller>();
  readonly onDidRemove = this.removed.event;
  private readonly subscriptions = new Map<Controller, { dispose(): void }>();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    readonly log: Log,
  ) {
    this.sync();
  }

  /** Makes the list follow the workspace folders, keeping the controllers of folders that stay. */
  sync(): void {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const keep: Controller[] = [];
    for (const folder of folders) {
      const existing = this.list.find((c) => c.key === folder.uri.toString());
      if (existing) {
        keep.push(existing);
        continue;
      }
      const ctrl = new Controller(folder, this.secrets, this.log);
      this.subscriptions.set(ctrl, ctrl.model.onDidChange(() => this.changed.fire()));
      keep.push(ctrl);
      this.added.fire(ctrl);
    }
    for (const gone of this.list.filter((c) => !keep.includes(c))) {
      this.subscriptions.get(gone)?.dispose();
      this.subscriptions.delete(gone);
      this.removed.fire(gone);
      void gone.close();
      gone.dispose();
    }
    this.list = keep;
    this.changed.fire();
  }

  /** Every workspace folder's controller, in the workspace's order. */
  get all(): readonly Controller[] {
    return this.list;
  }

  /** The folders whose migrations folder exists. */
  get withMigrations(): Controller[] {
    return this.list.filter((c) => c.model.folderModel.exists);
  }

  /** More than one workspace folder: the tree gets one root node per folder with migrations. */
  get multiRoot(): boolean {
    return this.list.length > 1;
  }

  byKey(key: string | null | undefined): Controller | undefined {
    return key ? this.list.find((c) => c.key === key) : undefined;
  }

  /** The controller whose migrations folder holds this path (known file or not). */
  forPath(path: string): Controller | undefined {
    const known = this.list.find((c) => c.model.fileAt(path));
    if (known) return known;
    // A file the model has not read yet (just created): the folder it sits in directly.
    return this.list.find((c) => c.model.folderModel.dir !== '' && c.model.folderModel.dir === dirname(path));
  }

  /** The controller of the active editor's file, when that file is in a migrations folder. */
  forActiveEditor(): Controller | undefined {
    const doc = vscode.window.activeTextEditor?.document;
    return doc?.uri.scheme === 'file' ? this.forPath(doc.uri.fsPath) : undefined;
  }

  /**
   * The folder a whole-folder command (Up, Down, Reset, Create…) acts on: the one named by the
   * argument, else the active editor's, else the only folder with migrations, else a quick pick.
   */
  async choose(placeHolder: string, arg?: unknown): Promise<Controller | undefined> {
    const named = folderArg(arg);
    if (named) {
      const ctrl = this.byKey(named);
      if (ctrl) return ctrl;
    }
    const fromEditor = this.forActiveEditor();
    if (fromEditor) return fromEditor;
    const candidates = this.withMigrations.length ? this.withMigrations : this.list;
    if (candidates.length <= 1) {
      if (!candidates[0]) void vscode.window.showWarningMessage('Migrate Lens: open a folder first.');
      return candidates[0];
    }
    const picked = await vscode.window.showQuickPick(
      candidates.map((c) => ({ label: c.name, description: c.model.connection.database ?? '', detail: c.model.folderModel.dir, ctrl: c })),
      { placeHolder: `${placeHolder}: which folder?` },
    );
    return picked?.ctrl;
  }

  async refreshAll(): Promise<void> {
    await Promise.all(this.list.map((c) => c.refresh()));
  }

  close(): Promise<void> {
    return Promise.all(this.list.map((c) => c.close())).then(() => undefined);
  }

  dispose(): void {
    for (const s of this.subscriptions.values()) s.dispose();
    for (const c of this.list) c.dispose();
    this.changed.dispose();
    this.added.dispose();
    this.removed.dispose();
  }
}

/** A tree node or command argument that names its workspace folder. */
export function folderArg(arg: unknown): string | undefined {
  if (arg && typeof arg === 'object' && 'folder' in arg && typeof (arg as { folder: unknown }).folder === 'string') return (arg as { folder: string }).folder;
  return undefined;
}
