// Entry point. Activation only wires things up: no file reading, no database, no PGlite.
import * as vscode from 'vscode';
import { APPLIED_SCHEME, AppliedTextProvider } from './applied-text';
import { MigrationCodeLensProvider } from './code-lens';
import { registerCommands } from './commands';
import type { Controller } from './controller';
import { MigrationDiagnostics } from './diagnostics';
import { Folders } from './folders';
import { DirectiveHoverProvider } from './hover';
import { LintDiagnostics } from './lint-diagnostics';
import { Log } from './log';
import { DIAGNOSTIC_SOURCE } from './model/diagnostics-model';
import { buildTreeModel, nodeTooltip, type TreeNode } from './model/tree-model';
import { SETTINGS_SECTION } from './settings';
import { PREVIEW_SCHEME, previewDocuments } from './preview-doc';
import { SkeletonCompletionProvider } from './skeleton-completion';
import { MigrationStatusBar } from './status-bar';
import { isFolderNode, MigrationsTreeProvider, waitingText, type ViewTreeEntry } from './tree-view';
import { StatusFilter } from './status-filter';
import { filterHidesAllMessage, filterText, isGroupNode } from './model/tree-groups';
import { MigrationsWatcher } from './watcher';
import { adoptOfferMessage, checkAdoptOffer, knownAdoptOffer } from './commands/adopt';

type TreeItemInfo = Pick<TreeNode, 'label' | 'description' | 'contextValue' | 'status' | 'version' | 'icon' | 'color' | 'path' | 'line' | 'folder'> & { tooltip: string };

export interface MigrateLensApi {
  /** Re-reads files and status; resolves when the tree, lenses and diagnostics are up to date. */
  refresh(): Promise<void>;
  /** Every migration node of every folder. */
  getTreeItems(): TreeItemInfo[];
  /** The view's top level: folder nodes in a multi-root workspace, else the folder's groups (or its files while the status is unknown). */
  getRootItems(): { label: string; description: string; folder: string | null; kind: 'folder' | 'group' | 'migration' }[];
  /** Every level of the view (groups, chunks, migrations), as the filter leaves it. */
  getViewTree(): ViewTreeEntry[];
  /** The view's description (database, filter) and the labels of the selected rows. */
  getViewDescription(): string;
  getSelection(): string[];
  /** Ids of the groups VS Code reports expanded (by the user, or by a reveal). */
  getExpandedIds(): string[];
  /** What the view's message line says now ('' for none). */
  getViewMessage(): string;
  /** The view's title (names the active environment). */
  getViewTitle(): string;
  activationTimeMs: number;
  buildTreeModel: typeof buildTreeModel;
  /** Lint runs of the editor so far; the last one's time linting and in all, with the diagnostics published (ms). */
  getLintStats(): { runs: number; lastLintMs: number; lastMs: number };
}

let active: Folders | undefined;

export function activate(context: vscode.ExtensionContext): MigrateLensApi {
  const started = performance.now();
  const log = new Log();
  const folders = new Folders(context.secrets, log);
  active = folders;
  const filter = new StatusFilter(context.workspaceState);
  filter.publish();
  const tree = new MigrationsTreeProvider(folders, filter);
  const view = vscode.window.createTreeView('migrateLens.migrations', { treeDataProvider: tree, showCollapseAll: true });
  const expanded = new Set<string>();
  const diagnosticCollection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  const lint = new LintDiagnostics(folders, log);
  /** Per folder: its watcher and its diagnostics (one shared collection). */
  const perFolder = new Map<Controller, vscode.Disposable[]>();
  const attach = (ctrl: Controller) => {
    const watcher = new MigrationsWatcher(ctrl);
    perFolder.set(ctrl, [watcher, new MigrationDiagnostics(ctrl.model, diagnosticCollection)]);
    return watcher;
  };
  const detach = (ctrl: Controller) => {
    for (const d of perFolder.get(ctrl) ?? []) d.dispose();
    perFolder.delete(ctrl);
  };
  for (const ctrl of folders.all) attach(ctrl);

  context.subscriptions.push(
    log,
    folders,
    filter,
    tree,
    view,
    diagnosticCollection,
    { dispose: () => [...perFolder.keys()].forEach(detach) },
    folders.onDidAdd((ctrl) => {
      const watcher = attach(ctrl);
      void watcher.watch().then(() => ctrl.reloadFiles()).then(() => view.visible && ctrl.ensureStatus());
    }),
    folders.onDidRemove(detach),
    new MigrationStatusBar(folders, vscode.window.createStatusBarItem('migrateLens.status', vscode.StatusBarAlignment.Left, 10)),
    vscode.workspace.registerTextDocumentContentProvider(APPLIED_SCHEME, new AppliedTextProvider(folders)),
    previewDocuments,
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, previewDocuments),
    vscode.languages.registerHoverProvider({ language: 'sql' }, new DirectiveHoverProvider()),
    vscode.languages.registerCompletionItemProvider({ language: 'sql' }, new SkeletonCompletionProvider()),
    vscode.languages.registerCodeLensProvider({ language: 'sql', scheme: 'file' }, new MigrationCodeLensProvider(folders)),
    lint,
    view.onDidExpandElement((e) => expanded.add(e.element.id)),
    view.onDidCollapseElement((e) => expanded.delete(e.element.id)),
    view.onDidChangeVisibility((e) => {
      if (!e.visible) return;
      tree.reload();
      folders.all.forEach((c) => c.ensureStatus());
    }),
    folders.onDidChange(() => updateView()),
    filter.onDidChange(() => updateView()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      for (const ctrl of folders.all) if (e.affectsConfiguration(SETTINGS_SECTION, ctrl.folder.uri)) void restart(ctrl);
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => folders.all.forEach((c) => void restart(c))),
    vscode.workspace.onDidChangeWorkspaceFolders(() => folders.sync()),
  );
  registerCommands(context, folders, { tree, view, filter });

  function updateView(): void {
    const list = folders.withMigrations;
    void vscode.commands.executeCommand('setContext', 'migrateLens.hasMigrationsFolder', list.length > 0);
    // The welcome views speak for the only folder; several folders show their state on their nodes.
    const first = list[0] ?? folders.all[0];
    void vscode.commands.executeCommand('setContext', 'migrateLens.connectionState', first?.model.connection.state ?? 'idle');
    const pending = list.reduce((n, c) => n + c.model.pendingCount, 0);
    view.badge = pending ? { value: pending, tooltip: `${pending} pending migration${pending === 1 ? '' : 's'}` } : undefined;
    // The status filter: named beside the title while on; said in words when it hides everything.
    const statuses = filter.statuses;
    const hidesAll = tree.filterHidesAll;
    void vscode.commands.executeCommand('setContext', 'migrateLens.filterHidesAll', hidesAll);
    const filterNote = statuses ? filterText(statuses) : undefined;
    const hiddenMessage = statuses && hidesAll ? filterHidesAllMessage(statuses) : undefined;
    if (folders.multiRoot) {
      view.title = 'Migrations';
      view.description = filterNote;
      view.message = hiddenMessage;
      return;
    }
    const conn = first?.model.connection;
    // The active environment is in the title: which database a click will change is never a guess.
    const env = first?.environment;
    view.title = env ? `Migrations · ${env}` : 'Migrations';
    view.description = [conn?.database, filterNote].filter(Boolean).join(' · ') || undefined;
    // Another tool's history beside an empty one of ours: say so, and offer to adopt it (commands/adopt.ts).
    const offer = first ? knownAdoptOffer(first) : null;
    if (first && conn?.state === 'connected') void checkAdoptOffer(first).then((o) => o !== offer && updateView(), () => undefined);
    void vscode.commands.executeCommand('setContext', 'migrateLens.adoptFrom', offer?.tool ?? '');
    view.message = conn?.state === 'error'
      ? `Cannot read the migration status: ${conn.error}`
      : offer && conn?.state === 'connected'
        ? adoptOfferMessage(offer)
        : hiddenMessage ?? (first && first.model.folderModel.exists ? viewMessage(first) : undefined);
  }

  /** Settings or trust changed: new watcher, new connection, status again if it is on screen. */
  async function restart(ctrl: Controller): Promise<void> {
    const entry = perFolder.get(ctrl);
    const watcher = entry?.[0] as MigrationsWatcher | undefined;
    await watcher?.watch();
    await ctrl.reset();
    if (view.visible) ctrl.ensureStatus();
  }

  // The first read of the folders happens after activation has returned.
  setTimeout(() => {
    void (async () => {
      await Promise.all(folders.all.map(async (ctrl) => {
        try {
          await (perFolder.get(ctrl)?.[0] as MigrationsWatcher | undefined)?.watch();
          await ctrl.reloadFiles();
        } catch (err) {
          log.error(`reading the migrations folder of ${ctrl.name} failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }));
      // The welcome text "Reading the migrations folder…" stays until the view has the files.
      if (view.visible) {
        const read = tree.nextTopRead();
        tree.reload();
        await Promise.race([read, new Promise((r) => setTimeout(r, 3000))]);
      }
      void vscode.commands.executeCommand('setContext', 'migrateLens.ready', true);
      if (view.visible) folders.all.forEach((c) => c.ensureStatus());
    })();
  }, 0);

  const activationTimeMs = performance.now() - started;
  log.info(`activate() took ${activationTimeMs.toFixed(1)} ms`);
  return {
    refresh: () => folders.refreshAll(),
    getTreeItems: () =>
      tree.current.map((n) => ({
        label: n.label,
        description: n.description,
        tooltip: nodeTooltip(n),
        contextValue: n.contextValue,
        status: n.status,
        version: n.version,
        icon: n.icon,
        color: n.color,
        path: n.path,
        line: n.line,
        folder: n.folder,
      })),
    getRootItems: () =>
      tree.rootNodes.map((n) => (isFolderNode(n)
        ? { label: n.label, description: n.description, folder: n.folder, kind: 'folder' as const }
        : isGroupNode(n)
          ? { label: n.label, description: n.description, folder: n.folder, kind: 'group' as const }
          : { label: n.label, description: n.description, folder: n.folder, kind: 'migration' as const })),
    getViewTree: () => tree.describe(),
    getViewDescription: () => view.description ?? '',
    getSelection: () => view.selection.map((n) => n.label),
    getExpandedIds: () => [...expanded],
    getViewMessage: () => (typeof view.message === 'string' ? view.message : ''),
    getViewTitle: () => view.title ?? '',
    activationTimeMs,
    buildTreeModel,
    getLintStats: () => ({ ...lint.stats }),
  };
}

/** The line above the tree while the status is being read (first start of PGlite, Restricted Mode). */
function viewMessage(ctrl: Controller): string | undefined {
  const { state, firstStart, embedded } = ctrl.model.connection;
  if (state === 'connecting' && embedded && firstStart) return 'Starting the embedded database (first time only)…';
  if (state === 'connecting' && embedded) return 'Starting the embedded database…';
  if (state === 'untrusted') return 'Restricted Mode: migrations are listed read-only; running them needs a trusted workspace.';
  return waitingText(ctrl) === 'reading status…' ? 'Reading the migration status…' : undefined;
}

/** Lets VS Code wait until the database connections are closed. */
export function deactivate(): Promise<void> | undefined {
  return active?.close();
}
