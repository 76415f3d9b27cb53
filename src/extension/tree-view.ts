// The Migrations view: TreeItems made from the pure tree model. One workspace folder: its
// migrations at the top level. Several: one root node per folder that has migrations (its name,
// its connection, its pending count), each with its own migrations below.
import * as vscode from 'vscode';
import type { Controller } from './controller';
import type { Folders } from './folders';
import { buildTreeModel, buildUnknownTreeModel, nodeTooltip, type TreeNode } from './model/tree-model';

export interface FolderNode {
  kind: 'folder';
  id: string;
  folder: string;
  label: string;
  description: string;
  tooltip: string;
}

export type ViewNode = TreeNode | FolderNode;

export function isFolderNode(n: ViewNode): n is FolderNode {
  return (n as FolderNode).kind === 'folder';
}

/** What the view says about a folder while its status is not known. */
export function waitingText(ctrl: Controller): string | null {
  const { state } = ctrl.model.connection;
  if (state === 'untrusted') return 'read-only (Restricted Mode)';
  if (state === 'connecting') return ctrl.model.connection.embedded ? 'starting the embedded database…' : 'reading status…';
  if (state === 'idle') return 'status not read yet';
  return null;
}

export class MigrationsTreeProvider implements vscode.TreeDataProvider<ViewNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ViewNode | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private nodes = new Map<string, TreeNode[]>();
  private roots: ViewNode[] = [];
  private signature = '';
  private readonly subscription: { dispose(): void };

  constructor(private readonly folders: Folders) {
    this.subscription = folders.onDidChange(() => this.rebuild());
    this.rebuild();
  }

  private rebuild(): void {
    const nodes = new Map<string, TreeNode[]>();
    for (const ctrl of this.folders.all) nodes.set(ctrl.key, this.build(ctrl));
    const roots: ViewNode[] = this.folders.multiRoot
      ? this.folders.withMigrations.map((c) => folderNode(c))
      : (nodes.get(this.folders.all[0]?.key ?? '') ?? []);
    const signature = [
      ...roots.filter(isFolderNode).map((r) => `${r.id}\u0001${r.description}`),
      ...[...nodes.values()].flat().map((n) => `${n.id}\u0001${n.description}\u0001${n.line}\u0001${n.entry?.row?.error ?? ''}`),
    ].join('\n');
    this.nodes = nodes;
    this.roots = roots;
    // Typing in one file changes the model often; VS Code re-reads every item on each event.
    if (signature === this.signature) return;
    this.signature = signature;
    this.changed.fire();
  }

  /**
   * With a known status: every migration. Before it (first start, Restricted Mode): the files, so
   * the view is never blank. After an error: nothing, so the welcome view explains what to do.
   */
  private build(ctrl: Controller): TreeNode[] {
    const model = ctrl.model;
    if (!model.folderModel.exists) return [];
    const key = this.folders.multiRoot ? ctrl.key : null;
    const entries = model.entries;
    const fresh = (p: string) => model.isFreshEmpty(p);
    if (entries) return buildTreeModel(entries, model.invalidFiles, key, fresh).map((n) => ({ ...n, folder: ctrl.key }));
    const why = waitingText(ctrl);
    if (!why) return [];
    return buildUnknownTreeModel(model.folderModel.migrations, model.invalidFiles, why, key, fresh).map((n) => ({ ...n, folder: ctrl.key }));
  }

  /** Asks VS Code to read the items again (the view became visible after changes it did not see). */
  reload(): void {
    this.changed.fire();
  }

  /** Every migration node of every folder, in view order. */
  get current(): readonly TreeNode[] {
    return [...this.nodes.values()].flat();
  }

  get rootNodes(): readonly ViewNode[] {
    return this.roots;
  }

  getChildren(element?: ViewNode): ViewNode[] {
    if (!element) return this.roots;
    if (isFolderNode(element)) return this.nodes.get(element.folder) ?? [];
    return [];
  }

  getParent(element: ViewNode): ViewNode | undefined {
    if (isFolderNode(element) || !this.folders.multiRoot) return undefined;
    return this.roots.find((r) => isFolderNode(r) && r.folder === element.folder);
  }

  getTreeItem(node: ViewNode): vscode.TreeItem {
    if (isFolderNode(node)) {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = node.id;
      item.description = node.description;
      item.tooltip = node.tooltip;
      item.iconPath = new vscode.ThemeIcon('root-folder');
      item.contextValue = 'folder';
      item.accessibilityInformation = { label: `${node.label}, ${node.description}` };
      return item;
    }
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = node.description;
    item.iconPath = new vscode.ThemeIcon(node.icon, new vscode.ThemeColor(node.color));
    item.contextValue = node.contextValue;
    if (node.path) {
      item.resourceUri = vscode.Uri.file(node.path);
      item.command = { command: 'migrateLens.openFile', title: 'Open Migration File', arguments: [node] };
    } else if (node.status === 'missing') {
      // The file is gone, but the history kept the text that was applied.
      item.command = { command: 'migrateLens.showDiff', title: 'Show Applied Copy', arguments: [node] };
    }
    item.accessibilityInformation = { label: `${node.label}, ${node.description}` };
    return item;
  }

  /** Tooltips are made when hovered: 10,000 of them up front would slow every refresh. */
  resolveTreeItem(item: vscode.TreeItem, node: ViewNode): vscode.TreeItem {
    if (!isFolderNode(node)) item.tooltip = new vscode.MarkdownString(nodeTooltip(node));
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function folderNode(ctrl: Controller): FolderNode {
  const { connection } = ctrl.model;
  const db = (ctrl.environment ? `[${ctrl.environment}] ` : '') + (connection.database ?? 'database');
  const pending = ctrl.model.pendingCount;
  let description: string;
  if (connection.state === 'connected') description = `${db} · ${pending} pending`;
  else if (connection.state === 'error') description = `${db} · cannot connect`;
  else description = `${connection.database ? db + ' · ' : ''}${waitingText(ctrl) ?? ''}`;
  const tooltip = [
    `Workspace folder: ${ctrl.name}`,
    `Migrations: ${ctrl.model.folderModel.dir}`,
    `Database: ${db}${connection.source ? ` (from ${connection.source})` : ''}`,
    connection.error ? `Error: ${connection.error}` : '',
  ].filter(Boolean).join('\n');
  return { kind: 'folder', id: `folder:${ctrl.key}`, folder: ctrl.key, label: ctrl.name, description, tooltip };
}
