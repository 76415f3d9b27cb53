/** Flags that more than one command takes, defined once so that they read and print the same everywhere. */
import { MAX_LOCK_TIMEOUT_MS } from '../../engine/internal';
import type { Flag } from './types';

const digits = (flag: string) => (value: string) => (/^\d+$/.test(value) ? undefined : `-${flag} expects digits, got "${value}"`);

export const CONFIG: Flag = {
  name: 'config',
  type: 'string',
  value: 'FILE',
  help: "config file (default: config.yaml in the working directory, if present); sql-migrate's dbconfig.yml is read too (dialect postgres)",
};
export const ENV: Flag = {
  name: 'env',
  type: 'string',
  value: 'NAME',
  help: 'a named environment of the config file ("environments:" in config.yaml; a dbconfig.yml uses "development" when -env is not given)',
};
export const MIGRATIONS: Flag = { name: 'migrations', type: 'string', value: 'DIR', help: 'migrations folder (default: migrations)' };
export const TABLE: Flag = { name: 'table', type: 'string', value: 'NAME', help: 'tracking table (default: schema_migrations)' };
export const SCHEMA: Flag = { name: 'schema', type: 'string', value: 'NAME', help: 'schema of the tracking table (default: public)' };
export const LOCK_TIMEOUT: Flag = { name: 'lock-timeout', type: 'duration', value: 'S', help: "seconds to wait for another runner's lock (default: 60; also 500ms, 2m)" };
export const DDL_LOCK_TIMEOUT: Flag = {
  name: 'ddl-lock-timeout',
  type: 'duration',
  value: 'D',
  help: "PostgreSQL lock_timeout for each migration's statements (default: migrations.ddl_lock_timeout, else 5s; 0: none)",
  maxMs: MAX_LOCK_TIMEOUT_MS,
};
export const DDL_RETRIES: Flag = {
  name: 'ddl-retries',
  type: 'string',
  value: 'N',
  help: 'tries again a migration that hit the lock timeout (SQLSTATE 55P03), with backoff 1s, 2s, 4s... (default: migrations.ddl_retries, else 3)',
};
export const REQUIRE: Flag = {
  name: 'require',
  type: 'list',
  value: 'FILE',
  help: 'a .js/.mjs/.cjs module that registers code migrations (registerMigration); repeatable; after migrations.require of the config file',
};
export const DRY_RUN: Flag = { name: 'dry-run', type: 'boolean', help: 'print the statements that would run; change nothing' };

/** -version V where V is a migration's version. */
export function versionFlag(help: string): Flag {
  return { name: 'version', type: 'string', value: 'V', help, check: digits('version') };
}

/** What every command that reads the folder and the database takes. */
export const DATABASE_FLAGS: readonly Flag[] = [CONFIG, ENV, MIGRATIONS, TABLE, SCHEMA, REQUIRE];
/** What every command that changes the database takes: the above and the lock's patience. */
export const WRITE_FLAGS: readonly Flag[] = [...DATABASE_FLAGS, LOCK_TIMEOUT, DDL_LOCK_TIMEOUT, DDL_RETRIES];

/** Every command takes these; the parser adds them. */
export const GLOBAL_FLAGS: readonly Flag[] = [
  { name: 'verbose', type: 'boolean', help: 'print stack traces with errors' },
  { name: 'help', type: 'boolean', help: 'this text' },
];
