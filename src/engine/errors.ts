import type { Direction } from './types';

/** Base class of every error the engine throws on purpose. `code` is stable for programs. */
export class MigrateError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A migration file or folder that cannot be read as migrations. `line` is 1-based, 0 when unknown. */
export class ParseError extends MigrateError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
    /** Where in the parsed (LF-normalised) text the problem starts, when the parser knows it (the linter shows its column). */
    readonly offset?: number,
  ) {
    super('PARSE', `${line > 0 ? `${file}:${line}` : file}: ${reason}`);
  }
}

/** An applied migration's file changed since (drift); `code` `CHECKSUM_MISMATCH`. Nothing ran. */
export class ChecksumMismatchError extends MigrateError {
  constructor(
    readonly version: string,
    readonly file: string,
    readonly appliedAt: Date | null,
  ) {
    super(
      'CHECKSUM_MISMATCH',
      `${file}: migration ${version} was modified after it was applied` +
        (appliedAt ? ` on ${appliedAt.toISOString()}` : '') +
        `; restore the file or run "accept-checksum -version ${version}"`,
    );
  }
}

/** A pending migration is older than the newest applied one and out-of-order runs are off; `code` `OUT_OF_ORDER`. */
export class OutOfOrderError extends MigrateError {
  constructor(
    readonly version: string,
    readonly file: string,
    readonly newestApplied: string,
  ) {
    super(
      'OUT_OF_ORDER',
      `${file}: migration ${version} is older than the newest applied migration ${newestApplied}; ` +
        `rename it to a newer version or pass --out-of-order`,
    );
  }
}

/** Another runner held the migration lock longer than the lock timeout; `holder` names its session; `code` `LOCK_TIMEOUT`. */
export class LockTimeoutError extends MigrateError {
  constructor(
    readonly holder: string,
    readonly waitedMs: number,
  ) {
    super('LOCK_TIMEOUT', `lock held by ${holder}; gave up after ${Math.round(waitedMs / 1000)} s`);
  }
}

/** A migration's statement failed: it was rolled back and recorded as failed; `line` is its line in the file; `code` `MIGRATION_FAILED`. */
export class MigrationFailedError extends MigrateError {
  constructor(
    readonly version: string,
    readonly migrationName: string,
    readonly direction: Direction,
    readonly statementIndex: number | null,
    readonly line: number | null,
    readonly file: string,
    readonly dbMessage: string,
    cause?: unknown,
  ) {
    const where = line ? `${file}:${line}` : file;
    const stmt = statementIndex !== null ? ` (statement ${statementIndex + 1})` : '';
    super(
      'MIGRATION_FAILED',
      `${where}: migration ${version} ${direction} failed${stmt}: ${dbMessage}`,
      { cause },
    );
  }
}

/** The settings cannot be used: config file, flags or environment; `code` `CONFIG`. */
export class ConfigError extends MigrateError {
  constructor(message: string) {
    super('CONFIG', message);
  }
}

/** A migration to roll back has no Down section; nothing was rolled back; `code` `NO_DOWN`. */
export class NoDownError extends MigrateError {
  constructor(
    readonly version: string,
    readonly file: string,
  ) {
    super(
      'NO_DOWN',
      `${file}: migration ${version} has no -- +migrate Down section; nothing was rolled back. ` +
        `Add a Down section to the file, or undo its changes by hand and then run "mark-rolled-back -version ${version}"`,
    );
  }
}

/** A recovery or targeting command named a version that is not known. */
export class UnknownVersionError extends MigrateError {
  constructor(
    readonly version: string,
    detail = 'no such migration',
  ) {
    super('UNKNOWN_VERSION', `version ${version}: ${detail}`);
  }
}

/** The tracking table or the folder is in a state the requested action cannot work from. */
export class StateError extends MigrateError {
  constructor(message: string) {
    super('STATE', message);
  }
}

/** The tracking table was made by another tool (or by hand): it is never altered or written. */
export class ForeignTableError extends MigrateError {
  constructor(
    readonly table: string,
    /** The tool its columns point to, when known. */
    readonly tool: string | null,
    message: string,
  ) {
    super('FOREIGN_TABLE', message);
  }
}

/** adopt refuses: the other tool's state is not clean, or the folder cannot be matched to it. */
export class AdoptError extends MigrateError {
  constructor(message: string) {
    super('ADOPT', message);
  }
}
