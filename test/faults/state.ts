// What the fault suite checks after every case: the database itself, not what the CLI says about it.
import type { TestDatabase } from '../support/pg';

export interface DbState {
  /** User tables as "schema.table", sorted. */
  tables: string[];
  /** Tracking-table rows, sorted by version. */
  history: { version: string; status: string; batch: number | null }[];
  /** Advisory locks granted in this database. */
  advisoryLocks: number;
  /** Sessions of the CLI (application_name migrate-lens) still connected to this database. */
  cliSessions: number;
}

export async function inspect(db: TestDatabase, trackingTable = 'public.schema_migrations'): Promise<DbState> {
  const tables = await db.query<{ t: string }>(
    `SELECT n.nspname || '.' || c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
`,
  );
  const names = tables.map((r) => r.t).sort();
  const [schema, table] = trackingTable.split('.');
  const history = names.includes(trackingTable)
    ? await db.query<{ version: string; status: string; batch: number | null }>(
        `SELECT version::text AS version, status, batch FROM "${schema}"."${table}" ORDER BY version`,
      )
    : [];
  const [locks] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
     WHERE l.locktype = 'advisory' AND l.granted AND d.datname = $1`,
    [db.name],
  );
  const [sessions] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'migrate-lens'`,
    [db.name],
  );
  return { tables: names, history, advisoryLocks: locks.n, cliSessions: sessions.n };
}

/** How many times each version's side effect ran (migrations insert their version into run_log). */
export async function runCounts(db: TestDatabase): Promise<Record<string, number>> {
  const rows = await db.query<{ version: string; n: number }>(
    'SELECT version, count(*)::int AS n FROM public.run_log GROUP BY version ORDER BY version',
  );
  return Object.fromEntries(rows.map((r) => [r.version, r.n]));
}

/**
 * The pid of a CLI session of this database that is inside pg_sleep, once there is one. Found by its wait
 * event, not its query text: a round trip may hold several migrations and pg_stat_activity cuts long text.
 */
export async function sleepingPid(db: TestDatabase): Promise<number | null> {
  const rows = await db.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'migrate-lens' AND wait_event = 'PgSleep'`,
    [db.name],
  );
  return rows[0]?.pid ?? null;
}

export const v = (n: number) => `2024010100${String(n).padStart(4, '0')}`;

/** A migration that creates table tN and logs its run in run_log (created by migration 1). */
export function logged(n: number, extraUp = ''): string {
  return `-- +migrate Up
CREATE TABLE t${n} (id int PRIMARY KEY);
INSERT INTO run_log (version) VALUES ('${v(n)}');
${extraUp}
-- +migrate Down
DROP TABLE t${n};
DELETE FROM run_log WHERE version = '${v(n)}';
`;
}

export const FIRST = `-- +migrate Up
CREATE TABLE run_log (version text NOT NULL, pid int NOT NULL DEFAULT pg_backend_pid(), at timestamptz NOT NULL DEFAULT clock_timestamp());
INSERT INTO run_log (version) VALUES ('${v(1)}');
-- +migrate Down
DROP TABLE run_log;
`;

/** Files for migrations 1..n: run_log, then t2..tn; `extra[n]` adds SQL to migration n's Up. */
export function loggedSet(n: number, extra: Record<number, string> = {}): Record<string, string> {
  const files: Record<string, string> = { [`${v(1)}_run_log.sql`]: FIRST };
  for (let i = 2; i <= n; i++) files[`${v(i)}_t${i}.sql`] = logged(i, extra[i] ?? '');
  return files;
}

export function expectedTables(n: number, tracking = 'public.schema_migrations', others: string[] = []): string[] {
  const t = ['public.run_log', tracking, ...others];
  for (let i = 2; i <= n; i++) t.push(`public.t${i}`);
  return t.sort();
}
