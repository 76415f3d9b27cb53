// The one model the tree, CodeLens, diagnostics and status bar read. Files are parsed once here;
// statuses are derived from the parsed files and the last history rows read from the database,
// so editing a file updates drift and lenses without asking the database again.
import { normaliseText } from '../../engine/checksum';
import { buildStatus } from '../../engine/plan';
import type { HistoryRow, StatusEntry } from '../../engine/types';
import { analyseFile, folderModel, type FolderModel, type MigrationFile } from './migration-files';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'error' | 'untrusted';

export interface ConnectionInfo {
  state: ConnectionState;
  /** Safe to show: never a password. */
  database: string | null;
  /** Where the connection came from ("settings", "config.yaml", "DATABASE_URL", …). */
  source: string | null;
  error: string | null;
  /** The embedded PGlite database; `firstStart`: its data folder does not exist yet (slow start). */
  embedded?: boolean;
  firstStart?: boolean;
}

type Listener = () => void;

export class MigrationsModel {
  private folder: FolderModel = folderModel('', false, []);
  private rows: HistoryRow[] | null = null;
  private derived: StatusEntry[] | null = null;
  private byPath = new Map<string, MigrationFile>();
  private runnable = new Set<string>();
  private entryByVersion = new Map<string, StatusEntry>();
  private conn: ConnectionInfo = { state: 'idle', database: null, source: null, error: null };
  private readonly listeners = new Set<Listener>();

  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  get folderModel(): FolderModel {
    return this.folder;
  }

  get connection(): ConnectionInfo {
    return this.conn;
  }

  /** Status of every migration, or null while the database has not been read. */
  get entries(): StatusEntry[] | null {
    return this.derived;
  }

  get historyRows(): HistoryRow[] | null {
    return this.rows;
  }

  get pendingCount(): number {
    return this.derived?.filter((e) => e.status === 'pending' || e.status === 'rollback' || e.status === 'failed').length ?? 0;
  }

  fileAt(path: string): MigrationFile | undefined {
    return this.byPath.get(path);
  }

  entryFor(version: string | null | undefined): StatusEntry | undefined {
    return version ? this.entryByVersion.get(version) : undefined;
  }

  /** The file parses, is well named and its version is used once. */
  isRunnable(path: string): boolean {
    return this.runnable.has(path);
  }

  /** Files that cannot run, shown in the tree next to the migrations. */
  get invalidFiles(): MigrationFile[] {
    return this.folder.files.filter((f) => !this.runnable.has(f.path));
  }

  /**
   * Files created empty a moment ago and not edited or saved since: not "invalid" yet (the user is
   * about to write them). Editing or saving one (even empty) ends that.
   */
  private readonly fresh = new Set<string>();

  isFreshEmpty(path: string): boolean {
    return this.fresh.has(path) && this.byPath.get(path)?.text.trim() === '';
  }

  markFresh(path: string, fresh: boolean): void {
    const had = this.fresh.has(path);
    if (fresh) this.fresh.add(path);
    else this.fresh.delete(path);
    if (had !== fresh) this.emit();
  }

  setFolder(folder: FolderModel): void {
    this.folder = folder;
    this.derive();
  }

  /**
   * An editor's text for a file of the folder; re-parses only when it differs from what the model
   * has. Returns the file as now analysed, or undefined when the path is not in the folder.
   */
  syncText(path: string, text: string): MigrationFile | undefined {
    const known = this.byPath.get(path);
    if (!known) return undefined;
    if (known.text === normaliseText(text)) return known;
    const others = this.folder.files.filter((f) => f.path !== path);
    this.setFolder(folderModel(this.folder.dir, this.folder.exists, [...others, analyseFile(path, text)]));
    return this.byPath.get(path);
  }

  setRows(rows: HistoryRow[] | null): void {
    this.rows = rows;
    this.derive();
  }

  setConnection(info: Partial<ConnectionInfo>): void {
    this.conn = { ...this.conn, ...info };
    this.emit();
  }

  private derive(): void {
    this.byPath = new Map(this.folder.files.map((f) => [f.path, f]));
    this.runnable = new Set(this.folder.migrations.map((m) => m.path!));
    this.derived = this.rows ? buildStatus(this.folder.migrations, this.rows) : null;
    this.entryByVersion = new Map((this.derived ?? []).map((e) => [e.version, e]));
    this.emit();
  }

  private emit(): void {
    for (const l of [...this.listeners]) l();
  }
}
