// The Migrations view: TreeItems made from the pure tree model.
import * as vscode from 'vscode';
import type { MigrationsModel } from './model/migrations-model';
import { buildTreeModel, nodeTooltip, type TreeNode } from './model/tree-model';

export class MigrationsTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private nodes: TreeNode[] = [];
  private signature = '';
  private readonly subscription: { dispose(): void };

  constructor(private readonly model: MigrationsModel) {
    this.subscription = model.onDidChange(() => {
      const nodes = this.build();
      const signature = nodes.map((n) => `${n.id}\u0001${n.description}\u0001${n.line}\u0001${n.entry?.row?.error ?? ''}`).join('\n');
      this.nodes = nodes;
      // Typing in one file changes the model often; VS Code re-reads every item on each event.
      if (signature === this.signature) return;
      this.signature = signature;
      this.changed.fire();
    });
  }

  /** Shown only with a known status; otherwise the welcome view explains what is missing. */
  private build(): TreeNode[] {
    const entries = this.model.entries;
    if (!entries || !this.model.folderModel.exists) return [];
    return buildTreeModel(entries, this.model.invalidFiles);
  }

  get current(): readonly TreeNode[] {
    return this.nodes;
  }

  getChildren(element?: TreeNode): TreeNode[] {
    return element ? [] : this.nodes;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
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
      item.command = { command: 'migrateLens.showDiff', title: 'Show Applied Version', arguments: [node] };
    }
    item.accessibilityInformation = { label: `${node.label}, ${node.description}` };
    return item;
  }

  /** Tooltips are made when hovered: 10,000 of them up front would slow every refresh. */
  resolveTreeItem(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
    item.tooltip = new vscode.MarkdownString(nodeTooltip(node));
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
