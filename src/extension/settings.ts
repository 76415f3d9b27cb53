// The one place that reads the extension's configuration.
import * as vscode from 'vscode';

export interface ExtensionSettings {
  /** Undefined when the user left the default, so a config file's `migrations.dir` can apply. */
  migrationsDir: string | undefined;
  configFile: string | undefined;
  connectionString: string | undefined;
  table: string | undefined;
  /** The named environment of the config file to use (`environments:` / dbconfig.yml). */
  environment: string | undefined;
}

function explicit(config: vscode.WorkspaceConfiguration, key: string): string | undefined {
  const i = config.inspect<string>(key);
  const value = i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function readSettings(folder: vscode.WorkspaceFolder): ExtensionSettings {
  const config = vscode.workspace.getConfiguration('migrateLens', folder.uri);
  return {
    migrationsDir: explicit(config, 'migrationsDir'),
    configFile: explicit(config, 'configFile'),
    connectionString: explicit(config, 'connectionString'),
    table: explicit(config, 'table'),
    environment: explicit(config, 'environment'),
  };
}

export const SETTINGS_SECTION = 'migrateLens';
