export * from './types';
export * from './errors';
export { DIRECTIVES, parseMigration, splitStatements } from './parser';
export { checksum, normaliseText } from './checksum';
export { loadMigrations, loadMigrationsAsync, readMigrationFile, checkFileName, compareVersions, FILE_NAME_PATTERN } from './source';
export { openDatabase, type Database } from './database';
export {
  resolveSettings,
  listEnvironments,
  parseConfig,
  expandVars,
  expandEnvLikeGo,
  keywordDsnToUrl,
  EMBEDDED_DATA_DIR,
  DEFAULT_LOCK_TIMEOUT_MS,
  DEFAULT_DDL_LOCK_TIMEOUT_MS,
  DEFAULT_DDL_RETRIES,
  MAX_LOCK_TIMEOUT_MS,
  SQL_MIGRATE_DEFAULT_ENV,
  type Settings,
  type ConnectionSettings,
  type ResolveOptions,
  type EnvironmentInfo,
} from './config';
export { redact, registerSecret, describeUrl } from './redact';
export { buildStatus, planUp, planDown, isApplied, type UpOptions, type DownOptions } from './plan';
export { Migrator, type MigratorOptions } from './migrator';
export { registerMigration, clearRegisteredMigrations } from './registry';
export { loadRequiredModules } from './require';
export { createMigrationFile, migrationTemplate, snakeName, timestamp } from './create';
export { quoteIdent } from './sql';
export { lockRetryText } from './run/retry-text';
export { backoffMs, isLockTimeout, type LockPolicy } from './run/retry';
export {
  adopt,
  adoptionNote,
  detectForeignHistories,
  ADOPT_TOOLS,
  ADOPT_TOOL_NAMES,
  type AdoptOptions,
  type AdoptResult,
  type AdoptedEntry,
  type ForeignHistory,
  type ToolName,
  type OnAdoptStep,
} from './adopt';
export * from './verify';
