// Status (reload), Show Version, Set Database Password, Show Output.
import * as vscode from 'vscode';
import type { Controller } from '../controller';
import { errorText } from '../controller';
import { requireTrust, runDatabaseAction } from '../runner';

type Command = (...args: never[]) => Promise<unknown>;

export function status(ctrl: Controller): Command {
  return async () => {
    await ctrl.refresh();
    const { state, error } = ctrl.model.connection;
    if (state === 'error') {
      void vscode.window.showErrorMessage(`Migrate Lens: cannot read the migration status: ${error}`, 'Show Output').then((c) => c && ctrl.log.show());
    }
    return ctrl.model.entries;
  };
}

export function version(ctrl: Controller): Command {
  return () =>
    runDatabaseAction(ctrl, {
      title: 'Version',
      op: (m) => m.version(),
      summary: (v) => (v ? `Database version: ${v.version} ${v.name}` : 'Database version: none (no migration applied)'),
    });
}

export function setPassword(ctrl: Controller): Command {
  return async (passwordArg?: string) => {
    if (!requireTrust()) return false;
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
    await ctrl.refresh();
    return true;
  };
}

export function showOutput(ctrl: Controller): Command {
  return async () => ctrl.log.show();
}
