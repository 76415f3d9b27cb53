// Wires the model to the world: reads the folder, resolves the connection like the CLI does
// (plus the setting and the stored password), reads history rows, runs the migrator.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { EnvironmentInfo, Settings } from '../engine/config';
import type { Migrator } from '../engine/migrator';
import { redact } from '../engine/redact';
import type { RunEvent } from '../engine/types';
import { DatabaseSession, loadEngine } from './database-session';
import type { Database } from '../engine/database';
import type { Log } from './log';
import { editorText } from './model/editor-text';
import { readFolder } from './model/migration-files';
import { MigrationsModel } from './model/migrations-model';
import { readSettings } from './settings';

export class Controller implements vscode.Disposable {
  readonly model = new MigrationsModel();
  private readonly session = new DatabaseSession();
  private statusLoad: Promise<void> | null = null;
  /** Environments the config file defines (empty without any); read with the files. */
  environments: EnvironmentInfo[] = [];
  /** Where the password of the last resolved connection came from (for the log; never the password). */
  private lastPasswordSource: string | null = null;
  /** Editor buffers that differ from disk, by path. */
  private readonly overlay = new Map<string, string>();

  constructor(
    /** The workspace folder this controller works in; a multi-root workspace has one controller per folder. */
    readonly folder: vscode.WorkspaceFolder,
    private readonly secrets: vscode.SecretStorage,
    readonly log: Log,
  ) {}

  get root(): vscode.WorkspaceFolder {
    return this.folder;
  }

  /** Identifies the folder in tree nodes, command arguments and URIs. */
  get key(): string {
    return this.folder.uri.toString();
  }

  get name(): string {
    return this.folder.name;
  }

  /** The active named environment (setting `migrateLens.environment`), null for the default connection. */
  get environment(): string | null {
    return readSettings(this.folder).environment ?? null;
  }

  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  /** Settings exactly as the CLI would resolve them from the workspace folder, plus ours. */
  async resolveSettings(withPassword = true): Promise<Settings> {
    const root = this.root;
    const ours = readSettings(root);
    const { resolveSettings } = await loadEngine();
    const options = {
      cwd: root.uri.fsPath,
      env: process.env,
      configFile: ours.configFile,
      connectionString: ours.connectionString,
      migrationsDir: ours.migrationsDir,
      table: ours.table,
      environment: ours.environment,
    };
    const plain = resolveSettings(options);
    if (!withPassword || plain.connection.kind !== 'url') return plain;
    const password = await this.secrets.get(secretKey(plain, this));
    this.lastPasswordSource = password ? 'Secret Storage' : plain.connection.password !== undefined ? 'the connection settings' : null;
    return password ? resolveSettings({ ...options, password }) : plain;
  }

  /** The migrations folder: the setting, else the config file's, else `migrations`. */
  async migrationsDir(): Promise<string | null> {
    const root = this.root;
    const explicit = readSettings(root).migrationsDir;
    if (explicit || !this.trusted) return resolve(root.uri.fsPath, explicit ?? 'migrations');
    try {
      return (await this.resolveSettings(false)).migrationsDir;
    } catch {
      return join(root.uri.fsPath, 'migrations');
    }
  }

  async reloadFiles(): Promise<void> {
    this.environments = this.trusted ? await this.listEnvironments() : [];
    const dir = await this.migrationsDir();
    this.model.setFolder(readFolder(dir ?? '', dir ? this.overlay : new Map()));
    if (!this.trusted && this.model.connection.state === 'idle') this.model.setConnection({ state: 'untrusted' });
  }

  /** An editor changed a file; undefined text means it was saved or closed (disk is the truth). */
  setBuffer(path: string, text: string | undefined): void {
    if (text === undefined) this.overlay.delete(path);
    else this.overlay.set(path, text);
  }

  /**
   * Reads history rows; coalesces concurrent callers. Never throws: errors go to the model.
   * `fresh`: something changed (password, environment) after a read in flight began: read again
   * once it ends, so its outcome (with the old settings) is not taken for the new one.
   */
  loadStatus(fresh = false): Promise<void> {
    if (fresh && this.statusLoad) return this.statusLoad.then(() => this.loadStatus());
    this.statusLoad ??= this.doLoadStatus().finally(() => {
      this.statusLoad = null;
    });
    return this.statusLoad;
  }

  /** Loads status unless it is known, failed, or not allowed. */
  ensureStatus(): void {
    const state = this.model.connection.state;
    if (state === 'idle' && this.trusted && this.model.folderModel.exists) void this.loadStatus();
  }

  private async doLoadStatus(): Promise<void> {
    if (!this.trusted) {
      this.model.setRows(null);
      this.model.setConnection({ state: 'untrusted', error: null });
      return;
    }
    const started = performance.now();
    try {
      const settings = await this.resolveSettings();
      const embedded = settings.connection.kind === 'embedded';
      // A first start that was cut short (the window closed) leaves the folder without a database in it.
      const firstStart = settings.connection.kind === 'embedded' && !existsSync(join(settings.connection.dataDir, 'PG_VERSION'));
      this.model.setConnection({ state: 'connecting', database: settings.connection.description, source: settings.source, error: null, embedded, firstStart });
      const rows = await this.session.readRows(settings);
      this.model.setRows(rows);
      // Drift is shown on the first changed line and a missing file rolls back from its copy: both need the stored text.
      await this.loadStoredCopies(settings).catch((err) => this.log.warn(`reading stored copies: ${errorText(err)}`));
      this.model.setConnection({ state: 'connected', error: null });
      this.log.info(`status: ${rows.length} history rows from ${settings.connection.description} (${settings.source}) in ${Math.round(performance.now() - started)} ms`);
    } catch (err) {
      // Shown in the view, the status bar and folder nodes: CLI verbs named as the editor's commands.
      const message = editorText(redact(errorText(err)));
      this.model.setRows(null);
      this.model.setConnection({ state: 'error', error: message });
      this.log.error(`status failed: ${message}${this.lastPasswordSource ? ` (password from ${this.lastPasswordSource})` : ' (no password)'}`);
    }
  }

  async refresh(fresh = false): Promise<void> {
    await this.reloadFiles();
    if (this.model.folderModel.exists) await this.loadStatus(fresh);
  }

  /** Settings or trust changed: forget the connection and start over (reading status again only if it was read). */
  async reset(): Promise<void> {
    const wasRead = this.model.connection.state !== 'idle';
    await this.session.close();
    this.model.setRows(null);
    this.model.setConnection({ state: 'idle', database: null, source: null, error: null });
    if (wasRead) await this.refresh(true);
    else await this.reloadFiles();
  }

  /** The environments of the config file; none when it cannot be read (the status says why). */
  private async listEnvironments(): Promise<EnvironmentInfo[]> {
    const ours = readSettings(this.root);
    try {
      const { listEnvironments } = await loadEngine();
      return listEnvironments({ cwd: this.root.uri.fsPath, env: process.env, configFile: ours.configFile, migrationsDir: ours.migrationsDir, table: ours.table });
    } catch {
      return [];
    }
  }

  /** The stored password of a named environment. */
  environmentPassword(name: string): Thenable<string | undefined> {
    return this.secrets.get(environmentSecretKey(this, name));
  }

  /** The text a migration had when it was applied, fetched from the history on first use. */
  async appliedText(version: string): Promise<string | null> {
    const row = this.model.entryFor(version)?.row;
    if (!row) return null;
    if (row.script === null && this.trusted) await this.session.attachScripts(await this.resolveSettings(), [row]);
    return row.script;
  }

  withDatabase<T>(settings: Settings, body: (db: Database) => Promise<T>): Promise<T> {
    return this.session.run(settings, body);
  }

  /**
   * Loads the stored text of every applied migration whose file is gone: rolling one back runs
   * the Down of that copy, and a confirmation must be able to say so (read() leaves the text out).
   */
  async loadStoredCopies(settings?: Settings): Promise<void> {
    const rows = (this.model.entries ?? [])
      .filter((e) => (e.status === 'missing' || e.status === 'drifted') && e.row && e.row.script === null)
      .map((e) => e.row!);
    if (!rows.length || !this.trusted) return;
    await this.session.attachScripts(settings ?? (await this.resolveSettings()), rows);
    // The rows were filled in place: derive again so diagnostics see the text.
    this.model.setRows(this.model.historyRows);
  }

  withMigrator<T>(settings: Settings, opts: { signal?: AbortSignal; onEvent?: (e: RunEvent) => void }, body: (m: Migrator) => Promise<T>): Promise<T> {
    return this.session.withMigrator(settings, opts, body);
  }

  async storePassword(settings: Settings, password: string): Promise<void> {
    await this.secrets.store(secretKey(settings, this), password);
    await this.session.close();
  }

  /** Closes the database connection; deactivate() waits for it. */
  close(): Promise<void> {
    return this.session.close();
  }

  dispose(): void {
    void this.session.close();
  }
}

/**
 * Passwords are stored per connection (user, host, port, database), never per workspace file; a
 * named environment has its own, per workspace folder.
 */
export function secretKey(settings: Settings, ctrl: { key: string }): string {
  if (settings.environment) return environmentSecretKey(ctrl, settings.environment.name);
  return `migrateLens.password:${settings.connection.description}`;
}

export function environmentSecretKey(ctrl: { key: string }, name: string): string {
  return `migrateLens.password:env:${ctrl.key}:${name}`;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
