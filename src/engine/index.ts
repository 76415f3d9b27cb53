/**
 * migrate-lens as a library: `import { createMigrator } from 'migrate-lens'` (ESM) or
 * `require('migrate-lens')` (CommonJS). This file is the whole public surface; every other module
 * of the engine is internal and may change in any release.
 *
 * @packageDocumentation
 */
export { createMigrator, MigrateLens, type CreateMigratorOptions, type MigrateEvent, type UpCommandOptions, type DownCommandOptions } from './api';
export { registerMigration } from './registry';
export type { Settings, ConnectionSettings } from './config';
export type {
  AppliedResult,
  CodeMigrationDefinition,
  Direction,
  DisplayStatus,
  HistoryRow,
  Migration,
  MigrationHandle,
  ParsedMigration,
  RowStatus,
  RunResult,
  Section,
  Statement,
  StatusEntry,
} from './types';
export {
  MigrateError,
  ParseError,
  ChecksumMismatchError,
  OutOfOrderError,
  LockTimeoutError,
  MigrationFailedError,
  ConfigError,
  NoDownError,
  UnknownVersionError,
  StateError,
} from './errors';
export { lint, type LintFinding, type LintOptions, type LintSeverity } from './lint';
// verify joins this surface when the engine has it (issue 13): export its function and result types
// here, each with TSDoc, and add them to test/unit/public-api.test.ts.
