// Named environments: switch the active one (status bar, palette, view title), and compare them all.
import * as vscode from 'vscode';
import type { EnvironmentStatus, MatrixRow } from '../../engine/compare';
import { errorText } from '../controller';
import type { Folders } from '../folders';
import { compareHtml } from '../model/compare-html';
import { requireTrust } from '../runner';
import { SETTINGS_SECTION } from '../settings';

type Command = (...args: never[]) => Promise<unknown>;

/** Quick pick of the config file's environments; `name` (tests, links) picks without asking ('' = none). */
export function switchEnvironment(folders: Folders): Command {
  return async (arg?: unknown, name?: string) => {
    const ctrl = await folders.choose('Switch environment', arg);
    if (!ctrl) return undefined;
    await ctrl.reloadFiles(); // the config file may have changed since it was read
    let chosen: string | null | undefined = name === undefined ? undefined : name || null;
    if (chosen === undefined) {
      if (!ctrl.environments.length) {
        void vscode.window.showInformationMessage('Migrate Lens: the config file defines no environments (add them under "environments:" in config.yaml, or use a dbconfig.yml).');
        return undefined;
      }
      const current = ctrl.environment;
      type Item = vscode.QuickPickItem & { env: string | null };
      const items: Item[] = [
        { label: '$(circle-slash) No environment', description: 'the default connection (settings, config file, DATABASE_URL, …)', env: null, picked: current === null },
        ...ctrl.environments.map((e) => ({
          label: `${e.protected ? '$(lock)' : '$(server-environment)'} ${e.name}`,
          description: `${e.target}${e.protected ? ' · protected' : ''}`,
          detail: e.name === current ? `active · from ${e.file}` : `from ${e.file}`,
          env: e.name,
        })),
      ];
      const picked = await vscode.window.showQuickPick(items, { placeHolder: `Environment for ${ctrl.name} (now: ${current ?? 'none'})` });
      if (!picked) return undefined;
      chosen = picked.env;
    }
    if (chosen && !ctrl.environments.some((e) => e.name === chosen)) {
      void vscode.window.showErrorMessage(`Migrate Lens: the config file has no environment "${chosen}".`);
      return undefined;
    }
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, ctrl.folder.uri);
    const target = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders.length > 1 ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Workspace;
    await config.update('environment', chosen ?? undefined, target);
    ctrl.log.info(`environment of ${ctrl.name}: ${chosen ?? 'none (default connection)'}`);
    await ctrl.reset();
    await ctrl.refresh(true);
    return chosen;
  };
}

export interface Comparison {
  environments: Omit<EnvironmentStatus, 'entries'>[];
  rows: MatrixRow[];
}

let panel: vscode.WebviewPanel | undefined;

/**
 * "Compare Environments": every migration × every environment, read-only and in parallel; each
 * environment gets a time limit, so one that does not answer shows "unreachable". Returns the
 * matrix (for tests) and shows it in a webview table.
 */
export function compareEnvironments(folders: Folders): Command {
  return async (arg?: unknown, opts?: { timeoutMs?: number }) => {
    if (!requireTrust()) return undefined;
    const ctrl = await folders.choose('Compare environments', arg);
    if (!ctrl) return undefined;
    await ctrl.reloadFiles();
    if (!ctrl.environments.length) {
      void vscode.window.showInformationMessage('Migrate Lens: the config file defines no environments to compare (add them under "environments:" in config.yaml, or use a dbconfig.yml).');
      return undefined;
    }
    const { compareMatrix, readEnvironments } = await import('../../engine/compare');
    const settingsOf = (await import('../settings')).readSettings(ctrl.folder);
    try {
      const envs = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Migrate Lens: reading ${ctrl.environments.length} environments…` },
        () =>
          readEnvironments({
            cwd: ctrl.folder.uri.fsPath,
            env: process.env,
            configFile: settingsOf.configFile,
            migrationsDir: settingsOf.migrationsDir,
            table: settingsOf.table,
            timeoutMs: opts?.timeoutMs,
            passwordFor: async (name) => ctrl.environmentPassword(name),
          }),
      );
      const rows = compareMatrix(envs);
      for (const e of envs) ctrl.log.info(`compare: ${e.name} ${e.state}${e.error ? `: ${e.error}` : ''}`);
      const html = compareHtml(ctrl.name, envs, rows, ctrl.environment);
      if (!panel) {
        panel = vscode.window.createWebviewPanel('migrateLens.compare', 'Compare Environments', vscode.ViewColumn.Active, { enableScripts: false });
        panel.onDidDispose(() => (panel = undefined));
      }
      panel.title = `Compare Environments · ${ctrl.name}`;
      panel.webview.html = html;
      panel.reveal();
      return { environments: envs.map(({ entries: _, ...e }) => e), rows } satisfies Comparison;
    } catch (err) {
      void vscode.window.showErrorMessage(`Migrate Lens: cannot compare environments: ${errorText(err)}`);
      return undefined;
    }
  };
}
