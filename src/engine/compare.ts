// Every migration × every named environment: the status of each migration in each environment's
// database, read in parallel and read-only, each with a time limit so one unreachable server shows
// "unreachable" instead of holding up the others. Shared by `status --all-envs` and the extension.
import { listEnvironments, resolveSettings, type ResolveOptions, type Settings } from './config';
import { openDatabase } from './database';
import { History } from './history';
import { loadMigrationsAsync } from './source';
import { buildStatus } from './plan';
import { redact } from './redact';
import type { DisplayStatus, StatusEntry } from './types';

export const COMPARE_TIMEOUT_MS = 5000;

export interface EnvironmentStatus {
  name: string;
  protected: boolean;
  /** The database, without a password (or why it cannot be known). */
  target: string;
  /** `ok`: entries were read; `unreachable`: no answer in time or no connection; `error`: anything else. */
  state: 'ok' | 'unreachable' | 'error';
  error: string | null;
  entries: StatusEntry[] | null;
}

export type CellStatus = DisplayStatus | 'unreachable' | 'error' | 'absent';

export interface MatrixCell {
  status: CellStatus;
  appliedAt: Date | null;
  batch: number | null;
  checksum: string | null;
  /** Environments where the same version was applied from other text (another checksum). */
  differsFrom: string[];
}

export interface MatrixRow {
  version: string;
  name: string;
  cells: Record<string, MatrixCell>;
}

export interface ReadOptions extends Omit<ResolveOptions, 'environment' | 'password'> {
  /** Only these environments (default: all the config file defines). */
  names?: string[];
  timeoutMs?: number;
  /** A stored password per environment (the extension's SecretStorage). */
  passwordFor?: (name: string) => Promise<string | undefined>;
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', '57P03', '08001', '08006']);

/** Reads every environment's status at once; never throws for one environment's failure. */
export async function readEnvironments(options: ReadOptions): Promise<EnvironmentStatus[]> {
  const { passwordFor, names, timeoutMs: limit, ...opts } = options;
  const listed = listEnvironments(opts);
  const chosen = names ? listed.filter((e) => names.includes(e.name)) : listed;
  const timeoutMs = limit ?? COMPARE_TIMEOUT_MS;
  return Promise.all(
    chosen.map(async (env): Promise<EnvironmentStatus> => {
      const base = { name: env.name, protected: env.protected, target: env.target };
      let settings: Settings;
      try {
        const password = await passwordFor?.(env.name);
        settings = resolveSettings({ ...opts, environment: env.name, password });
      } catch (err) {
        return { ...base, state: 'error', error: redact(message(err)), entries: null };
      }
      // The connection gives up by itself too, so nothing is left hanging after the timer fired.
      if (settings.connection.kind !== 'embedded') settings = { ...settings, connection: { ...settings.connection, connectTimeoutMs: settings.connection.connectTimeoutMs ?? timeoutMs } };
      try {
        const entries = await withTimeout(readStatus(settings), timeoutMs);
        return { ...base, target: settings.connection.description, state: 'ok', error: null, entries };
      } catch (err) {
        const code = (err as { code?: string }).code ?? '';
        const unreachable = err instanceof TimeoutError || CONNECTION_CODES.has(code);
        return { ...base, target: settings.connection.description, state: unreachable ? 'unreachable' : 'error', error: redact(message(err)), entries: null };
      }
    }),
  );
}

class TimeoutError extends Error {}

/** Races `work` against a timer; a late result is still cleaned up by `work` itself. */
function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`no answer within ${ms / 1000} s`)), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Read-only: files and history rows; the connection is closed however it ends. */
async function readStatus(settings: Settings): Promise<StatusEntry[]> {
  const files = loadMigrationsAsync(settings.migrationsDir, { lazyParse: true });
  files.catch(() => undefined);
  const db = await openDatabase(settings.connection);
  try {
    const history = new History(db, settings.schema, settings.table);
    const rows = (await history.exists()) ? await history.read() : [];
    return buildStatus(await files, rows);
  } finally {
    await db.close().catch(() => undefined);
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** One row per version known anywhere (a file or a history row), in version order. */
export function compareMatrix(envs: readonly EnvironmentStatus[]): MatrixRow[] {
  const rows = new Map<string, MatrixRow>();
  for (const env of envs) {
    for (const e of env.entries ?? []) {
      if (!rows.has(e.version)) rows.set(e.version, { version: e.version, name: e.name, cells: {} });
    }
  }
  for (const row of rows.values()) {
    for (const env of envs) {
      if (env.state !== 'ok') {
        row.cells[env.name] = { status: env.state, appliedAt: null, batch: null, checksum: null, differsFrom: [] };
        continue;
      }
      const e = env.entries!.find((x) => x.version === row.version);
      row.cells[env.name] = e
        ? { status: e.status, appliedAt: e.row?.appliedAt ?? null, batch: e.row?.batch ?? null, checksum: applied(e.status) ? e.row?.checksum ?? null : null, differsFrom: [] }
        : { status: 'absent', appliedAt: null, batch: null, checksum: null, differsFrom: [] };
    }
    // Applied from different text in different environments: each names the others.
    for (const [name, cell] of Object.entries(row.cells)) {
      if (!cell.checksum) continue;
      cell.differsFrom = Object.entries(row.cells).filter(([other, c]) => other !== name && c.checksum && c.checksum !== cell.checksum).map(([other]) => other);
    }
  }
  return [...rows.values()].sort((a, b) => (a.version.length - b.version.length) || (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
}

function applied(s: DisplayStatus): boolean {
  return s === 'applied' || s === 'drifted' || s === 'missing';
}

const pad = (n: number) => String(n).padStart(2, '0');
function when(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** A cell as words: `applied 2024-01-01 12:34 (batch 3)`, `pending`, `unreachable`, `drifted ≠ prod`. */
export function cellText(cell: MatrixCell): string {
  let text: string = cell.status === 'rollback' ? 'rolled back' : cell.status === 'absent' ? '—' : cell.status;
  if (applied(cell.status as DisplayStatus) && cell.appliedAt) text += ` ${when(cell.appliedAt)}`;
  if (applied(cell.status as DisplayStatus) && cell.batch !== null) text += ` (batch ${cell.batch})`;
  if (cell.differsFrom.length) text += ` ≠ ${cell.differsFrom.join(', ')}`;
  return text;
}

/** The matrix as a text table (times in UTC), then one line per environment that could not be read. */
export function matrixText(envs: readonly EnvironmentStatus[], rows: readonly MatrixRow[]): string {
  if (envs.length === 0) return 'No environments: define them under "environments:" in config.yaml, or in a dbconfig.yml.\n';
  const header = ['VERSION', 'NAME', ...envs.map((e) => `${e.name}${e.protected ? ' (protected)' : ''}`)];
  const table = [header, ...rows.map((r) => [r.version, r.name, ...envs.map((e) => cellText(r.cells[e.name]))])];
  const widths = header.map((_, i) => Math.max(...table.map((line) => [...line[i]].length)));
  const lines = table.map((line) => line.map((c, i) => (i === line.length - 1 ? c : c + ' '.repeat(widths[i] - [...c].length))).join('  ').trimEnd());
  const notes = envs.filter((e) => e.state !== 'ok').map((e) => `${e.name}: ${e.state} (${e.target}): ${e.error}`);
  return [...lines, ...(notes.length ? ['', ...notes] : []), 'Times are UTC.'].join('\n') + '\n';
}
