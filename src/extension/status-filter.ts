// The Migrations view's status filter, kept per workspace (workspaceState) so it survives a reload.
import * as vscode from 'vscode';
import { parseFilter, type FilterStatus } from './model/tree-groups';

const KEY = 'migrateLens.statusFilter';

export class StatusFilter implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private value: FilterStatus[] | null;

  constructor(private readonly state: vscode.Memento) {
    this.value = parseFilter(state.get(KEY));
  }

  /** The statuses shown, or null when every status is. */
  get statuses(): readonly FilterStatus[] | null {
    return this.value;
  }

  get set(): ReadonlySet<FilterStatus> | null {
    return this.value ? new Set(this.value) : null;
  }

  /** Keeps `statuses` (none or all of them: no filter). */
  async update(statuses: readonly string[] | null): Promise<void> {
    const next = parseFilter(statuses);
    if (JSON.stringify(next) === JSON.stringify(this.value)) return;
    this.value = next;
    await this.state.update(KEY, next ?? undefined);
    void vscode.commands.executeCommand('setContext', 'migrateLens.filtered', next !== null);
    this.changed.fire();
  }

  /** Sets the context key the title bar's "Clear Filter" depends on (once, at start). */
  publish(): void {
    void vscode.commands.executeCommand('setContext', 'migrateLens.filtered', this.value !== null);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
