// The Migrations view: TreeItems made from the pure tree model. One workspace folder: its groups
// (problems, pending, batches; model/tree-groups.ts) at the top level. Several: one root node per
// folder that has migrations (its name, its connection, its pending count), its groups below.
// VS Code asks for a level only when it is expanded, so a collapsed batch of 1,000 costs one row.
import * as vscode from 'vscode';
import type { Controller } from './controller';
import type { Folders } from './folders';
import { groupChildren, groupNodes, isGroupNode, type GroupNode, type Grouped } from './model/tree-groups';
import { buildTreeModel, buildUnknownTreeModel, nodeTooltip, type TreeNode } from './model/tree-model';
import type { StatusFilter } from './status-filter';

export interface FolderNode {
  kind: 'folder';
  id: string;
  folder: string;
  label: string;
  description: string;
  tooltip: string;
}

export type ViewNode = TreeNode | FolderNode | GroupNode;

/** The view as it stands, every level (for tests and the API). */
export interface ViewTreeEntry {
  kind: 'folder' | 'group' | 'migration';
  id: string;
  label: string;
  description: string;
  expanded: boolean;
  children: ViewTreeEntry[];
}

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
  private grouped = new Map<string, Grouped>();
  private parents = new Map<string, ViewNode>();
  private roots: ViewNode[] = [];
  private signature = '';
  private readonly subscriptions: { dispose(): void }[];

  constructor(
    private readonly folders: Folders,
    private readonly filter: StatusFilter,
  ) {
    this.subscriptions = [folders.onDidChange(() => this.rebuild()), filter.onDidChange(() => this.rebuild())];
    this.rebuild();
  }

  private rebuild(): void {
    const nodes = new Map<string, TreeNode[]>();
    const grouped = new Map<string, Grouped>();
    const parents = new Map<string, ViewNode>();
    const multi = this.folders.multiRoot;
    const filter = this.filter.set;
    for (const ctrl of this.folders.all) {
      const list = this.build(ctrl);
      nodes.set(ctrl.key, list);
      const g = groupNodes(list, { folder: multi ? ctrl.key : null, statusKnown: !!ctrl.model.entries, filter });
      grouped.set(ctrl.key, g);
      for (const [id, parent] of g.parents) parents.set(id, parent);
    }
    const roots: ViewNode[] = multi
      ? this.folders.withMigrations.map((c) => folderNode(c, grouped.get(c.key)))
      : (grouped.get(this.folders.all[0]?.key ?? '')?.top ?? []);
    if (multi) {
      for (const root of roots as FolderNode[]) for (const top of grouped.get(root.folder)?.top ?? []) parents.set(top.id, root);
    }
    const groupLines = [...grouped.values()].flatMap((g) => g.top.filter(isGroupNode).flatMap((n) => [n, ...(n.chunks ?? [])]));
    const signature = [
      JSON.stringify(this.filter.statuses),
      ...roots.filter(isFolderNode).map((r) => `${r.id}\u0001${r.description}`),
      ...groupLines.map((n) => `${n.id}\u0001${n.label}\u0001${n.description}`),
      ...[...nodes.values()].flat().map((n) => `${n.id}\u0001${n.description}\u0001${n.line}\u0001${n.entry?.row?.error ?? ''}`),
    ].join('\n');
    this.nodes = nodes;
    this.grouped = grouped;
    this.parents = parents;
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

  /** The filter is on, there are migrations, and it hides every one of them. */
  get filterHidesAll(): boolean {
    if (!this.filter.statuses) return false;
    const all = [...this.grouped.values()];
    return all.some((g) => g.total > 0) && all.every((g) => g.shown === 0);
  }

  /** The first pending (or rolled back) migration of the first folder that has one, filter or not. */
  firstPending(): { node: TreeNode; shown: boolean } | undefined {
    for (const ctrl of this.folders.withMigrations) {
      const node = (this.nodes.get(ctrl.key) ?? []).find((n) => n.status === 'pending' || n.status === 'rollback');
      if (node) return { node, shown: this.parents.has(node.id) || this.roots.includes(node) };
    }
    return undefined;
  }

  private readonly topReads: (() => void)[] = [];

  /**
   * Resolves once VS Code has read the top level again (so the view shows what the model holds now).
   * The first-view welcome text is hidden only then: hidden sooner, the view would be blank meanwhile.
   */
  nextTopRead(): Promise<void> {
    return new Promise((resolve) => this.topReads.push(resolve));
  }

  getChildren(element?: ViewNode): ViewNode[] {
    if (!element) {
      // After the reply to this read has gone back to the workbench, not before it.
      if (this.topReads.length) setTimeout((done) => done.forEach((r) => r()), 50, this.topReads.splice(0));
      return this.roots;
    }
    if (isFolderNode(element)) return this.grouped.get(element.folder)?.top ?? [];
    if (isGroupNode(element)) return [...groupChildren(element)];
    return [];
  }

  getParent(element: ViewNode): ViewNode | undefined {
    return this.parents.get(element.id);
  }

  /** Every level of the view as it stands (collapsed groups too): what the tests compare. */
  describe(): ViewTreeEntry[] {
    const walk = (n: ViewNode): ViewTreeEntry => {
      const kind = isFolderNode(n) ? 'folder' : isGroupNode(n) ? 'group' : 'migration';
      const expanded = isFolderNode(n) || (isGroupNode(n) && n.expanded);
      return { kind, id: n.id, label: n.label, description: n.description, expanded, children: this.getChildren(n).map(walk) };
    };
    return this.roots.map(walk);
  }

  getTreeItem(node: ViewNode): vscode.TreeItem {
    if (isGroupNode(node)) {
      const item = new vscode.TreeItem(node.label, node.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.id = node.id;
      item.description = node.description;
      item.tooltip = node.tooltip;
      item.iconPath = GROUP_ICONS[node.category];
      item.contextValue = `group.${node.category}`;
      item.accessibilityInformation = { label: `${node.label}, ${node.description}` };
      return item;
    }
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
      // vscode.open gets the click's own options from the view, as the Explorer does: a single
      // click opens a preview and leaves focus in the tree; a double click or Enter keeps the tab
      // and moves focus to the editor. Only the line to show is ours.
      const at = node.line ? Math.max(0, node.line - 1) : null;
      item.command = {
        command: 'vscode.open',
        title: 'Open Migration File',
        arguments: at === null ? [item.resourceUri] : [item.resourceUri, { selection: new vscode.Range(at, 0, at, 0) }],
      };
    } else if (node.status === 'missing') {
      // The file is gone, but the history kept the text that was applied.
      item.command = { command: 'migrateLens.showDiff', title: 'Show Applied Copy', arguments: [node] };
    }
    item.accessibilityInformation = { label: `${node.label}, ${node.description}` };
    return item;
  }

  /** Tooltips are made when hovered: 10,000 of them up front would slow every refresh. */
  resolveTreeItem(item: vscode.TreeItem, node: ViewNode): vscode.TreeItem {
    if (!isFolderNode(node) && !isGroupNode(node)) item.tooltip = new vscode.MarkdownString(nodeTooltip(node));
    return item;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

const GROUP_ICONS: Record<GroupNode['category'], vscode.ThemeIcon> = {
  problems: new vscode.ThemeIcon('warning', new vscode.ThemeColor('migrateLens.failedForeground')),
  pending: new vscode.ThemeIcon('circle-large-outline', new vscode.ThemeColor('migrateLens.pendingForeground')),
  batch: new vscode.ThemeIcon('layers', new vscode.ThemeColor('migrateLens.appliedForeground')),
  chunk: new vscode.ThemeIcon('list-flat'),
};

function folderNode(ctrl: Controller, grouped: Grouped | undefined): FolderNode {
  const { connection } = ctrl.model;
  const db = (ctrl.environment ? `[${ctrl.environment}] ` : '') + (connection.database ?? 'database');
  const pending = ctrl.model.pendingCount;
  let description: string;
  if (connection.state === 'connected') description = `${db} · ${pending} pending`;
  else if (connection.state === 'error') description = `${db} · cannot connect`;
  else description = `${connection.database ? db + ' · ' : ''}${waitingText(ctrl) ?? ''}`;
  if (grouped && grouped.total > 0 && grouped.shown === 0) description += ' · the filter hides all';
  const tooltip = [
    `Workspace folder: ${ctrl.name}`,
    `Migrations: ${ctrl.model.folderModel.dir}`,
    `Database: ${db}${connection.source ? ` (from ${connection.source})` : ''}`,
    connection.error ? `Error: ${connection.error}` : '',
  ].filter(Boolean).join('\n');
  return { kind: 'folder', id: `folder:${ctrl.key}`, folder: ctrl.key, label: ctrl.name, description, tooltip };
}
