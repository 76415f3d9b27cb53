// Named environments: config.yaml's `environments:` and sql-migrate's dbconfig.yml, listed and picked with -env.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, expandEnvLikeGo, keywordDsnToUrl, listEnvironments, redact, resolveSettings, type ResolveOptions, type Settings } from '../../src/engine/internal';

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'migrate-lens-envs-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

function write(name: string, text: string): void {
  mkdirSync(join(cwd, name, '..'), { recursive: true });
  writeFileSync(join(cwd, name), text);
}
const resolve = (opts: Partial<ResolveOptions> = {}): Settings => resolveSettings({ cwd, env: {}, ...opts });
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

const CONFIG = `database:
  url: postgres://dev@localhost/devdb
migrations:
  dir: db/migrations
  table: history
environments:
  staging:
    url: postgres://app:\${STAGING_PW}@staging.example:5432/app
  production:
    host: prod.example
    user: app
    password: \${PROD_PW}
    dbname: app
    sslmode: require
    protected: true
    table: prod_history
`;

describe('config.yaml environments', () => {
  it('uses the top-level database without -env, and an unset ${VAR} of an environment harms nobody', () => {
    write('config.yaml', CONFIG);
    const s = resolve();
    expect(url(s)).toBe('postgres://dev@localhost/devdb');
    expect(s.environment).toBeUndefined();
  });

  it('picks the named environment: its connection, its migrations keys over the file\'s, protected', () => {
    write('config.yaml', CONFIG);
    const prod = resolve({ environment: 'production', env: { PROD_PW: 'prod-secret-9', DATABASE_URL: 'postgres://x@y/z' } });
    expect(prod.environment).toEqual({ name: 'production', protected: true });
    expect(prod.source).toBe('config.yaml, environment production');
    expect(prod.connection.description).toBe('postgres://app@prod.example:5432/app');
    expect(new URL(url(prod)).searchParams.get('sslmode')).toBe('require');
    expect(prod).toMatchObject({ table: 'prod_history', migrationsDir: join(cwd, 'db', 'migrations') });
    expect(JSON.stringify({ ...prod, connection: prod.connection.description })).not.toContain('prod-secret-9');
    expect(redact(url(prod))).not.toContain('prod-secret-9');

    const staging = resolve({ environment: 'staging', env: { STAGING_PW: 'staging-pw-42' } });
    expect(staging.environment).toEqual({ name: 'staging', protected: false });
    expect(staging.table).toBe('history');
  });

  it('an explicit environment wins over the extension\'s connection setting', () => {
    write('config.yaml', CONFIG);
    const s = resolve({ environment: 'staging', env: { STAGING_PW: 'staging-pw-41' }, connectionString: 'postgres://setting@h/d' });
    expect(s.connection.description).toBe('postgres://app@staging.example:5432/app');
  });

  it('names an unknown environment and lists the known ones; -env without a config file is an error', () => {
    write('config.yaml', CONFIG);
    expect(configError({ environment: 'prod' })).toBe('config.yaml: no environment "prod"; it defines "staging", "production"');
    expect(configError({ environment: 'production' })).toBe('config.yaml:12: ${PROD_PW} is not set in the environment');
    rmSync(join(cwd, 'config.yaml'));
    expect(configError({ environment: 'production' })).toContain('-env production: there is no config file');
    write('config.yaml', 'database:\n  url: postgres://a@b/c\n');
    expect(configError({ environment: 'x' })).toBe('config.yaml: no environment "x"; add it under "environments:"');
  });

  it('refuses unknown keys, an environment without a database, and a bad protected value, with lines', () => {
    write('config.yaml', 'environments:\n  qa:\n    url: postgres://a@b/c\n    protect: true\n');
    expect(configError({ environment: 'qa' })).toMatch(/^config\.yaml:4: unknown key "environments\.qa\.protect"; expected one of .*protected/);
    write('config.yaml', 'environments:\n  qa:\n    table: t\n');
    expect(configError({ environment: 'qa' })).toBe('config.yaml:2: environment "qa" names no database; give it "url" or "host"/"dbname"/"user"');
    write('config.yaml', 'environments:\n  qa:\n    url: postgres://a@b/c\n    protected: maybe\n');
    expect(configError({ environment: 'qa' })).toContain('environments.qa.protected');
    write('config.yaml', 'environments: [a]\n');
    expect(configError()).toMatch(/^config\.yaml:1: "environments" must be a mapping/);
  });

  it('merge keys share settings between environments', () => {
    write('config.yaml', 'environments:\n  base: &base\n    host: db.internal\n    user: app\n    dbname: app\n  eu:\n    <<: *base\n    dbname: app_eu\n    protected: yes\n');
    const eu = resolve({ environment: 'eu' });
    expect(eu.connection.description).toBe('postgres://app@db.internal:5432/app_eu');
    expect(eu.environment?.protected).toBe(true);
  });

  it('lists environments with a redacted target, protected flag and file, without throwing on unset variables', () => {
    write('config.yaml', CONFIG);
    const list = listEnvironments({ cwd, env: { STAGING_PW: 'list-secret-3' } });
    expect(list).toEqual([
      { name: 'staging', protected: false, target: 'postgres://app@staging.example:5432/app', file: 'config.yaml' },
      { name: 'production', protected: true, target: '(config.yaml:12: ${PROD_PW} is not set in the environment)', file: 'config.yaml' },
    ]);
    expect(JSON.stringify(list)).not.toContain('list-secret-3');
    rmSync(join(cwd, 'config.yaml'));
    expect(listEnvironments({ cwd, env: {} })).toEqual([]);
  });
});

const DBCONFIG = `development:
  dialect: postgres
  datasource: host=localhost dbname=app_dev user=dev password='it''s ok' sslmode=disable
  dir: db/migrations
production:
  dialect: postgres
  datasource: postgres://app:\${PROD_PASSWORD}@prod.example:5432/app?sslmode=require
  dir: db/migrations
  table: migrations
  schema: ops
local:
  dialect: sqlite3
  datasource: test.db
`;

describe("sql-migrate's dbconfig.yml", () => {
  it('uses development without -env, as sql-migrate does, and reads the key=value datasource', () => {
    write('dbconfig.yml', DBCONFIG.replace("'it''s ok'", "'it\\'s ok'"));
    const s = resolve({ configFile: 'dbconfig.yml' });
    expect(s.environment).toEqual({ name: 'development', protected: false });
    expect(s.source).toBe('dbconfig.yml, environment development');
    expect(s.connection.description).toBe('postgres://dev@localhost:5432/app_dev');
    const u = new URL(url(s));
    expect(decodeURIComponent(u.password)).toBe("it's ok");
    expect(u.searchParams.get('sslmode')).toBe('disable');
    expect(s.migrationsDir).toBe(join(cwd, 'db', 'migrations'));
    expect(s.table).toBe('schema_migrations');
    expect(s.sqlMigrateTable).toBeUndefined();
  });

  it('-env production: URL datasource with $VAR expanded, table is sql-migrate\'s, schema is shared', () => {
    write('dbconfig.yml', DBCONFIG);
    const s = resolve({ configFile: 'dbconfig.yml', environment: 'production', env: { PROD_PASSWORD: 'dbc-secret-1' } });
    expect(s.connection.description).toBe('postgres://app@prod.example:5432/app');
    expect(url(s)).toContain('dbc-secret-1');
    expect(redact(`x ${url(s)}`)).not.toContain('dbc-secret-1');
    expect(s).toMatchObject({ sqlMigrateTable: 'migrations', schema: 'ops', table: 'schema_migrations' });
  });

  it('refuses other dialects clearly, and names a missing environment', () => {
    write('dbconfig.yml', DBCONFIG);
    expect(configError({ configFile: 'dbconfig.yml', environment: 'local' })).toBe(
      'dbconfig.yml:12: environment "local" uses dialect "sqlite3"; migrate-lens works with PostgreSQL only ("dialect: postgres")',
    );
    expect(configError({ configFile: 'dbconfig.yml', environment: 'test' })).toBe('dbconfig.yml: no environment "test"; it defines "development", "production", "local"');
    write('dbconfig.yml', 'production:\n  dialect: postgres\n  datasource: dbname=x\n');
    expect(configError({ configFile: 'dbconfig.yml' })).toBe('dbconfig.yml: no environment "development"; it defines "production"');
    write('dbconfig.yml', 'development:\n  dialect: postgres\n  datasourc: dbname=x\n');
    expect(configError({ configFile: 'dbconfig.yml' })).toMatch(/^dbconfig\.yml:3: unknown key "development\.datasourc"/);
    write('dbconfig.yml', 'development:\n  dialect: postgres\n  datasource: host=a dbname\n');
    expect(configError({ configFile: 'dbconfig.yml' })).toContain('neither a postgres:// URL nor key=value pairs');
  });

  it('defaults dir to migrations, like sql-migrate, and lists every environment', () => {
    write('conf/dbconfig.yml', 'development:\n  dialect: postgres\n  datasource: postgres://a@h/d\nci:\n  dialect: mysql\n  datasource: x\n');
    expect(resolve({ configFile: 'conf/dbconfig.yml' }).migrationsDir).toBe(join(cwd, 'migrations'));
    const list = listEnvironments({ cwd, env: {}, configFile: 'conf/dbconfig.yml' });
    expect(list.map((e) => [e.name, e.target])).toEqual([
      ['development', 'postgres://a@h:5432/d'],
      ['ci', '(conf/dbconfig.yml:5: environment "ci" uses dialect "mysql"; migrate-lens works with PostgreSQL only ("dialect: postgres"))'],
    ]);
  });

  it("expands like Go's os.ExpandEnv: $VAR and ${VAR}, unset is empty", () => {
    const env = { A: 'x', B_2: 'y' };
    expect(expandEnvLikeGo('$A-${B_2}-$MISSING-${MISSING}-$$', env)).toBe('x-y---');
    expect(expandEnvLikeGo('no vars', env)).toBe('no vars');
  });

  it('turns libpq key=value pairs into a URL, sockets and extra parameters included', () => {
    expect(keywordDsnToUrl('host=/var/run/postgresql dbname=app user=me')).toBe('postgres://me@/app?host=%2Fvar%2Frun%2Fpostgresql');
    expect(keywordDsnToUrl("user=u password='a b\\'c' port=6000 application_name=x")).toBe('postgres://u:a%20b\'c@localhost:6000/u?application_name=x');
  });
});
