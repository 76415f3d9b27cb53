// The Migrations view's own commands: Filter by Status…, Clear Filter, Reveal First Pending.
import * as vscode from 'vscode';
import type { Folders } from '../folders';
import { FILTER_STATUSES, filterStatusOf, type FilterStatus } from '../model/tree-groups';
import type { StatusFilter } from '../status-filter';
import type { MigrationsTreeProvider, ViewNode } from '../tree-view';

/** What the view's commands work on besides the folders. */
export interface ViewContext {
  tree: MigrationsTreeProvider;
  view: vscode.TreeView<ViewNode>;
  filter: StatusFilter;
}

type Command = (...args: never[]) => Promise<unknown>;

/**
 * A multi-select pick of the statuses to show (each with how many migrations have it now), or
 * `statuses` given directly (tests, keybindings). None or all selected: no filter.
 */
export function filterByStatus(_folders: Folders, ui: ViewContext): Command {
  return async (statuses?: readonly string[]) => {
    if (Array.isArray(statuses)) return ui.filter.update(statuses);
    const counts = new Map<FilterStatus, number>();
    for (const n of ui.tree.current) counts.set(filterStatusOf(n), (counts.get(filterStatusOf(n)) ?? 0) + 1);
    const current = ui.filter.statuses;
    const picked = await vscode.window.showQuickPick(
      FILTER_STATUSES.map((s) => ({
        label: s,
        description: `${counts.get(s) ?? 0}`,
        detail: s === 'pending' ? 'includes rolled back migrations and files whose status is not read yet' : undefined,
        picked: current ? current.includes(s) : false,
      })),
      { canPickMany: true, title: 'Filter by Status', placeHolder: 'Statuses to show (none selected: show all)' },
    );
    if (!picked) return undefined;
    return ui.filter.update(picked.map((p) => p.label));
  };
}

export function clearFilter(_folders: Folders, ui: ViewContext): Command {
  return async () => ui.filter.update(null);
}

/**
 * Selects the first pending migration in the view, expanding its group. Says so when nothing is
 * pending, when the status is not known yet, or when the filter hides it (and offers to clear it).
 */
export function revealFirstPending(folders: Folders, ui: ViewContext): Command {
  return async () => {
    const unread = folders.withMigrations.find((c) => !c.model.entries);
    const found = ui.tree.firstPending();
    if (!found) {
      const why = unread
        ? `the migration status of ${unread.name} is not read yet (${unread.model.connection.error ?? unread.model.connection.state}).`
        : 'no migration is pending.';
      void vscode.window.showInformationMessage(`Migrate Lens: ${why}`);
      return undefined;
    }
    if (!found.shown) {
      const choice = await vscode.window.showInformationMessage(
        `Migrate Lens: the first pending migration, ${found.node.label}, is hidden by the status filter.`,
        'Clear Filter',
      );
      if (choice !== 'Clear Filter') return undefined;
      await ui.filter.update(null);
    }
    const ok = await revealAndSelect(ui.view, found.node, (n) => folders.log.info(`Reveal First Pending: the view skipped the selection, revealing again (${n})`));
    if (!ok) folders.log.warn(`Reveal First Pending: ${found.node.label} could not be selected in the view`);
    return ok ? found.node.label : undefined;
  };
}

/**
 * TreeView.reveal resolves even when VS Code silently skips the selection (its copy of the items
 * was being refreshed at that moment, seen on a busy machine): try again until the selection says so.
 */
async function revealAndSelect(view: vscode.TreeView<ViewNode>, node: ViewNode, onRetry: (attempt: number) => void, attempts = 3): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (i > 0) onRetry(i + 1);
    const selected = selectionOf(view, node.id, 3_000);
    await view.reveal(node, { select: true, focus: true, expand: false });
    if (view.selection.some((n) => n.id === node.id) || (await selected)) return true;
  }
  return false;
}

/** Resolves true once `id` is selected in the view (at once if it is), false after `ms`. */
function selectionOf(view: vscode.TreeView<ViewNode>, id: string, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const has = () => view.selection.some((n) => n.id === id);
    const done = (value: boolean) => {
      clearTimeout(timer);
      listener.dispose();
      resolve(value);
    };
    const listener = view.onDidChangeSelection(() => has() && done(true));
    const timer = setTimeout(() => done(has()), ms);
  });
}
