/**
 * migrate-lens as a library: `import { createMigrator } from 'migrate-lens'` (ESM) or
 * `require('migrate-lens')` (CommonJS). This file is the whole public surface; every other module
 * of the engine is internal and may change in any release.
 *
 * @packageDocumentation
 */
export {
  createMigrator,
  MigrateLens,
  type CreateMigratorOptions,
  type MigrateEvent,
  type UpCommandOptions,
  type DownCommandOptions,
  type VerifyCommandOptions,
} from './api';
export type { VerifyResult, VerifyFailure, VerifyLocation, VerifyProgress } from './verify/verify';
export type { SchemaDifference } from './verify/diff';
export type { ObjectKind } from './verify/snapshot';
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
  SectionDirective,
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
