// Status (reload), Show Version, Set Database Password, Show Output.
import * as vscode from 'vscode';
import type { Folders } from '../folders';
import { errorText } from '../controller';
import { requireTrust, runDatabaseAction } from '../runner';

type Command = (...args: never[]) => Promise<unknown>;

export function status(folders: Folders): Command {
  return async () => {
    await folders.refreshAll();
    if (!vscode.workspace.isTrusted) {
      // The files were re-read; the database is not asked, and the user should know why.
      void vscode.window
        .showInformationMessage(
          'Migrate Lens: Restricted Mode: the migration files were re-read, but the database is not read until you trust this workspace.',
          'Manage Workspace Trust',
        )
        .then((c) => c && vscode.commands.executeCommand('workbench.trust.manage'));
    }
    for (const ctrl of folders.withMigrations) {
      const { state, error } = ctrl.model.connection;
      if (state === 'error') {
        const where = folders.multiRoot ? ` of ${ctrl.name}` : '';
        void vscode.window.showErrorMessage(`Migrate Lens: cannot read the migration status${where}: ${error}`, 'Show Output').then((c) => c && ctrl.log.show());
      }
    }
    // One folder: its entries, as before; several: every folder's.
    const list = folders.withMigrations;
    return list.length === 1 ? list[0].model.entries : list.map((c) => ({ folder: c.name, entries: c.model.entries }));
  };
}

export function version(folders: Folders): Command {
  return async (arg?: unknown) => {
    const ctrl = await folders.choose('Show the database version', arg);
    if (!ctrl) return undefined;
    return runDatabaseAction(ctrl, {
      title: 'Version',
      readOnly: true,
      op: (m) => m.version(),
      summary: (v) => (v ? `Database version: ${v.version} ${v.name}` : 'Database version: none (no migration applied)'),
    });
  };
}

export function setPassword(folders: Folders): Command {
  return async (passwordArg?: string) => {
    if (!requireTrust()) return false;
    const ctrl = await folders.choose('Set the database password');
    if (!ctrl) return false;
    let settings;
    try {
      settings = await ctrl.resolveSettings(false);
    } catch (err) {
      void vscode.window.showErrorMessage(`Migrate Lens: ${errorText(err)}`);
      return false;
    }
    const db = settings.connection.description;
    if (settings.connection.kind !== 'url') {
      const why = settings.connection.kind === 'embedded' ? 'the embedded PGlite database needs no password' : 'the PG* environment variables are used (set PGPASSWORD there)';
      void vscode.window.showInformationMessage(`Migrate Lens: ${why}. Set migrateLens.connectionString to use a server.`);
      return false;
    }
    const password =
      typeof passwordArg === 'string'
        ? passwordArg
        : await vscode.window.showInputBox({ title: 'Set Database Password', prompt: `Password for ${db}`, password: true, ignoreFocusOut: true });
    if (password === undefined) return false;
    await ctrl.storePassword(settings, password);
    ctrl.log.info(`password stored in Secret Storage for ${db}`);
    await ctrl.refresh(true); // a read begun before the password was stored must not stand
    return true;
  };
}

export function showOutput(folders: Folders): Command {
  return async () => folders.log.show();
}

/** The status bar's click: the actions that fit the folder's state. */
export function statusActions(folders: Folders): Command {
  return async () => {
    const ctrl = folders.forActiveEditor() ?? folders.withMigrations[0];
    if (!ctrl) return undefined;
    const entries = ctrl.model.entries ?? [];
    const pending = ctrl.model.pendingCount;
    const failed = entries.filter((e) => e.status === 'failed' || e.status === 'partial');
    const drifted = entries.filter((e) => e.status === 'drifted');
    type Item = vscode.QuickPickItem & { run: () => Thenable<unknown> };
    const target = { folder: ctrl.key };
    const items: Item[] = [];
    if (pending && ctrl.trusted) items.push({ label: `$(arrow-up) Run ${pending} pending migration${pending === 1 ? '' : 's'}`, description: 'Migrate Lens: Up', run: () => vscode.commands.executeCommand('migrateLens.up', target) });
    for (const e of failed.slice(0, 5)) {
      const at = { folder: ctrl.key, version: e.version };
      if (e.status === 'partial' && e.row?.progress && ctrl.trusted) {
        const p = e.row.progress;
        items.push({ label: `$(debug-continue) Resume ${e.version} ${e.name}`, description: `Migrate Lens: Resume Partial Migration (${p.done} of ${p.total} statements done)`, run: () => vscode.commands.executeCommand('migrateLens.resume', at) });
      }
      items.push({ label: `$(error) Show failure of ${e.version} ${e.name}`, description: `Migrate Lens: Show Failure${e.status === 'partial' ? ' (partial)' : ''}`, run: () => vscode.commands.executeCommand('migrateLens.showError', at) });
    }
    for (const e of drifted.slice(0, 5)) {
      items.push({ label: `$(diff) Show drift of ${e.version} ${e.name}`, description: 'Migrate Lens: Show Diff with Applied Version', run: () => vscode.commands.executeCommand('migrateLens.showDiff', { folder: ctrl.key, version: e.version }) });
    }
    if (ctrl.environments.length) items.push({ label: '$(server-environment) Switch environment…', description: `now: ${ctrl.environment ?? 'default'}`, run: () => vscode.commands.executeCommand('migrateLens.switchEnvironment', target) });
    items.push({ label: '$(list-tree) Show the Migrations view', run: () => vscode.commands.executeCommand('migrateLens.migrations.focus') });
    items.push({ label: '$(refresh) Reload the status', description: 'Migrate Lens: Status (Reload)', run: () => vscode.commands.executeCommand('migrateLens.status') });
    if (ctrl.model.connection.state === 'error') items.push({ label: '$(key) Set the database password', description: 'Migrate Lens: Set Database Password', run: () => vscode.commands.executeCommand('migrateLens.setPassword') });
    items.push({ label: '$(output) Show the log', description: 'Migrate Lens: Show Output', run: () => vscode.commands.executeCommand('migrateLens.showOutput') });
    const picked = await vscode.window.showQuickPick(items, { placeHolder: `Migrate Lens: ${folders.multiRoot ? ctrl.name + ' · ' : ''}${ctrl.model.connection.database ?? ''}` });
    return picked?.run();
  };
}
