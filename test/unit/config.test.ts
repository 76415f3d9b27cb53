// Connection and settings resolution: flags, config file, DATABASE_URL, PG* variables, embedded PGlite.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_LOCK_TIMEOUT_MS, expandVars, redact, resolveSettings, type ResolveOptions, type Settings } from '../../src/engine/internal';

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'migrate-lens-config-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

function write(name: string, text: string): void {
  mkdirSync(join(cwd, name, '..'), { recursive: true });
  writeFileSync(join(cwd, name), text);
}

function resolve(opts: Partial<ResolveOptions> = {}): Settings {
  return resolveSettings({ cwd, env: {}, ...opts });
}

function configError(opts: Partial<ResolveOptions> = {}): string {
  try {
    resolve(opts);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

function url(s: Settings): string {
  if (s.connection.kind !== 'url') throw new Error(`expected a url connection, got ${s.connection.kind}`);
  return s.connection.url;
}

const CONFIG_URL = 'database:\n  url: postgres://cfg@cfghost:5432/cfgdb\n';

describe('resolution order', () => {
  it('falls back to the embedded PGlite database in the project folder', () => {
    const s = resolve();
    expect(s.connection).toMatchObject({ kind: 'embedded', dataDir: join(cwd, '.migrate-lens', 'pglite') });
    expect(s.source).toBe('embedded');
    expect(s.connection.description).toContain('.migrate-lens');
  });

  it('uses PG* variables before the embedded database', () => {
    const s = resolve({ env: { PGHOST: 'pghost', PGPORT: '6000', PGUSER: 'bob', PGPASSWORD: 'pg-secret-1', PGDATABASE: 'bobdb' } });
    expect(s.connection).toMatchObject({ kind: 'url', password: 'pg-secret-1' });
    expect(s.source).toContain('PG*');
    expect(s.source).toContain('PGHOST');
    expect(s.connection.description).toBe('postgres://bob@pghost:6000/bobdb');
    expect(url(s)).not.toContain('pg-secret-1');
    expect(s.source + s.connection.description).not.toContain('pg-secret-1');
  });

  it('uses DATABASE_URL before PG* variables', () => {
    const s = resolve({ env: { DATABASE_URL: 'postgres://env@envhost/envdb', PGHOST: 'pghost' } });
    expect(s.source).toBe('DATABASE_URL');
    expect(url(s)).toBe('postgres://env@envhost/envdb');
  });

  it('uses ./config.yaml before DATABASE_URL', () => {
    write('config.yaml', CONFIG_URL);
    const s = resolve({ env: { DATABASE_URL: 'postgres://env@envhost/envdb' } });
    expect(s.source).toBe('config.yaml');
    expect(url(s)).toBe('postgres://cfg@cfghost:5432/cfgdb');
  });

  it('uses an explicit connection string before the config file', () => {
    write('config.yaml', CONFIG_URL);
    const s = resolve({ connectionString: 'postgres://flag@flaghost/flagdb', env: { DATABASE_URL: 'postgres://env@envhost/envdb' } });
    expect(url(s)).toBe('postgres://flag@flaghost/flagdb');
    expect(s.source).not.toBe('config.yaml');
  });

  it('reads -config FILE relative to cwd instead of ./config.yaml', () => {
    write('config.yaml', CONFIG_URL);
    write('conf/dev.yaml', 'database:\n  url: postgres://dev@devhost/devdb\n');
    const s = resolve({ configFile: 'conf/dev.yaml' });
    expect(url(s)).toBe('postgres://dev@devhost/devdb');
    expect(s.source).toBe(join('conf', 'dev.yaml'));
  });

  it('takes the connection from the environment when the config file only sets migrations', () => {
    write('config.yaml', 'migrations:\n  dir: db/migrations\n');
    const s = resolve({ env: { DATABASE_URL: 'postgres://env@envhost/envdb' } });
    expect(s.source).toBe('DATABASE_URL');
    expect(s.migrationsDir).toBe(join(cwd, 'db', 'migrations'));
  });

  it('refuses a connection string that is not postgres://', () => {
    expect(configError({ env: { DATABASE_URL: 'mysql://x@y/z' } })).toContain('postgres://');
  });
});

describe('config file', () => {
  it('expands ${VAR} and ${VAR:-default} from the environment', () => {
    write('config.yaml', 'database:\n  url: postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST:-localhost}:5432/${DB_NAME:-app}\n');
    const s = resolve({ env: { DB_USER: 'alice', DB_PASSWORD: 'expanded-secret', DB_NAME: 'shop' } });
    expect(url(s)).toBe('postgres://alice:expanded-secret@localhost:5432/shop');
  });

  it('expands only ${NAME} forms; an empty variable counts as unset', () => {
    const env = { A: 'a', EMPTY: '' };
    expect(expandVars('${A}-${A}', env, 'w')).toBe('a-a');
    expect(expandVars('$A and ${A', env, 'w')).toBe('$A and ${A');
    expect(expandVars('${MISSING:-}', env, 'w')).toBe('');
    expect(expandVars('${EMPTY:-fallback}', env, 'w')).toBe('fallback');
    expect(() => expandVars('${EMPTY}', env, 'f.yaml:3')).toThrow('f.yaml:3: ${EMPTY} is not set in the environment');
  });

  it('names file and line of a ${VAR} that is not set', () => {
    write('config.yaml', '# connection\ndatabase:\n  host: localhost\n  password: ${DB_PASSWORD}\n');
    expect(configError()).toBe('config.yaml:4: ${DB_PASSWORD} is not set in the environment');
  });

  it('rejects unknown keys with their line', () => {
    write('config.yaml', 'database:\n  url: postgres://a@b/c\n  passwrd: x\n');
    const msg = configError();
    expect(msg).toMatch(/^config\.yaml:3: unknown key "database\.passwrd"/);
    expect(msg).toContain('password');
    write('config.yaml', 'migrations:\n  dir: m\ndatabse:\n  url: postgres://a@b/c\n');
    expect(configError()).toMatch(/^config\.yaml:3: unknown key "databse"/);
  });

  it('rejects invalid YAML with a line', () => {
    write('config.yaml', 'database:\n  url: "postgres://a@b/c\n  host: x\n');
    expect(configError()).toMatch(/^config\.yaml:\d+: not valid YAML: /);
    write('config.yaml', 'database: [1, 2]\n');
    expect(configError()).toMatch(/^config\.yaml:1: "database" must be a mapping/);
  });

  it('says when an explicit config file cannot be read', () => {
    expect(configError({ configFile: 'nope.yaml' })).toBe('nope.yaml: cannot read the config file (ENOENT)');
  });

  it('ignores an empty config.yaml', () => {
    write('config.yaml', '');
    expect(resolve().connection.kind).toBe('embedded');
  });

  it('builds the URL from host, port, user, password, dbname and sslmode', () => {
    write('config.yaml', 'database:\n  host: db.example\n  port: 6543\n  user: app\n  password: "p@ss:w/rd"\n  dbname: appdb\n  sslmode: require\n');
    const s = resolve();
    const u = new URL(url(s));
    expect(u.hostname).toBe('db.example');
    expect(u.port).toBe('6543');
    expect(decodeURIComponent(u.username)).toBe('app');
    expect(decodeURIComponent(u.password)).toBe('p@ss:w/rd');
    expect(u.pathname).toBe('/appdb');
    expect(u.searchParams.get('sslmode')).toBe('require');
    expect(s.connection.description).toBe('postgres://app@db.example:6543/appdb');
  });

  it('never puts the password into the description or source', () => {
    write('config.yaml', 'database:\n  url: postgres://app:${PW}@h:5432/d\n');
    const s = resolve({ env: { PW: 'Hunter2-never-shown' } });
    expect(s.connection.description).not.toContain('Hunter2');
    expect(s.source).not.toContain('Hunter2');
    // The URL's password is scrubbed wherever the URL is printed; the rest of a message stays exact.
    expect(redact(`connect failed: ${url(s)} (relation "Hunter2-never-shown")`)).toBe('connect failed: postgres://app:***@h:5432/d (relation "Hunter2-never-shown")');
    rmSync(join(cwd, 'config.yaml'));
    const viaEnv = resolve({ env: { DATABASE_URL: 'postgres://u:env-pw-77@h/d' } });
    expect(viaEnv.connection.description).toBe('postgres://u@h:5432/d');
  });

  it('reads migrations.dir, table, schema, lock_timeout and out_of_order', () => {
    write('config.yaml', 'migrations:\n  dir: db/migrate\n  table: history\n  schema: ops\n  lock_timeout: 30s\n  out_of_order: yes\n');
    const s = resolve();
    expect(s).toMatchObject({ migrationsDir: join(cwd, 'db', 'migrate'), table: 'history', schema: 'ops', lockTimeoutMs: 30_000, allowOutOfOrder: true });
    for (const [text, ms] of [['500ms', 500], ['2m', 120_000], ['5', 5000]] as const) {
      write('config.yaml', `migrations:\n  lock_timeout: ${text}\n`);
      expect(resolve().lockTimeoutMs).toBe(ms);
    }
    write('config.yaml', 'migrations:\n  lock_timeout: soon\n');
    expect(configError()).toContain('migrations.lock_timeout');
  });

  it('has defaults, and flags win over the file', () => {
    const d = resolve();
    expect(d).toMatchObject({ migrationsDir: join(cwd, 'migrations'), table: 'schema_migrations', schema: 'public', lockTimeoutMs: DEFAULT_LOCK_TIMEOUT_MS, allowOutOfOrder: false });
    write('config.yaml', 'migrations:\n  dir: a\n  table: t1\n  schema: s1\n  lock_timeout: 1s\n');
    const s = resolve({ migrationsDir: 'b', table: 't2', schema: 's2', lockTimeoutMs: 7 });
    expect(s).toMatchObject({ migrationsDir: join(cwd, 'b'), table: 't2', schema: 's2', lockTimeoutMs: 7 });
  });
});

describe('TLS keys beside database.url', () => {
  it('merges sslmode, sslrootcert, sslcert and sslkey into the URL instead of dropping them', () => {
    write('config.yaml', 'database:\n  url: postgres://app@db.example:5432/app\n  sslmode: verify-full\n  sslrootcert: /etc/ssl/ca.pem\n  sslcert: /c.pem\n  sslkey: /k.pem\n');
    const u = new URL(url(resolve()));
    expect(u.hostname).toBe('db.example');
    expect(Object.fromEntries(u.searchParams)).toEqual({ sslmode: 'verify-full', sslrootcert: '/etc/ssl/ca.pem', sslcert: '/c.pem', sslkey: '/k.pem' });
  });

  it('keeps what the URL already says and refuses a different sslmode beside it', () => {
    write('config.yaml', 'database:\n  url: postgres://app@h/app?sslmode=require\n  sslmode: require\n');
    expect(new URL(url(resolve())).searchParams.get('sslmode')).toBe('require');
    write('config.yaml', 'database:\n  url: postgres://app@h/app?sslmode=disable\n  sslmode: verify-full\n');
    expect(configError()).toContain('"sslmode: verify-full" differs from sslmode=disable in "url"');
  });

  it('refuses host, port, dbname or user beside url, naming them', () => {
    write('config.yaml', 'database:\n  url: postgres://app@h/app\n  host: other\n  dbname: x\n');
    expect(configError()).toContain('"url" and "host", "dbname" both say where to connect');
  });

  it('the same inside an environment, and TLS keys in host/dbname form', () => {
    write('config.yaml', 'environments:\n  prod:\n    url: postgres://app@h/app\n    sslmode: verify-ca\n');
    expect(new URL(url(resolve({ environment: 'prod' }))).searchParams.get('sslmode')).toBe('verify-ca');
    write('config.yaml', 'database:\n  host: h\n  dbname: d\n  sslmode: verify-full\n  sslrootcert: /ca.pem\n');
    expect(Object.fromEntries(new URL(url(resolve())).searchParams)).toEqual({ sslmode: 'verify-full', sslrootcert: '/ca.pem' });
  });
});

describe('PG* variables alone connect where psql would', () => {
  it('takes the user from the account, not $USER, and the database named like it', () => {
    const s = resolve({ env: { PGHOST: 'h', PGPORT: '5999' } });
    const u = new URL(url(s));
    expect(decodeURIComponent(u.username)).toBe(userInfo().username);
    expect(u.pathname).toBe(`/${encodeURIComponent(userInfo().username)}`);
    expect(s.connection.description).toBe(`postgres://${userInfo().username}@h:5999/${userInfo().username}`);
  });

  it('uses the Unix socket directory when PGHOST is unset and the socket exists, else localhost', () => {
    const socket = ['/var/run/postgresql', '/tmp'].find((d) => existsSync(join(d, '.s.PGSQL.5432')));
    const s = resolve({ env: { PGUSER: 'bob' } });
    expect(s.connection.description).toBe(`postgres://bob@${socket ?? 'localhost'}:5432/bob`);
    // no server socket on this port anywhere: localhost
    expect(resolve({ env: { PGUSER: 'bob', PGPORT: '1' } }).connection.description).toBe('postgres://bob@localhost:1/bob');
  });

  it('reads PGSERVICE from PGSERVICEFILE; the service wins over PG* variables, as in libpq', () => {
    write('services.conf', '# services\n[other]\nhost=nope\n\n[app]\nhost=svc.example\nport=6001\ndbname=appdb\nuser=svcuser\nsslmode=verify-full\n');
    const s = resolve({ env: { PGSERVICE: 'app', PGSERVICEFILE: join(cwd, 'services.conf'), PGHOST: 'env-host', PGDATABASE: 'envdb' } });
    expect(s.connection.description).toBe('postgres://svcuser@svc.example:6001/appdb');
    expect(new URL(url(s)).searchParams.get('sslmode')).toBe('verify-full');
    expect(configError({ env: { PGSERVICE: 'missing', PGSERVICEFILE: join(cwd, 'services.conf'), PGSYSCONFDIR: cwd } })).toContain('no service "missing"');
  });

  it('takes the password from ~/.pgpass (PGPASSFILE) for the matching line, for PG* and URLs alike; ignores a file others can read', () => {
    write('pgpass', '# comment\nother:5432:*:bob:wrong\nh:5432:appdb:bob:right\\:pw\n*:*:*:alice:alice-pw\n');
    const file = join(cwd, 'pgpass');
    chmodSync(file, 0o600);
    const viaPg = resolve({ env: { PGHOST: 'h', PGUSER: 'bob', PGDATABASE: 'appdb', PGPASSFILE: file } });
    expect(viaPg.connection).toMatchObject({ kind: 'url', password: 'right:pw' });
    const viaUrl = resolve({ env: { DATABASE_URL: 'postgres://alice@db.example/x', PGPASSFILE: file } });
    expect(viaUrl.connection).toMatchObject({ password: 'alice-pw' });
    const own = resolve({ env: { DATABASE_URL: 'postgres://alice:given@db.example/x', PGPASSFILE: file } });
    expect(own.connection).not.toHaveProperty('password', 'alice-pw');
    chmodSync(file, 0o644);
    expect(resolve({ env: { DATABASE_URL: 'postgres://alice@db.example/x', PGPASSFILE: file } }).connection).not.toHaveProperty('password', 'alice-pw');
  });
});
