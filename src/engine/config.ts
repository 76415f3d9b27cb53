import { readFileSync, existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Node } from 'yaml';
import { ConfigError } from './errors';
import { describeUrl, registerSecret, urlPassword } from './redact';

export type ConnectionSettings =
  | { kind: 'url'; url: string; password?: string; description: string; connectTimeoutMs?: number }
  | { kind: 'env'; description: string; connectTimeoutMs?: number }
  | { kind: 'embedded'; dataDir: string; description: string };

export interface Settings {
  connection: ConnectionSettings;
  /** Where the connection came from, for humans: "config.yaml", "DATABASE_URL", … */
  source: string;
  migrationsDir: string;
  table: string;
  schema: string;
  lockTimeoutMs: number;
  allowOutOfOrder: boolean;
  /** PostgreSQL lock_timeout for each migration's statements, ms; 0 leaves the server's setting. */
  ddlLockTimeoutMs: number;
  /** How often a migration that hit the lock timeout (SQLSTATE 55P03) is tried again. */
  ddlRetries: number;
}

export interface ResolveOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Explicit config file (`-config`); must exist. Otherwise `config.yaml` in cwd is used if present. */
  configFile?: string;
  /** Explicit connection string (extension setting); wins over everything. */
  connectionString?: string;
  /** A password kept elsewhere (the extension's SecretStorage). */
  password?: string;
  migrationsDir?: string;
  table?: string;
  schema?: string;
  lockTimeoutMs?: number;
  allowOutOfOrder?: boolean;
  ddlLockTimeoutMs?: number;
  ddlRetries?: number;
}

export const EMBEDDED_DATA_DIR = join('.migrate-lens', 'pglite');
export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;
/** PostgreSQL lock_timeout for each migration's statements (see the README: why 5 s). */
export const DEFAULT_DDL_LOCK_TIMEOUT_MS = 5_000;
/** Tries after the first that hit the lock timeout, with backoff (see the README). */
export const DEFAULT_DDL_RETRIES = 3;

const KEYS: Record<string, readonly string[]> = {
  '': ['database', 'migrations', 'lint'],
  database: ['url', 'host', 'port', 'user', 'password', 'dbname', 'sslmode', 'connect_timeout'],
  migrations: ['dir', 'table', 'schema', 'lock_timeout', 'out_of_order', 'ddl_lock_timeout', 'ddl_retries'],
};

type ConfigFile = { path: string; values: Record<string, Record<string, string>> };

/** One validated settings object from flags, config file, environment and defaults. */
export function resolveSettings(opts: ResolveOptions): Settings {
  const file = readConfig(opts);
  const db = file?.values.database ?? {};
  const mig = file?.values.migrations ?? {};
  const label = file ? relativeName(opts.cwd, file.path) : '';

  const migrationsDir = resolve(opts.cwd, opts.migrationsDir ?? mig.dir ?? 'migrations');
  const table = opts.table ?? mig.table ?? 'schema_migrations';
  const schema = opts.schema ?? mig.schema ?? 'public';
  if (!table) throw new ConfigError('the tracking table name is empty');
  if (!schema) throw new ConfigError('the tracking table schema is empty');
  const lockTimeoutMs = opts.lockTimeoutMs ?? (mig.lock_timeout ? seconds(mig.lock_timeout, `${label}: migrations.lock_timeout`) : DEFAULT_LOCK_TIMEOUT_MS);
  const allowOutOfOrder = opts.allowOutOfOrder ?? (mig.out_of_order ? bool(mig.out_of_order, `${label}: migrations.out_of_order`) : false);
  const ddlLockTimeoutMs =
    opts.ddlLockTimeoutMs ?? (mig.ddl_lock_timeout ? seconds(mig.ddl_lock_timeout, `${label}: migrations.ddl_lock_timeout`) : DEFAULT_DDL_LOCK_TIMEOUT_MS);
  const ddlRetries = opts.ddlRetries ?? (mig.ddl_retries ? count(mig.ddl_retries, `${label}: migrations.ddl_retries`) : DEFAULT_DDL_RETRIES);
  const connectTimeoutMs = db.connect_timeout ? seconds(db.connect_timeout, `${label}: database.connect_timeout`) : undefined;
  const common = { migrationsDir, table, schema, lockTimeoutMs, allowOutOfOrder, ddlLockTimeoutMs, ddlRetries };

  registerSecret(opts.password);
  if (opts.connectionString) {
    return { ...common, source: 'settings', connection: urlConnection(opts.connectionString, opts.password, connectTimeoutMs) };
  }
  if (db.url || db.host || db.dbname || db.user) {
    const url = db.url ?? buildUrl(db);
    registerSecret(db.password);
    return { ...common, source: label, connection: urlConnection(url, opts.password ?? (db.url ? db.password : undefined), connectTimeoutMs) };
  }
  if (opts.env.DATABASE_URL) {
    return { ...common, source: 'DATABASE_URL', connection: urlConnection(opts.env.DATABASE_URL, opts.password, connectTimeoutMs) };
  }
  const pgVars = ['PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'PGSERVICE'].filter((k) => opts.env[k]);
  if (pgVars.length) {
    registerSecret(opts.env.PGPASSWORD);
    const e = opts.env;
    const user = e.PGUSER ?? 'postgres';
    const description = `postgres://${user}@${e.PGHOST ?? e.PGHOSTADDR ?? 'localhost'}:${e.PGPORT ?? '5432'}/${e.PGDATABASE ?? user}`;
    return { ...common, source: `PG* environment (${pgVars.join(', ')})`, connection: { kind: 'env', description, connectTimeoutMs } };
  }
  const dataDir = join(opts.cwd, EMBEDDED_DATA_DIR);
  return {
    ...common,
    source: 'embedded',
    connection: { kind: 'embedded', dataDir, description: `embedded PGlite at ${EMBEDDED_DATA_DIR}` },
  };
}

function urlConnection(url: string, password: string | undefined, connectTimeoutMs?: number): ConnectionSettings {
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw new ConfigError('the connection string must start with postgres:// or postgresql://');
  }
  const secret = urlPassword(url);
  registerSecret(secret);
  if (secret) registerSecret(url);
  return { kind: 'url', url, password, description: describeUrl(url), connectTimeoutMs };
}

function buildUrl(db: Record<string, string>): string {
  const auth = db.user ? encodeURIComponent(db.user) + (db.password ? ':' + encodeURIComponent(db.password) : '') + '@' : '';
  const host = db.host ?? 'localhost';
  const port = db.port ? `:${db.port}` : '';
  const query = db.sslmode ? `?sslmode=${encodeURIComponent(db.sslmode)}` : '';
  return `postgres://${auth}${host}${port}/${encodeURIComponent(db.dbname ?? db.user ?? 'postgres')}${query}`;
}

function readConfig(opts: ResolveOptions): ConfigFile | null {
  const explicit = opts.configFile !== undefined;
  const path = explicit ? resolve(opts.cwd, opts.configFile!) : join(opts.cwd, 'config.yaml');
  if (!explicit && !existsSync(path)) return null;
  const label = relativeName(opts.cwd, path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${label}: cannot read the config file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return { path, values: parseConfig(text, label, opts.env) };
}

/** Parses config.yaml text: two known sections of scalar values, `${VAR}` expanded from env. */
export function parseConfig(text: string, label: string, env: Record<string, string | undefined>): Record<string, Record<string, string>> {
  // Loaded here, not at start-up: most runs have no config file, and the parser is a large module.
  const { LineCounter, parseDocument, isMap, isScalar } = require('yaml') as typeof import('yaml');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const lineOf = (node: Node | null | undefined) => (node?.range ? lineCounter.linePos(node.range[0]).line : 0);
  const at = (node: Node | null | undefined) => `${label}:${lineOf(node)}`;
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new ConfigError(`${label}:${e.linePos?.[0]?.line ?? 0}: not valid YAML: ${e.message.split('\n')[0]}`);
  }
  const out: Record<string, Record<string, string>> = {};
  if (doc.contents === null || doc.contents === undefined) return out;
  if (!isMap(doc.contents)) throw new ConfigError(`${at(doc.contents as Node)}: expected sections "database:" and "migrations:"`);
  for (const pair of doc.contents.items) {
    const section = String(isScalar(pair.key) ? pair.key.value : pair.key);
    if (!KEYS[''].includes(section)) {
      throw new ConfigError(`${at(pair.key as Node)}: unknown key "${section}"; expected ${KEYS[''].join(' or ')}`);
    }
    // lint: { rules: { rule-id: severity } } is read and checked by src/lint/config.ts.
    if (section === 'lint') continue;
    const values: Record<string, string> = {};
    out[section] = values;
    if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) continue;
    if (!isMap(pair.value)) throw new ConfigError(`${at(pair.value as Node)}: "${section}" must be a mapping of keys to values`);
    for (const item of pair.value.items) {
      const key = String(isScalar(item.key) ? item.key.value : item.key);
      if (!KEYS[section].includes(key)) {
        throw new ConfigError(`${at(item.key as Node)}: unknown key "${section}.${key}"; expected one of ${KEYS[section].join(', ')}`);
      }
      if (!isScalar(item.value)) throw new ConfigError(`${at(item.key as Node)}: "${section}.${key}" must be a single value`);
      if (item.value.value === null) continue;
      // The text as written: 0123 or 1e3 is a password or name, not a number to reformat.
      const raw = typeof item.value.value === 'string' ? item.value.value : (item.value.source ?? String(item.value.value));
      values[key] = expandVars(raw, env, at(item.value as Node));
    }
  }
  return out;
}

/** `${VAR}` and `${VAR:-default}` from the environment; a missing variable without default is an error. */
export function expandVars(value: string, env: Record<string, string | undefined>, where: string): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_, name: string, fallback: string | undefined) => {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    throw new ConfigError(`${where}: \${${name}} is not set in the environment`);
  });
}

function seconds(value: string, where: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(value.trim());
  if (!m) throw new ConfigError(`${where}: expected a duration such as 30s, 500ms or 2m, got "${value}"`);
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
}

function count(value: string, where: string): number {
  if (!/^\d{1,3}$/.test(value.trim())) throw new ConfigError(`${where}: expected a whole number from 0 to 999, got "${value}"`);
  return Number(value.trim());
}

function bool(value: string, where: string): boolean {
  if (/^(true|yes|on)$/i.test(value)) return true;
  if (/^(false|no|off)$/i.test(value)) return false;
  throw new ConfigError(`${where}: expected true or false, got "${value}"`);
}

function relativeName(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
