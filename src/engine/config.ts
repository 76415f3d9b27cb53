import { readFileSync, existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Node } from 'yaml';
import { ConfigError } from './errors';
import { describeUrl, redact, registerSecret, urlPassword } from './redact';
import { libpqParams, pgpassPassword } from './libpq';

/** Where the database is: a URL, libpq's `PG*` variables, or the embedded PGlite folder. `description` never holds a password. */
export type ConnectionSettings =
  | { kind: 'url'; url: string; password?: string; description: string; connectTimeoutMs?: number }
  | { kind: 'env'; description: string; connectTimeoutMs?: number }
  | { kind: 'embedded'; dataDir: string; description: string };

/** Settings resolved from options, config file, environment and defaults. */
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
  /** The named environment these settings come from (`-env`, or sql-migrate's default `development`). */
  environment?: { name: string; protected: boolean };
  /** Modules that register code migrations (`-require`, `migrations.require`), absolute paths, loaded before the first command. */
  require: string[];
  /** sql-migrate's history table named by a dbconfig.yml (`table:`): what `adopt -from sql-migrate` reads. */
  sqlMigrateTable?: string;
}

/** One named environment of a config file, for pickers: nothing in it is secret. */
export interface EnvironmentInfo {
  name: string;
  protected: boolean;
  /** `postgres://user@host:5432/db` without the password, or why it cannot be known yet (`${VAR} is not set`). */
  target: string;
  /** The config file it is defined in, relative to cwd. */
  file: string;
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
  /** A named environment of the config file (`-env`). A dbconfig.yml without it uses `development`. */
  environment?: string;
  /** Modules that register code migrations (`-require`), after the config file's `migrations.require`. */
  require?: string[];
}

export const EMBEDDED_DATA_DIR = join('.migrate-lens', 'pglite');
export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;
/** PostgreSQL lock_timeout for each migration's statements (see the README: why 5 s). */
export const DEFAULT_DDL_LOCK_TIMEOUT_MS = 5_000;
/** Tries after the first that hit the lock timeout, with backoff (see the README). */
export const DEFAULT_DDL_RETRIES = 3;
/** The largest lock_timeout PostgreSQL takes (INT_MAX ms, about 24.8 days); SET refuses more. */
export const MAX_LOCK_TIMEOUT_MS = 2_147_483_647;

const KEYS: Record<string, readonly string[]> = {
  '': ['database', 'migrations', 'environments', 'lint'],
  database: ['url', 'host', 'port', 'user', 'password', 'dbname', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'connect_timeout'],
  migrations: ['dir', 'table', 'schema', 'lock_timeout', 'out_of_order', 'ddl_lock_timeout', 'ddl_retries', 'require'],
};
/** What one entry of `environments:` may hold: the database keys, the migrations keys and `protected`. */
const ENVIRONMENT_KEYS = [...KEYS.database, ...KEYS.migrations, 'protected'];
/** sql-migrate's Environment struct (dbconfig.yml). */
const DBCONFIG_KEYS = ['dialect', 'datasource', 'dir', 'table', 'schema', 'ignoreunknown'];
/** sql-migrate's default environment when `-env` is not given. */
export const SQL_MIGRATE_DEFAULT_ENV = 'development';

/** One environment as written: values not yet expanded, so an unset `${VAR}` of another one harms nobody. */
interface RawEnvironment {
  name: string;
  line: number;
  values: Record<string, { raw: string; line: number }>;
}

type ConfigFile = {
  path: string;
  label: string;
  format: 'migrate-lens' | 'dbconfig';
  /** `database:` and `migrations:` (migrate-lens format only), expanded. */
  values: Record<string, Record<string, string>>;
  environments: RawEnvironment[];
};

/** One validated settings object from flags, config file, environment and defaults. */
export function resolveSettings(opts: ResolveOptions): Settings {
  const settings = resolveWithoutPgpass(opts);
  const c = settings.connection;
  // Like libpq, a connection without a password takes the one ~/.pgpass (PGPASSFILE) holds for it.
  if (c.kind === 'url' && c.password === undefined && !urlPassword(c.url)) {
    const target = urlTarget(c.url);
    const password = target && pgpassPassword(opts.env, target);
    if (password) return { ...settings, connection: { ...c, password } };
  }
  return settings;
}

/** host, port, dbname and user of a connection URL, with libpq's defaults; null when it does not parse. */
function urlTarget(url: string): { host: string; port: string; dbname: string; user: string } | null {
  try {
    const u = new URL(url);
    const user = decodeURIComponent(u.username) || u.searchParams.get('user') || '';
    if (!user) return null;
    const host = u.searchParams.get('host') || decodeURIComponent(u.hostname) || 'localhost';
    return { host, port: u.port || u.searchParams.get('port') || '5432', dbname: decodeURIComponent(u.pathname.slice(1)) || u.searchParams.get('dbname') || user, user };
  } catch {
    return null;
  }
}

function resolveWithoutPgpass(opts: ResolveOptions): Settings {
  const file = readConfig(opts);
  if (!file && opts.environment !== undefined) {
    throw new ConfigError(`-env ${opts.environment}: there is no config file; environments are defined in config.yaml ("environments:") or a dbconfig.yml given with -config`);
  }
  if (file?.format === 'dbconfig') return fromDbconfig(file, opts);
  if (file && opts.environment !== undefined) return fromEnvironment(file, opts.environment, opts);
  const db = file?.values.database ?? {};
  const mig = file?.values.migrations ?? {};
  const label = file?.label ?? '';
  const common = commonSettings(opts, mig, label, 'migrations.');
  const connectTimeoutMs = db.connect_timeout ? seconds(db.connect_timeout, `${label}: database.connect_timeout`) : undefined;

  registerSecret(opts.password);
  if (opts.connectionString) {
    return { ...common, source: 'settings', connection: urlConnection(opts.connectionString, opts.password, connectTimeoutMs) };
  }
  if (db.url || db.host || db.dbname || db.user) {
    const url = db.url ? mergeUrlKeys(db.url, db, `${label}: database`) : buildUrl(db);
    registerSecret(db.password);
    return { ...common, source: label, connection: urlConnection(url, opts.password ?? (db.url ? db.password : undefined), connectTimeoutMs) };
  }
  if (opts.env.DATABASE_URL) {
    return { ...common, source: 'DATABASE_URL', connection: urlConnection(opts.env.DATABASE_URL, opts.password, connectTimeoutMs) };
  }
  const pgVars = ['PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'PGSERVICE'].filter((k) => opts.env[k]);
  if (pgVars.length) {
    // Where psql would connect (libpq.ts): service, PG* variables, OS user, socket directory.
    const p = libpqParams(opts.env);
    const { password, connect_timeout, ...rest } = p;
    const url = buildUrl({ ...(rest as Record<string, string>) });
    const timeout = connectTimeoutMs ?? (connect_timeout ? seconds(connect_timeout, 'PGCONNECT_TIMEOUT') : undefined);
    return { ...common, source: `PG* environment (${pgVars.join(', ')})`, connection: urlConnection(url, opts.password ?? password, timeout) };
  }
  const dataDir = join(opts.cwd, EMBEDDED_DATA_DIR);
  return {
    ...common,
    source: 'embedded',
    connection: { kind: 'embedded', dataDir, description: `embedded PGlite at ${EMBEDDED_DATA_DIR}` },
  };
}

/**
 * The named environments of the config file that `resolveSettings` would read with the same options
 * (config.yaml's `environments:`, or every environment of a dbconfig.yml), in file order. Never throws
 * for an environment that cannot be resolved yet (an unset `${VAR}`): its target says why instead.
 * Throws a ConfigError only when the file itself cannot be read or parsed.
 */
export function listEnvironments(opts: Omit<ResolveOptions, 'environment'>): EnvironmentInfo[] {
  const file = readConfig(opts);
  if (!file) return [];
  return file.environments.map((e) => {
    let target: string;
    let prot = false;
    try {
      const s = resolveSettings({ ...opts, environment: e.name, password: undefined, connectionString: undefined });
      target = s.connection.description;
      prot = s.environment?.protected ?? false;
    } catch (err) {
      target = `(${redact(err instanceof Error ? err.message : String(err))})`;
      const p = e.values.protected?.raw;
      prot = p !== undefined && /^(true|yes|on)$/i.test(p.trim());
    }
    return { name: e.name, protected: prot, target, file: file.label };
  });
}

function commonSettings(opts: ResolveOptions, mig: Record<string, string>, label: string, prefix: string) {
  const migrationsDir = resolve(opts.cwd, opts.migrationsDir ?? mig.dir ?? 'migrations');
  const table = opts.table ?? mig.table ?? 'schema_migrations';
  const schema = opts.schema ?? mig.schema ?? 'public';
  if (!table) throw new ConfigError('the tracking table name is empty');
  if (!schema) throw new ConfigError('the tracking table schema is empty');
  const lockTimeoutMs = opts.lockTimeoutMs ?? (mig.lock_timeout ? seconds(mig.lock_timeout, `${label}: ${prefix}lock_timeout`) : DEFAULT_LOCK_TIMEOUT_MS);
  const allowOutOfOrder = opts.allowOutOfOrder ?? (mig.out_of_order ? bool(mig.out_of_order, `${label}: ${prefix}out_of_order`) : false);
  const ddlLockTimeoutMs = lockTimeout(
    opts.ddlLockTimeoutMs ?? (mig.ddl_lock_timeout ? seconds(mig.ddl_lock_timeout, `${label}: ${prefix}ddl_lock_timeout`) : DEFAULT_DDL_LOCK_TIMEOUT_MS),
    opts.ddlLockTimeoutMs !== undefined ? 'the DDL lock timeout' : `${label}: ${prefix}ddl_lock_timeout`,
  );
  const ddlRetries = opts.ddlRetries ?? (mig.ddl_retries ? count(mig.ddl_retries, `${label}: ${prefix}ddl_retries`) : DEFAULT_DDL_RETRIES);
  // Modules that register code migrations: the flags' (-require) after the config file's, relative to cwd.
  const requireFiles = [...(mig.require ? mig.require.split('\n').filter(Boolean) : []), ...(opts.require ?? [])].map((f) => resolve(opts.cwd, f));
  return { migrationsDir, table, schema, lockTimeoutMs, allowOutOfOrder, ddlLockTimeoutMs, ddlRetries, require: requireFiles };
}

function findEnvironment(file: ConfigFile, name: string): RawEnvironment {
  const found = file.environments.find((e) => e.name === name);
  if (found) return found;
  const names = file.environments.map((e) => e.name);
  throw new ConfigError(
    `${file.label}: no environment "${name}"` + (names.length ? `; it defines ${names.map((n) => `"${n}"`).join(', ')}` : file.format === 'dbconfig' ? '' : '; add it under "environments:"'),
  );
}

/** A config.yaml environment: its own connection (never DATABASE_URL's), migrations keys over the file's. */
function fromEnvironment(file: ConfigFile, name: string, opts: ResolveOptions): Settings {
  const envDef = findEnvironment(file, name);
  const v: Record<string, string> = {};
  for (const [key, { raw, line }] of Object.entries(envDef.values)) v[key] = expandVars(raw, opts.env, `${file.label}:${line}`);
  const where = `environments.${name}.`;
  const mig = { ...(file.values.migrations ?? {}) };
  for (const k of KEYS.migrations) if (v[k] !== undefined) mig[k] = v[k];
  const common = commonSettings(opts, mig, file.label, where);
  const isProtected = v.protected ? bool(v.protected, `${file.label}: ${where}protected`) : false;
  if (!(v.url || v.host || v.dbname || v.user)) {
    throw new ConfigError(`${file.label}:${envDef.line}: environment "${name}" names no database; give it "url" or "host"/"dbname"/"user"`);
  }
  const connectTimeoutMs = v.connect_timeout ? seconds(v.connect_timeout, `${file.label}: ${where}connect_timeout`) : undefined;
  registerSecret(opts.password);
  registerSecret(v.password);
  const url = v.url ? mergeUrlKeys(v.url, v, `${file.label}: environments.${name}`) : buildUrl(v);
  return {
    ...common,
    source: `${file.label}, environment ${name}`,
    environment: { name, protected: isProtected },
    connection: urlConnection(url, opts.password ?? (v.url ? v.password : undefined), connectTimeoutMs),
  };
}

/** sql-migrate's dbconfig.yml: `-env` (default `development`) picks one environment. */
function fromDbconfig(file: ConfigFile, opts: ResolveOptions): Settings {
  const name = opts.environment ?? SQL_MIGRATE_DEFAULT_ENV;
  const envDef = findEnvironment(file, name);
  const at = (key: string) => `${file.label}:${envDef.values[key]?.line ?? envDef.line}`;
  const v = (key: string) => envDef.values[key]?.raw;
  const dialect = v('dialect');
  if (!dialect) throw new ConfigError(`${at('dialect')}: environment "${name}" has no dialect (migrate-lens needs "dialect: postgres")`);
  if (dialect !== 'postgres') {
    throw new ConfigError(`${at('dialect')}: environment "${name}" uses dialect "${dialect}"; migrate-lens works with PostgreSQL only ("dialect: postgres")`);
  }
  if (!v('datasource')) throw new ConfigError(`${at('datasource')}: environment "${name}" has no datasource`);
  // sql-migrate expands the datasource with Go's os.ExpandEnv: $VAR and ${VAR}, an unset one is empty.
  const datasource = expandEnvLikeGo(v('datasource')!, opts.env);
  const table = v('table') || undefined;
  const schema = v('schema') || undefined;
  const common = commonSettings({ ...opts, schema: opts.schema ?? schema }, { dir: v('dir') || 'migrations' }, file.label, `${name}.`);
  registerSecret(opts.password);
  let url: string;
  try {
    url = /^postgres(ql)?:\/\//i.test(datasource.trim()) ? datasource.trim() : keywordDsnToUrl(datasource);
  } catch (err) {
    throw new ConfigError(`${at('datasource')}: environment "${name}": ${(err as Error).message}`);
  }
  return {
    ...common,
    source: `${file.label}, environment ${name}`,
    environment: { name, protected: false },
    sqlMigrateTable: table,
    connection: urlConnection(url, opts.password),
  };
}

/** Go's os.ExpandEnv: `${NAME}` and `$NAME` replaced by the variable, an unset variable by nothing. */
export function expandEnvLikeGo(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/\$(?:\{([^}]*)\}|([A-Za-z0-9_]+)|([*#$@!?\-0-9]))/g, (whole, braced: string | undefined, bare: string | undefined, special: string | undefined) => {
    const name = braced ?? bare ?? special ?? '';
    if (braced !== undefined && braced === '') return '';
    return env[name] ?? '';
  });
}

/** libpq's `key=value` form (`host=db dbname=app user=x password='a b'`) → a postgres:// URL. */
export function keywordDsnToUrl(dsn: string): string {
  const pairs: Record<string, string> = {};
  let i = 0;
  const s = dsn;
  const skipSpace = () => {
    while (i < s.length && /\s/.test(s[i])) i++;
  };
  skipSpace();
  while (i < s.length) {
    const keyStart = i;
    while (i < s.length && /[A-Za-z0-9_]/.test(s[i])) i++;
    const key = s.slice(keyStart, i);
    skipSpace();
    if (!key || s[i] !== '=') throw new Error(`the datasource is neither a postgres:// URL nor key=value pairs (at "${s.slice(keyStart, keyStart + 12)}")`);
    i++;
    skipSpace();
    let value = '';
    if (s[i] === "'") {
      i++;
      while (i < s.length && s[i] !== "'") {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        value += s[i++];
      }
      if (s[i] !== "'") throw new Error(`unterminated quoted value of "${key}" in the datasource`);
      i++;
    } else {
      while (i < s.length && !/\s/.test(s[i])) {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        value += s[i++];
      }
    }
    pairs[key] = value;
    skipSpace();
  }
  if (!Object.keys(pairs).length) throw new Error('the datasource is empty');
  registerSecret(pairs.password);
  const user = pairs.user;
  const auth = user ? encodeURIComponent(user) + (pairs.password ? ':' + encodeURIComponent(pairs.password) : '') + '@' : '';
  const host = pairs.host ?? 'localhost';
  const socket = host.startsWith('/');
  const query = new URLSearchParams();
  if (socket) query.set('host', host);
  for (const [k, val] of Object.entries(pairs)) {
    if (['user', 'password', 'host', 'port', 'dbname'].includes(k)) continue;
    query.set(k, val);
  }
  const port = pairs.port ? `:${pairs.port}` : '';
  const q = query.toString();
  return `postgres://${auth}${socket ? '' : host}${port}/${encodeURIComponent(pairs.dbname ?? user ?? 'postgres')}${q ? `?${q}` : ''}`;
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

/** The TLS keys that may stand beside `url`: they become its parameters, as libpq reads them. */
const URL_PARAMETER_KEYS = ['sslmode', 'sslrootcert', 'sslcert', 'sslkey'] as const;
/** Keys that say where to connect, which `url` says already: both at once is refused. */
const URL_CONFLICTING_KEYS = ['host', 'port', 'dbname', 'user'] as const;

/**
 * `url` with the TLS keys written beside it merged into its parameters (never dropped: an
 * `sslmode: verify-full` beside a URL used to connect in plain text). A key the URL also sets to
 * another value, or host/port/dbname/user beside a URL, is refused, naming the keys.
 */
function mergeUrlKeys(url: string, keys: Record<string, string>, where: string): string {
  const clash = URL_CONFLICTING_KEYS.filter((k) => keys[k] !== undefined);
  if (clash.length) {
    throw new ConfigError(`${where}: "url" and ${clash.map((k) => `"${k}"`).join(', ')} both say where to connect; keep the url, or drop it and use host/port/dbname/user`);
  }
  const extra = URL_PARAMETER_KEYS.filter((k) => keys[k] !== undefined);
  if (!extra.length) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${where}: "url" is not a valid URL, so ${extra.map((k) => `"${k}"`).join(', ')} cannot be added to it`);
  }
  for (const k of extra) {
    const inUrl = parsed.searchParams.get(k);
    if (inUrl !== null && inUrl !== keys[k]) throw new ConfigError(`${where}: "${k}: ${keys[k]}" differs from ${k}=${inUrl} in "url"; set it in one place`);
    parsed.searchParams.set(k, keys[k]);
  }
  return parsed.toString();
}

function buildUrl(db: Record<string, string>): string {
  const auth = db.user ? encodeURIComponent(db.user) + (db.password ? ':' + encodeURIComponent(db.password) : '') + '@' : '';
  const host = db.host ?? 'localhost';
  const socket = host.startsWith('/');
  const port = db.port ? `:${db.port}` : '';
  const query = new URLSearchParams();
  if (socket) query.set('host', host);
  for (const k of URL_PARAMETER_KEYS) if (db[k] !== undefined) query.set(k, db[k]);
  const q = query.toString();
  // A socket directory travels as ?host= (what pg reads); `localhost` only keeps the URL well-formed.
  return `postgres://${auth}${socket ? 'localhost' : host}${port}/${encodeURIComponent(db.dbname ?? db.user ?? 'postgres')}${q ? `?${q}` : ''}`;
}

function readConfig(opts: Omit<ResolveOptions, 'environment'>): ConfigFile | null {
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
  return { path, label, ...parseConfigFile(text, label, opts.env) };
}

/** Parses config.yaml text: two known sections of scalar values, `${VAR}` expanded from env. */
export function parseConfig(text: string, label: string, env: Record<string, string | undefined>): Record<string, Record<string, string>> {
  return parseConfigFile(text, label, env).values;
}

/**
 * A config file's text: migrate-lens's own format (`database:`, `migrations:`, `environments:`) or
 * sql-migrate's dbconfig.yml (top-level environments each with `dialect` and `datasource`).
 */
export function parseConfigFile(text: string, label: string, env: Record<string, string | undefined>): Omit<ConfigFile, 'path' | 'label'> {
  // Loaded here, not at start-up: most runs have no config file, and the parser is a large module.
  const { LineCounter, parseDocument, isMap, isScalar, isSeq, isAlias } = require('yaml') as typeof import('yaml');
  const lineCounter = new LineCounter();
  // Merge keys (`<<: *base`) as sql-migrate's YAML reader allows them in dbconfig.yml.
  const doc = parseDocument(text, { lineCounter, merge: true });
  const lineOf = (node: Node | null | undefined) => (node?.range ? lineCounter.linePos(node.range[0]).line : 0);
  const at = (node: Node | null | undefined) => `${label}:${lineOf(node)}`;
  const keyOf = (node: unknown) => String(isScalar(node) ? node.value : node);
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new ConfigError(`${label}:${e.linePos?.[0]?.line ?? 0}: not valid YAML: ${e.message.split('\n')[0]}`);
  }
  const out: Record<string, Record<string, string>> = {};
  const environments: RawEnvironment[] = [];
  if (doc.contents === null || doc.contents === undefined) return { format: 'migrate-lens', values: out, environments };
  if (!isMap(doc.contents)) throw new ConfigError(`${at(doc.contents as Node)}: expected sections "database:" and "migrations:"`);

  /** The scalar values of one mapping, unexpanded, each with its line; merge keys resolved. */
  const rawValues = (map: unknown, where: string, allowed: readonly string[], what: string): Record<string, { raw: string; line: number }> => {
    const values: Record<string, { raw: string; line: number }> = {};
    if (!isMap(map)) throw new ConfigError(`${at(map as Node)}: ${what} must be a mapping of keys to values`);
    for (const item of map.items) {
      const key = keyOf(item.key);
      if (key === '<<' || (isScalar(item.key) && typeof item.key.value === 'symbol')) {
        // A merge key: the values of the aliased mapping(s), unless this mapping sets them itself.
        const sources = isSeq(item.value) ? item.value.items : [item.value];
        for (const src of sources) {
          const target = isAlias(src) ? src.resolve(doc) : src;
          for (const [k, v] of Object.entries(rawValues(target, where, allowed, what))) if (!(k in values)) values[k] = v;
        }
        continue;
      }
      if (!allowed.includes(key)) {
        throw new ConfigError(`${at(item.key as Node)}: unknown key "${where}${key}"; expected one of ${allowed.join(', ')}`);
      }
      if (key === 'require' && isSeq(item.value)) {
        // `require:` takes a list of files too; held as one value, a file per line, split in commonSettings.
        const files = item.value.items.map((f) => {
          if (!isScalar(f) || typeof f.value !== 'string') throw new ConfigError(`${at(f as Node)}: "${where}require" lists file names`);
          if (f.value.includes('\n')) throw new ConfigError(`${at(f as Node)}: "${where}require": a file name on one line`);
          return f.value;
        });
        values[key] = { raw: files.join('\n'), line: lineOf(item.value as Node) };
        continue;
      }
      if (!isScalar(item.value)) throw new ConfigError(`${at(item.key as Node)}: "${where}${key}" must be a single value`);
      if (item.value.value === null) continue;
      // The text as written: 0123 or 1e3 is a password or name, not a number to reformat.
      const raw = typeof item.value.value === 'string' ? item.value.value : (item.value.source ?? String(item.value.value));
      values[key] = { raw, line: lineOf(item.value as Node) };
    }
    return values;
  };

  const topKeys = doc.contents.items.map((p) => keyOf(p.key));
  const looksLikeDbconfig =
    !topKeys.some((k) => KEYS[''].includes(k)) &&
    doc.contents.items.some((p) => isMap(p.value) && p.value.items.some((i) => ['dialect', 'datasource'].includes(keyOf(i.key))));
  if (looksLikeDbconfig) {
    // Plain values with merge keys applied, then each environment checked against sql-migrate's keys.
    const js = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
    for (const pair of doc.contents.items) {
      const name = keyOf(pair.key);
      const value = js[name];
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new ConfigError(`${at(pair.key as Node)}: environment "${name}" must be a mapping (dialect, datasource, dir, table, schema)`);
      }
      const values: RawEnvironment['values'] = {};
      const nodeLines = new Map<string, number>();
      if (isMap(pair.value)) for (const item of pair.value.items) nodeLines.set(keyOf(item.key), lineOf(item.value as Node));
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        if (!DBCONFIG_KEYS.includes(key)) {
          throw new ConfigError(`${label}:${nodeLines.get(key) ?? lineOf(pair.key as Node)}: unknown key "${name}.${key}"; sql-migrate's dbconfig.yml has ${DBCONFIG_KEYS.join(', ')}`);
        }
        if (v === null || v === undefined) continue;
        if (typeof v === 'object') throw new ConfigError(`${label}:${nodeLines.get(key) ?? lineOf(pair.key as Node)}: "${name}.${key}" must be a single value`);
        values[key] = { raw: String(v), line: nodeLines.get(key) ?? lineOf(pair.key as Node) };
      }
      environments.push({ name, line: lineOf(pair.key as Node), values });
    }
    return { format: 'dbconfig', values: out, environments };
  }

  for (const pair of doc.contents.items) {
    const section = keyOf(pair.key);
    if (!KEYS[''].includes(section)) {
      throw new ConfigError(`${at(pair.key as Node)}: unknown key "${section}"; expected ${KEYS[''].join(', ')}`);
    }
    // lint: { rules: { rule-id: severity } } is read and checked by src/lint/config.ts.
    if (section === 'lint') continue;
    if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) {
      if (section !== 'environments') out[section] = {};
      continue;
    }
    if (section === 'environments') {
      if (!isMap(pair.value)) throw new ConfigError(`${at(pair.value as Node)}: "environments" must be a mapping of names to environments`);
      for (const item of pair.value.items) {
        const name = keyOf(item.key);
        if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
          throw new ConfigError(`${at(item.key as Node)}: environment name "${name}" must be letters, digits, ".", "_" or "-"`);
        }
        environments.push({ name, line: lineOf(item.key as Node), values: rawValues(item.value, `environments.${name}.`, ENVIRONMENT_KEYS, `"environments.${name}"`) });
      }
      continue;
    }
    const values: Record<string, string> = {};
    out[section] = values;
    for (const [key, { raw, line }] of Object.entries(rawValues(pair.value, `${section}.`, KEYS[section], `"${section}"`))) {
      values[key] = expandVars(raw, env, `${label}:${line}`);
    }
  }
  return { format: 'migrate-lens', values: out, environments };
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
  const ms = Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
  if (ms === 0 && n > 0) throw new ConfigError(`${where}: counted in whole milliseconds, "${value}" would be 0, which means none (give 1ms or more, or 0)`);
  return ms;
}

/**
 * A lock_timeout PostgreSQL accepts, checked before anything runs: out of range, SET would fail in
 * every migration, each recorded as failed on an error that is not the file's.
 */
function lockTimeout(ms: number, where: string): number {
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_LOCK_TIMEOUT_MS) {
    throw new ConfigError(`${where}: expected 0 (none) up to ${MAX_LOCK_TIMEOUT_MS} ms (about 24 days, PostgreSQL's limit), got ${ms} ms`);
  }
  return ms;
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
