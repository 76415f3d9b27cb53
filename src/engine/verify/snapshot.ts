// The schema of a database as plain data, read from the catalogs in one round trip: what verify
// compares before a migration's Up and after its Down.
import type { Database } from '../database';
import { sqlLiteral } from '../sql';

/** The kinds of object a snapshot holds, in the order differences are reported. */
export const OBJECT_KINDS = [
  'extension',
  'schema',
  'enum',
  'type',
  'table',
  'column',
  'constraint',
  'index',
  'view',
  'materialized view',
  'sequence',
  'function',
  'trigger',
  'rule',
  'policy',
  'object',
] as const;

/**
 * A kind of schema object that verify compares: `table`, `column`, `index`, `enum`, `function`, …;
 * `object`: any other (statistics object, default privileges, event trigger, collation, cast,
 * operator, text search configuration, publication, foreign server, …), named by PostgreSQL's own
 * words for it (`label`).
 */
export type ObjectKind = (typeof OBJECT_KINDS)[number];

/** One object: what it is called in messages, the table or type it belongs to, and its compared properties. */
export interface SchemaObject {
  /** `users`, `users.email`, `users_pkey on users`, `app.touch(integer)` (schema left out when it is `public`). */
  name: string;
  /** The table, view or type a column, constraint, index, trigger, rule or policy belongs to; absent otherwise. */
  parent?: string;
  /** How messages name it, where `kind \`name\`` would not say what it is: ``statistics object `public.users_stats` ``. */
  label?: string;
  /** Compared one by one; null: not set. */
  props: Record<string, string | null>;
}

/** Every object of every kind, each kind keyed by name. */
export type Snapshot = Record<ObjectKind, Map<string, SchemaObject>>;

/** What verify leaves out: its own tracking table (with its columns, key and progress columns). Its schema is compared like any other: it exists before the first snapshot. */
export interface SnapshotOptions {
  trackingSchema: string;
  trackingTable: string;
}

// Every object a user (or an extension) creates has an OID from FirstNormalObjectId (16384) up; the
// thousands of built-in functions, types and relations are below it. Filtering on it lets each kind be
// an index range scan on its catalog's OID instead of a scan of the whole catalog.
const USER_OID = 16384;
// Schemas that are PostgreSQL's own.
const USER_NS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'`;
// An object that belongs to an extension is the extension's business: only the extension is compared.
const notExtensionMember = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = '${catalog}'::regclass AND e.objid = ${oid} AND e.deptype = 'e')`;
// A comment, through pg_description's unique index: obj_description() is a SQL function, and calling
// it for each of hundreds of columns costs more than the rest of their query.
const comment = (catalog: string, oid: string, sub = '0') =>
  `(SELECT d.description FROM pg_catalog.pg_description d WHERE d.objoid = ${oid} AND d.classoid = '${catalog}'::regclass AND d.objsubid = ${sub})`;
// The privileges in effect, not as stored: an object's ACL is NULL (the owner's default) until the
// first GRANT or REVOKE, a REVOKE that undoes a GRANT leaves the default written out, and the entries
// are in the order they were granted. So: NULL when they are the owner's default (however stored;
// and so an owner change is one difference, not two; messages say `default`), else the entries
// sorted ('none' when every privilege was revoked). `kind` is acldefault's: r table or view, s
// sequence, f function, T type, n schema, c column.
const sortedAcl = (acl: string) => `(SELECT coalesce(string_agg(i::text, ', ' ORDER BY i::text), 'none') FROM unnest(${acl}) i)`;
const privileges = (acl: string, kind: string, owner: string) =>
  `CASE WHEN ${acl} IS NULL THEN NULL ELSE (SELECT NULLIF(x.granted, x.owners)
    FROM (SELECT ${sortedAcl(acl)} AS granted, ${sortedAcl(`acldefault('${kind}', ${owner})`)} AS owners) x) END`;
const display = (ns: string, name: string) => `CASE WHEN ${ns} = 'public' THEN ${name} ELSE ${ns} || '.' || ${name} END`;
const agg = (select: string) => `(SELECT coalesce(json_agg(x), '[]'::json) FROM (${select}) x)`;

// Every other kind of object a migration can create in a database: compared by name (and, where it
// is cheap to read, definition), so one a Down leaves behind is reported at that Down, not later as
// "already exists" when the Up runs again. Not here: pg_user_mapping and pg_subscription, which only
// superusers may read, and roles and tablespaces, which belong to the server, not the database.
const OTHER_OBJECTS = [
  `SELECT 'pg_catalog.pg_statistic_ext'::regclass AS classid, s.oid, pg_get_statisticsobjdef(s.oid) AS definition FROM pg_catalog.pg_statistic_ext s`,
  `SELECT 'pg_catalog.pg_default_acl'::regclass, a.oid, a.defaclacl::text FROM pg_catalog.pg_default_acl a`,
  `SELECT 'pg_catalog.pg_event_trigger'::regclass, e.oid, concat_ws(' ', 'on ' || e.evtevent, 'execute ' || e.evtfoid::regprocedure,
     CASE e.evtenabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' END, 'tags ' || array_to_string(e.evttags, ', ')) FROM pg_catalog.pg_event_trigger e`,
  ...[
    'pg_collation', 'pg_conversion', 'pg_operator', 'pg_opclass', 'pg_opfamily', 'pg_cast', 'pg_ts_config', 'pg_ts_dict', 'pg_ts_parser', 'pg_ts_template',
    'pg_foreign_data_wrapper', 'pg_foreign_server', 'pg_publication', 'pg_publication_rel', 'pg_language', 'pg_am', 'pg_transform',
  ].map((catalog) => `SELECT 'pg_catalog.${catalog}'::regclass, x.oid, NULL FROM pg_catalog.${catalog} x WHERE x.oid >= ${USER_OID}`),
].join('\n  UNION ALL ');

/**
 * One statement, one row: a JSON array per kind. Each kind is one catalog query (not one per
 * object), so a snapshot costs the same few milliseconds for ten tables or a thousand. Column
 * order (attnum) is not compared: a Down that re-adds a dropped column can only add it at the end.
 * Sequence values, statistics and OIDs are not schema and are not read.
 */
const snapshotSql = (trackingSchema: string, trackingTable: string, serverVersion: number) => `
WITH rels AS (
  SELECT c.oid, c.relkind, ${display('n.nspname', 'c.relname')} AS name
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.oid >= ${USER_OID} AND ${USER_NS} AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'c', 'S')
    AND NOT (n.nspname = ${trackingSchema} AND c.relname = ${trackingTable})
    AND ${notExtensionMember('pg_catalog.pg_class', 'c.oid')}
)
SELECT
  ${agg(`SELECT x.extname AS name, x.extversion AS version, n.nspname AS schema
     FROM pg_catalog.pg_extension x JOIN pg_catalog.pg_namespace n ON n.oid = x.extnamespace`)} AS extensions,
  ${agg(`SELECT n.nspname AS name, pg_get_userbyid(n.nspowner) AS owner, ${privileges('n.nspacl', 'n', 'n.nspowner')} AS privileges, ${comment('pg_catalog.pg_namespace', 'n.oid')} AS comment
     FROM pg_catalog.pg_namespace n WHERE ${USER_NS} AND ${notExtensionMember('pg_catalog.pg_namespace', 'n.oid')}`)} AS schemas,
  ${agg(`SELECT ${display('n.nspname', 't.typname')} AS name,
       (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid)::text AS values,
       pg_get_userbyid(t.typowner) AS owner, ${privileges('t.typacl', 'T', 't.typowner')} AS privileges, ${comment('pg_catalog.pg_type', 't.oid')} AS comment
     FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
     WHERE t.oid >= ${USER_OID} AND ${USER_NS} AND t.typtype = 'e' AND ${notExtensionMember('pg_catalog.pg_type', 't.oid')}`)} AS enums,
  ${agg(`SELECT ${display('n.nspname', 't.typname')} AS name,
       CASE t.typtype WHEN 'd' THEN 'domain over ' || format_type(t.typbasetype, t.typtypmod)
                      WHEN 'c' THEN 'composite type'
                      WHEN 'r' THEN (SELECT 'range type over ' || format_type(g.rngsubtype, NULL) FROM pg_catalog.pg_range g WHERE g.rngtypid = t.oid)
                      ELSE 'type' END AS kind,
       CASE WHEN t.typnotnull THEN 'not null' END AS "not null", t.typdefault AS default,
       (SELECT string_agg(k.conname || ' ' || pg_get_constraintdef(k.oid), '; ' ORDER BY k.conname)
          FROM pg_catalog.pg_constraint k WHERE k.contypid = t.oid) AS constraints,
       pg_get_userbyid(t.typowner) AS owner, ${privileges('t.typacl', 'T', 't.typowner')} AS privileges, ${comment('pg_catalog.pg_type', 't.oid')} AS comment
     FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
     WHERE t.oid >= ${USER_OID} AND ${USER_NS} AND (t.typtype IN ('d', 'r') OR (t.typtype = 'c' AND t.typrelid IN (SELECT oid FROM rels WHERE relkind = 'c')))
       AND ${notExtensionMember('pg_catalog.pg_type', 't.oid')}`)} AS types,
  ${agg(`SELECT r.name,
       CASE c.relkind WHEN 'p' THEN 'partitioned table' WHEN 'f' THEN 'foreign table' ELSE 'table' END AS kind,
       CASE c.relpersistence WHEN 'u' THEN 'unlogged' END AS persistence,
       CASE WHEN c.relrowsecurity THEN CASE WHEN c.relforcerowsecurity THEN 'forced' ELSE 'enabled' END END AS "row level security",
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS "partition key",
       (SELECT string_agg(pr.name, ', ' ORDER BY i.inhseqno) FROM pg_catalog.pg_inherits i JOIN rels pr ON pr.oid = i.inhparent WHERE i.inhrelid = c.oid) AS parent,
       pg_get_expr(c.relpartbound, c.oid) AS "partition bound",
       array_to_string(c.reloptions, ', ') AS options,
       CASE c.relreplident WHEN 'n' THEN 'nothing' WHEN 'f' THEN 'full'
         WHEN 'i' THEN 'using index ' || (SELECT i.relname FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = c.oid AND x.indisreplident) END AS "replica identity",
       pg_get_userbyid(c.relowner) AS owner, ${privileges('c.relacl', 'r', 'c.relowner')} AS privileges, ${comment('pg_catalog.pg_class', 'c.oid')} AS comment
     FROM rels r JOIN pg_catalog.pg_class c ON c.oid = r.oid WHERE r.relkind IN ('r', 'p', 'f')`)} AS tables,
  ${agg(`SELECT r.name || '.' || a.attname AS name, r.name AS parent,
       format_type(a.atttypid, a.atttypmod) AS type,
       CASE WHEN a.attnotnull THEN 'not null' END AS "not null",
       CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END AS default,
       CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END AS generated,
       CASE a.attidentity WHEN 'a' THEN 'generated always' WHEN 'd' THEN 'generated by default' END AS identity,
       CASE WHEN a.attidentity <> '' THEN (SELECT concat_ws(' ', 'start', s.seqstart, 'increment', s.seqincrement, 'minimum', s.seqmin, 'maximum', s.seqmax, 'cache', s.seqcache, CASE WHEN s.seqcycle THEN 'cycle' END)
          FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_sequence s ON s.seqrelid = d.objid
          WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND d.deptype = 'i' LIMIT 1) END AS "identity sequence",
       CASE WHEN a.attcollation <> t.typcollation THEN (SELECT collname FROM pg_catalog.pg_collation WHERE oid = a.attcollation) END AS collation,
       CASE WHEN a.attstorage <> t.typstorage THEN CASE a.attstorage WHEN 'p' THEN 'plain' WHEN 'e' THEN 'external' WHEN 'm' THEN 'main' WHEN 'x' THEN 'extended' END END AS storage,
       ${serverVersion >= 140000 ? `CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' END` : 'NULL'} AS compression,
       CASE WHEN a.attstattarget >= 0 THEN a.attstattarget::text END AS statistics,
       ${privileges('a.attacl', 'c', '0')} AS privileges, ${comment('pg_catalog.pg_class', 'a.attrelid', 'a.attnum')} AS comment
     FROM rels r JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid
     JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
     LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE r.relkind IN ('r', 'p', 'f', 'c') AND a.attnum > 0 AND NOT a.attisdropped`)} AS columns,
  ${agg(`SELECT k.conname || ' on ' || r.name AS name, r.name AS parent, pg_get_constraintdef(k.oid) AS definition,
       CASE WHEN NOT k.convalidated THEN 'not valid' END AS validated,
       CASE WHEN k.contype IN ('p', 'u', 'x') THEN (SELECT concat_ws(', ', i.relname, array_to_string(i.reloptions, ', '), CASE WHEN x.indisclustered THEN 'clustered' END,
            'comment ' || ${comment('pg_catalog.pg_class', 'i.oid')})
          FROM pg_catalog.pg_class i JOIN pg_catalog.pg_index x ON x.indexrelid = i.oid WHERE i.oid = k.conindid) END AS index,
       ${comment('pg_catalog.pg_constraint', 'k.oid')} AS comment
     FROM rels r JOIN pg_catalog.pg_constraint k ON k.conrelid = r.oid
     WHERE k.contype IN ('p', 'u', 'f', 'c', 'x')`)} AS constraints,
  ${agg(`SELECT ${display('n.nspname', 'i.relname')} AS name, r.name AS parent, pg_get_indexdef(i.oid) AS definition,
       CASE WHEN NOT x.indisvalid THEN 'invalid' END AS validity, CASE WHEN x.indisclustered THEN 'clustered' END AS clustered,
       ${comment('pg_catalog.pg_class', 'i.oid')} AS comment
     FROM rels r JOIN pg_catalog.pg_index x ON x.indrelid = r.oid
     JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid JOIN pg_catalog.pg_namespace n ON n.oid = i.relnamespace
     WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = i.oid AND k.conrelid = r.oid AND k.contype IN ('p', 'u', 'x'))`)} AS indexes,
  ${agg(`SELECT r.name, r.relkind, pg_get_viewdef(r.oid) AS definition,
       array_to_string(c.reloptions, ', ') AS options, pg_get_userbyid(c.relowner) AS owner, ${privileges('c.relacl', 'r', 'c.relowner')} AS privileges, ${comment('pg_catalog.pg_class', 'r.oid')} AS comment
     FROM rels r JOIN pg_catalog.pg_class c ON c.oid = r.oid WHERE r.relkind IN ('v', 'm')`)} AS views,
  ${agg(`SELECT r.name, format_type(s.seqtypid, NULL) AS type, s.seqstart::text AS start, s.seqincrement::text AS increment,
       s.seqmin::text AS minimum, s.seqmax::text AS maximum, s.seqcache::text AS cache, CASE WHEN s.seqcycle THEN 'cycle' END AS cycle,
       (SELECT o.name || '.' || a.attname FROM pg_catalog.pg_depend d JOIN rels o ON o.oid = d.refobjid
          JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
          WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = r.oid AND d.deptype = 'a' AND d.refobjsubid > 0 LIMIT 1) AS "owned by",
       pg_get_userbyid(c.relowner) AS owner, ${privileges('c.relacl', 's', 'c.relowner')} AS privileges, ${comment('pg_catalog.pg_class', 'r.oid')} AS comment
     FROM rels r JOIN pg_catalog.pg_sequence s ON s.seqrelid = r.oid JOIN pg_catalog.pg_class c ON c.oid = r.oid
     WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = r.oid AND d.deptype = 'i')`)} AS sequences,
  ${agg(`SELECT ${display('n.nspname', 'p.proname')} || '(' || oidvectortypes(p.proargtypes) || ')' AS name,
       CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window function' ELSE 'function' END AS kind,
       CASE WHEN p.prokind IN ('f', 'p', 'w') THEN pg_get_functiondef(p.oid) ELSE
         (SELECT concat_ws(', ', 'aggregate returning ' || pg_get_function_result(p.oid), 'sfunc ' || g.aggtransfn::regprocedure, 'stype ' || format_type(g.aggtranstype, NULL),
            'finalfunc ' || NULLIF(g.aggfinalfn::oid, 0)::regprocedure, 'combinefunc ' || NULLIF(g.aggcombinefn::oid, 0)::regprocedure, 'initcond ' || g.agginitval,
            'msfunc ' || NULLIF(g.aggmtransfn::oid, 0)::regprocedure, 'minvfunc ' || NULLIF(g.aggminvtransfn::oid, 0)::regprocedure,
            'mfinalfunc ' || NULLIF(g.aggmfinalfn::oid, 0)::regprocedure, 'sortop ' || NULLIF(g.aggsortop, 0)::regoperator, CASE g.aggkind WHEN 'o' THEN 'ordered-set' WHEN 'h' THEN 'hypothetical-set' END,
            CASE p.proparallel WHEN 's' THEN 'parallel safe' WHEN 'r' THEN 'parallel restricted' END)
          FROM pg_catalog.pg_aggregate g WHERE g.aggfnoid = p.oid) END AS definition,
       pg_get_userbyid(p.proowner) AS owner, ${privileges('p.proacl', 'f', 'p.proowner')} AS privileges, ${comment('pg_catalog.pg_proc', 'p.oid')} AS comment
     FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
     WHERE p.oid >= ${USER_OID} AND ${USER_NS} AND ${notExtensionMember('pg_catalog.pg_proc', 'p.oid')}
       -- a range type's constructors are part of the type
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.refclassid = 'pg_catalog.pg_type'::regclass AND d.deptype = 'i')`)} AS functions,
  ${agg(`SELECT g.tgname || ' on ' || r.name AS name, r.name AS parent, pg_get_triggerdef(g.oid) AS definition,
       CASE g.tgenabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' END AS enabled,
       ${comment('pg_catalog.pg_trigger', 'g.oid')} AS comment
     FROM rels r JOIN pg_catalog.pg_trigger g ON g.tgrelid = r.oid WHERE NOT g.tgisinternal`)} AS triggers,
  ${agg(`SELECT w.rulename || ' on ' || r.name AS name, r.name AS parent, pg_get_ruledef(w.oid) AS definition,
       CASE w.ev_enabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always' END AS enabled,
       ${comment('pg_catalog.pg_rewrite', 'w.oid')} AS comment
     FROM rels r JOIN pg_catalog.pg_rewrite w ON w.ev_class = r.oid WHERE w.rulename <> '_RETURN'`)} AS rules,
  ${agg(`SELECT y.polname || ' on ' || r.name AS name, r.name AS parent,
       CASE y.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END AS command,
       CASE WHEN y.polpermissive THEN 'permissive' ELSE 'restrictive' END AS mode,
       (SELECT string_agg(CASE WHEN o = 0 THEN 'public' ELSE pg_get_userbyid(o) END, ', ' ORDER BY 1) FROM unnest(y.polroles) o) AS roles,
       pg_get_expr(y.polqual, y.polrelid) AS using, pg_get_expr(y.polwithcheck, y.polrelid) AS "with check"
     FROM rels r JOIN pg_catalog.pg_policy y ON y.polrelid = r.oid`)} AS policies,
  ${agg(`SELECT o.type || ' ' || o.identity AS name, o.type AS object_type, o.identity, c.definition
     FROM (${OTHER_OBJECTS}) c CROSS JOIN LATERAL pg_catalog.pg_identify_object(c.classid, c.oid, 0) o
     WHERE c.oid >= ${USER_OID} AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = c.classid AND e.objid = c.oid AND e.deptype = 'e')`)} AS others
`;

type Row = Record<string, unknown>;

const KEYS: Record<string, ObjectKind | 'views'> = {
  extensions: 'extension',
  schemas: 'schema',
  enums: 'enum',
  types: 'type',
  tables: 'table',
  columns: 'column',
  constraints: 'constraint',
  indexes: 'index',
  views: 'views',
  sequences: 'sequence',
  functions: 'function',
  triggers: 'trigger',
  rules: 'rule',
  policies: 'policy',
  others: 'object',
};

/** An empty snapshot (every kind, no object). */
export function emptySnapshot(): Snapshot {
  return Object.fromEntries(OBJECT_KINDS.map((k) => [k, new Map()])) as Snapshot;
}

/**
 * Session settings that change how the catalogs' definitions read: a migration may leave any of them
 * set (`SET TIME ZONE` for a backfill, `SET DateStyle`), and a default of `'2024-01-01 00:00+00'`
 * would then read as another time, `date` as `"date"`; so every snapshot reads with the same ones,
 * set for its own transaction only. Nor is it cut short by a timeout a migration left set.
 */
const STABLE_OUTPUT = `SET LOCAL search_path = pg_catalog, public;
SET LOCAL TimeZone = 'UTC';
SET LOCAL DateStyle = 'ISO, MDY';
SET LOCAL IntervalStyle = 'postgres';
SET LOCAL extra_float_digits = 1;
SET LOCAL bytea_output = 'hex';
SET LOCAL standard_conforming_strings = on;
SET LOCAL quote_all_identifiers = off;
SET LOCAL statement_timeout = 0;
SET LOCAL idle_in_transaction_session_timeout = 0`;

/** Runs `read` (one query) in a read-only transaction with STABLE_OUTPUT; the session's own settings are untouched. */
async function withStableOutput<T>(db: Database, read: () => Promise<T>): Promise<T> {
  await db.exec(`BEGIN READ ONLY;\n${STABLE_OUTPUT}`);
  let value: T;
  try {
    value = await read();
  } catch (err) {
    await db.exec('ROLLBACK').catch(() => undefined);
    throw err;
  }
  await db.exec('COMMIT');
  return value;
}

/** The server's version (`server_version_num`): which catalog columns the query may name. */
async function serverVersion(db: Database): Promise<number> {
  const [{ v }] = await db.query<{ v: number }>(`SELECT current_setting('server_version_num')::int AS v`);
  return v;
}

/** Reads the schema of the database `db` is connected to, once. */
export async function takeSnapshot(db: Database, options: SnapshotOptions): Promise<Snapshot> {
  const version = await serverVersion(db);
  const [row] = await withStableOutput(db, () => db.query<Row>(snapshotSql(sqlLiteral(options.trackingSchema), sqlLiteral(options.trackingTable), version)));
  return snapshotFromRow(row);
}

/**
 * Snapshots of one session, many times: the query is prepared once. Planning it costs more than
 * running it (280 ms against 180 ms on PGlite on a loaded 2-core machine), and verify takes two
 * snapshots per migration. It reads only the catalogs, so the plan never goes stale; a migration
 * that runs DEALLOCATE ALL or DISCARD ALL takes it away, and it is prepared again.
 */
export class Snapshotter {
  // node:crypto on first use (see checksum.ts)
  private readonly name = `migrate_lens_snapshot_${(require('node:crypto') as typeof import('node:crypto')).randomBytes(4).toString('hex')}`;
  private prepared = false;
  private version: number | undefined;

  constructor(
    private readonly db: Database,
    private readonly options: SnapshotOptions,
  ) {}

  async take(): Promise<Snapshot> {
    for (let attempt = 0; ; attempt++) {
      try {
        // Prepared inside the transaction too, under its settings (a prepared statement outlives it).
        const [row] = await withStableOutput(this.db, async () => {
          if (!this.prepared) {
            this.version ??= await serverVersion(this.db);
            await this.db.exec(`PREPARE ${this.name} AS ${snapshotSql(sqlLiteral(this.options.trackingSchema), sqlLiteral(this.options.trackingTable), this.version)}`);
            this.prepared = true;
          }
          return this.db.query<Row>(`EXECUTE ${this.name}`);
        });
        return snapshotFromRow(row);
      } catch (err) {
        // 26000: invalid_sql_statement_name, the statement is gone.
        if ((err as { code?: string })?.code !== '26000' || attempt > 0) throw err;
        this.prepared = false;
      }
    }
  }
}

/** The query's one row (each column a JSON array, or its text) as a snapshot. */
export function snapshotFromRow(row: Row): Snapshot {
  const snapshot = emptySnapshot();
  for (const [column, target] of Object.entries(KEYS)) {
    const value = row[column];
    const items = (typeof value === 'string' ? JSON.parse(value) : value ?? []) as Row[];
    for (const item of items) {
      const { name, parent, relkind, object_type, identity, ...rest } = item;
      const kind: ObjectKind = target === 'views' ? (relkind === 'm' ? 'materialized view' : 'view') : target;
      const props: Record<string, string | null> = {};
      for (const [k, v] of Object.entries(rest)) props[k] = v === null || v === undefined ? null : String(v);
      const object: SchemaObject = { name: String(name), props };
      if (typeof parent === 'string') object.parent = parent;
      if (typeof object_type === 'string') object.label = `${object_type} \`${identity}\``;
      snapshot[kind].set(object.name, object);
    }
  }
  return snapshot;
}
