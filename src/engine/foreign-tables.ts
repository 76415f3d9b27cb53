/**
 * Whose table is it? The tracking table's name is often `schema_migrations`, and so is dbmate's,
 * Rails', golang-migrate's and Ecto's. This tool never alters or writes a table it did not create:
 * it recognises its own by the comment it sets (and, for tables made before the comment existed, by
 * its original columns), and names the tool behind the common foreign shapes so that the refusal can
 * say what the table is and what to do. Pure functions of the catalog facts: the adopt command reads
 * other tools' tables with the same recognition.
 */

/** One column as the catalog describes it: name and `format_type()` (e.g. `character varying(128)`, `bigint`). */
export interface ColumnInfo {
  name: string;
  type: string;
}

/** The comment this tool puts on every tracking table it creates (and on older ones it upgrades). */
export const OUR_TABLE_COMMENT = 'migrate-lens tracking table: one row per migration; written by migrate-lens only';

/** The columns of this tool's first tracking table; every later release only added columns. */
const OUR_FIRST_COLUMNS = ['version', 'name', 'checksum', 'status'];

export type TableOwner = { kind: 'ours' } | { kind: 'foreign'; tool: string | null };

/**
 * Ours when it carries our comment, or has our first columns with a bigint version (a table from a
 * release before the comment). Anything else is foreign, with the tool named when the shape is known.
 */
export function tableOwner(columns: readonly ColumnInfo[], comment: string | null, siblingTables: readonly string[] = []): TableOwner {
  if (comment !== null && comment.startsWith('migrate-lens tracking table')) return { kind: 'ours' };
  const tool = foreignTool(columns, siblingTables);
  if (tool) return { kind: 'foreign', tool };
  const byName = new Map(columns.map((c) => [c.name, normaliseType(c.type)]));
  if (OUR_FIRST_COLUMNS.every((c) => byName.has(c)) && byName.get('version') === 'bigint') return { kind: 'ours' };
  return { kind: 'foreign', tool: null };
}

interface Shape {
  tool: string;
  /** Column name → type family that must be present. */
  columns: Record<string, TypeFamily>;
  /** At most these columns besides the required ones. */
  exact?: boolean;
  /** Another table in the same schema that tells this tool apart from one with the same shape. */
  sibling?: string;
}

type TypeFamily = 'int' | 'text' | 'bool' | 'time' | 'any';

// Most specific first: the first shape whose columns are all present (and, when `exact`, nothing
// else) names the tool.
const SHAPES: Shape[] = [
  { tool: 'golang-migrate', columns: { version: 'int', dirty: 'bool' }, exact: true },
  { tool: 'goose', columns: { version_id: 'int', is_applied: 'bool' } },
  { tool: 'Rails (Active Record)', columns: { version: 'text' }, exact: true, sibling: 'ar_internal_metadata' },
  { tool: 'dbmate or Rails (Active Record)', columns: { version: 'text' }, exact: true },
  { tool: 'Ecto', columns: { version: 'int', inserted_at: 'time' }, exact: true },
  { tool: 'Diesel', columns: { version: 'text', run_on: 'time' }, exact: true },
  { tool: 'sql-migrate', columns: { id: 'text', applied_at: 'time' }, exact: true },
  { tool: 'Flyway', columns: { installed_rank: 'int', version: 'text', script: 'text', success: 'bool' } },
  { tool: 'Liquibase', columns: { id: 'text', author: 'text', filename: 'text', dateexecuted: 'time' } },
  { tool: 'Prisma', columns: { migration_name: 'text', checksum: 'text', finished_at: 'time' } },
  { tool: 'sqlx', columns: { version: 'int', description: 'text', success: 'bool', checksum: 'any' } },
  { tool: 'knex', columns: { name: 'text', batch: 'int', migration_time: 'time' } },
  { tool: 'node-pg-migrate', columns: { id: 'int', name: 'text', run_on: 'time' }, exact: true },
  { tool: 'postgres-migrations', columns: { id: 'int', name: 'text', hash: 'text', executed_at: 'time' }, exact: true },
  { tool: 'Django', columns: { id: 'int', app: 'text', name: 'text', applied: 'time' }, exact: true },
  { tool: 'Alembic', columns: { version_num: 'text' }, exact: true },
  { tool: 'Sequelize or Umzug', columns: { name: 'text' }, exact: true },
];

/** The tool whose tracking table has these columns, or null when the shape is not one we know. */
export function foreignTool(columns: readonly ColumnInfo[], siblingTables: readonly string[] = []): string | null {
  const byName = new Map(columns.map((c) => [c.name.toLowerCase(), family(c.type)]));
  for (const shape of SHAPES) {
    const required = Object.entries(shape.columns);
    if (!required.every(([name, fam]) => byName.has(name) && (fam === 'any' || byName.get(name) === fam))) continue;
    if (shape.exact && byName.size !== required.length) continue;
    if (shape.sibling && !siblingTables.includes(shape.sibling)) continue;
    return shape.tool;
  }
  return null;
}

function normaliseType(type: string): string {
  return type.toLowerCase().replace(/\(.*\)/, '').trim();
}

function family(type: string): TypeFamily | 'other' {
  const t = normaliseType(type);
  if (/^(bigint|integer|smallint|int[248]?|numeric|serial|bigserial)$/.test(t)) return 'int';
  if (/^(text|character varying|varchar|character|char|bpchar|name|uuid)$/.test(t)) return 'text';
  if (t === 'boolean' || t === 'bool') return 'bool';
  if (t.startsWith('timestamp') || t === 'date') return 'time';
  return 'other';
}

/** The refusal for a foreign table: what it is, and the two ways forward. */
export function foreignTableMessage(qualified: string, tool: string | null): string {
  const what = tool ? `was made by ${tool}` : 'was not made by migrate-lens';
  return (
    `the table ${qualified} ${what}; migrate-lens never alters or writes another tool's table. ` +
    `Use -table NAME (or migrations.table in config.yaml) to keep migrate-lens's history under another name, ` +
    `or import that history into migrate-lens's own table with the adopt command`
  );
}
