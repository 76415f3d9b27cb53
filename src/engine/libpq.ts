/**
 * Where psql would connect, from what libpq reads besides a connection string: the PG* variables,
 * a service of pg_service.conf (PGSERVICE), ~/.pgpass, the operating-system user and the Unix
 * socket directory. Pure reads of the environment and a few files; nothing is printed.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './errors';

export interface LibpqParams {
  host: string;
  port: string;
  user: string;
  dbname: string;
  password?: string;
  sslmode?: string;
  sslrootcert?: string;
  sslcert?: string;
  sslkey?: string;
  connect_timeout?: string;
}

type Env = Record<string, string | undefined>;

const ENV_OF: Record<keyof LibpqParams, string[]> = {
  host: ['PGHOST', 'PGHOSTADDR'],
  port: ['PGPORT'],
  user: ['PGUSER'],
  dbname: ['PGDATABASE'],
  password: ['PGPASSWORD'],
  sslmode: ['PGSSLMODE'],
  sslrootcert: ['PGSSLROOTCERT'],
  sslcert: ['PGSSLCERT'],
  sslkey: ['PGSSLKEY'],
  connect_timeout: ['PGCONNECT_TIMEOUT'],
};

/** Socket directories PostgreSQL packages use (Debian/Ubuntu, then the upstream default). */
const SOCKET_DIRS = ['/var/run/postgresql', '/tmp'];

/**
 * libpq's order: a service's values first (PGSERVICE), then the PG* variables for what it left
 * unset, then the defaults: the socket directory that has the server's socket (else localhost),
 * port 5432, the operating-system user, a database named like the user.
 */
export function libpqParams(env: Env, home = homedir()): LibpqParams {
  const service = env.PGSERVICE ? serviceValues(env, env.PGSERVICE, home) : {};
  const pick = (key: keyof LibpqParams): string | undefined => {
    if (service[key] !== undefined) return service[key];
    if (key === 'host' && service.hostaddr !== undefined) return service.hostaddr;
    for (const name of ENV_OF[key]) if (env[name]) return env[name];
    return undefined;
  };
  const port = pick('port') ?? '5432';
  const host = pick('host') ?? SOCKET_DIRS.find((d) => existsSync(join(d, `.s.PGSQL.${port}`))) ?? 'localhost';
  const user = pick('user') ?? osUser(env);
  const params: LibpqParams = { host, port, user, dbname: pick('dbname') ?? user };
  for (const key of ['password', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'connect_timeout'] as const) {
    const v = pick(key);
    if (v !== undefined) params[key] = v;
  }
  return params;
}

/** The account's user name (not $USER, which containers often leave unset), as libpq takes it. */
export function osUser(env: Env): string {
  try {
    const name = userInfo().username;
    if (name) return name;
  } catch {
    // no entry for this uid in the account database: fall back to the variables
  }
  const fromEnv = env.USER || env.LOGNAME;
  if (fromEnv) return fromEnv;
  throw new ConfigError('no PostgreSQL user name: this account has no name; set PGUSER or give the user in the connection');
}

/** The keys of `[name]` in PGSERVICEFILE (or ~/.pg_service.conf), else PGSYSCONFDIR/pg_service.conf. */
export function serviceValues(env: Env, name: string, home = homedir()): Record<string, string> {
  const files = [env.PGSERVICEFILE ?? join(home, '.pg_service.conf'), env.PGSYSCONFDIR ? join(env.PGSYSCONFDIR, 'pg_service.conf') : '/etc/postgresql-common/pg_service.conf'];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const found = parseServiceFile(text, name, file);
    if (found) return found;
  }
  throw new ConfigError(`PGSERVICE=${name}: no service "${name}" in ${files.join(' or ')}`);
}

function parseServiceFile(text: string, name: string, file: string): Record<string, string> | null {
  let current: string | null = null;
  let values: Record<string, string> | null = null;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith('#')) continue;
    const section = /^\[(.*)\]$/.exec(line);
    if (section) {
      if (values) return values;
      current = section[1];
      if (current === name) values = {};
      continue;
    }
    const eq = line.indexOf('=');
    if (eq === -1) throw new ConfigError(`${file}:${i + 1}: expected key=value`);
    if (values && current === name) values[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return values;
}

/**
 * The password ~/.pgpass (or PGPASSFILE) holds for this connection, as libpq finds it: the first
 * line whose host:port:database:user fields match (`*` matches anything, `\` escapes); a socket
 * directory also matches `localhost`. A file others can read is ignored, as libpq does.
 */
export function pgpassPassword(env: Env, p: { host: string; port: string; dbname: string; user: string }, home = homedir()): string | undefined {
  const file = env.PGPASSFILE ?? join(home, '.pgpass');
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) return undefined;
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) return undefined;
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const hosts = p.host.startsWith('/') ? [p.host, 'localhost'] : [p.host];
  for (const raw of text.split(/\r?\n/)) {
    if (!raw || raw.startsWith('#')) continue;
    const fields = splitPgpassLine(raw);
    if (fields.length < 5) continue;
    const [h, port, db, user] = fields;
    const match = (pattern: string, value: string) => pattern === '*' || pattern === value;
    if (hosts.some((x) => match(h, x)) && match(port, p.port) && match(db, p.dbname) && match(user, p.user)) return fields.slice(4).join(':');
  }
  return undefined;
}

function splitPgpassLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length) field += line[++i];
    else if (c === ':' && out.length < 4) {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}
