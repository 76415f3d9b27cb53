import type { Command } from './args';

const COMMON = `Connection (first match wins): -config FILE or ./config.yaml, DATABASE_URL, PG* variables,
else the embedded PGlite database in .migrate-lens/pglite.

Common flags:
  -config FILE        config file (default: config.yaml in the working directory, if present);
                      sql-migrate's dbconfig.yml is read too (dialect postgres)
  -env NAME           a named environment of the config file ("environments:" in config.yaml;
                      a dbconfig.yml uses "development" when -env is not given)
  -migrations DIR     migrations folder (default: migrations)
  -table NAME         tracking table (default: schema_migrations)
  -schema NAME        schema of the tracking table (default: public)
  --lock-timeout S    seconds to wait for another runner's lock (default: 60)
  --verbose           print stack traces with errors
  --help              this text`;

const USAGE: Record<Command, string> = {
  up: `migrate-lens up [-version V] [--dry-run] [--out-of-order]
Applies pending migrations in version order, each in its own transaction, as one new batch.
  -version V        apply up to and including version V
  --dry-run         print the statements that would run; change nothing
  --out-of-order    also apply pending files older than the newest applied one`,
  down: `migrate-lens down [-version V | --batch | --all] [--dry-run]
Rolls back the most recently applied migration.
  -version V        roll back every migration applied after version V (0: all)
  --batch           roll back the whole last batch
  --all             roll back everything (the same as reset)
  --dry-run         print the statements that would run; change nothing`,
  status: `migrate-lens status [--json]
Lists every migration: VERSION, STATUS, NAME, APPLIED AT, EXECUTION TIME, with a hint for each problem.
Statuses: pending, applied, failed, rollback, drifted (file changed after it was applied), missing (applied, file gone).
  --json            machine-readable output`,
  create: `migrate-lens create -name NAME
Writes migrations/YYYYMMDDHHMMSS_snake_name.sql from the template (Up, Down).`,
  reset: `migrate-lens reset [--dry-run]
Rolls back every applied migration, most recent first.`,
  refresh: `migrate-lens refresh
Rolls back every applied migration, then applies all of them again (reset + up).`,
  version: `migrate-lens version
Prints the newest applied version.`,
  'mark-applied': `migrate-lens mark-applied -version V
Records V as applied without running it (its changes were made some other way).`,
  'mark-rolled-back': `migrate-lens mark-rolled-back -version V
Records an applied V as rolled back without running its Down (undone by hand).`,
  lint: `migrate-lens lint [-migrations DIR | FILE...] [--format text|json|sarif] [--pending] [--strict]
Checks migrations before they run, with PostgreSQL's own grammar and what each file does: its sections,
whether it runs in a transaction, which tables it created. Prints file:line:col severity rule message.
Exit 1 when an error is found (with --strict: any finding), else 0.
  FILE...             lint these files instead of the migrations folder
  --format F          text (default), json (array of {file, line, column, severity, rule, message}) or sarif (2.1.0)
  --pending           only the migrations not yet applied to the database
  --strict            warnings fail too
  --ddl-lock-timeout D  the run's lock timeout the missing-lock-timeout rule assumes (default: the config's, else 5s)
Rules and their severities: README "Lint rules"; config.yaml lint.rules sets them (error, warning, off).
Silence one on a statement or a file: -- migrate-lens-ignore rule-id[, rule-id]`,
  forget: `migrate-lens forget -version V
Deletes the record of a failed or rolled back migration so that it is simply pending again.`,
  'accept-checksum': `migrate-lens accept-checksum -version V
Accepts the current file of a drifted migration as the applied one; records who and when.`,
};

export function commandHelp(command: Command): string {
  return `${USAGE[command]}\n\n${COMMON}\n`;
}

export function generalHelp(): string {
  return `migrate-lens: versioned PostgreSQL migrations (sql-migrate format)

Usage: migrate-lens COMMAND [flags]

Commands:
  up                apply pending migrations
  down              roll back the latest migration (or -version V, --batch)
  status            show every migration and its state (--json)
  create            write a new migration file (-name NAME)
  reset             roll back everything
  refresh           reset, then up
  version           print the newest applied version
  mark-applied      record a version as applied without running it
  mark-rolled-back  record a version as rolled back without running it
  forget            delete the record of a failed migration
  accept-checksum   accept a changed file as the applied one
  lint              check migrations for risky or failing statements before they run

Run "migrate-lens COMMAND --help" for a command's flags.
Exit codes: 0 done, 1 failed, 2 usage error.

${COMMON}
`;
}
