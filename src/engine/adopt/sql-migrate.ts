// sql-migrate: history in gorp_migrations (id = the file name, applied_at); files in our own format.
import { checkFileName } from '../source';
import type { Tool, ToolFile } from './types';
import { readSource, safeName, toDate } from './shared';

/** sql-migrate's order: names with a leading number by that number, before the others; then by name. */
export function sqlMigrateCompare(a: string, b: string): number {
  const na = /^\d+/.exec(a)?.[0];
  const nb = /^\d+/.exec(b)?.[0];
  if (na !== undefined && nb !== undefined) {
    const x = BigInt(na), y = BigInt(nb);
    if (x !== y) return x < y ? -1 : 1;
  } else if (na !== undefined) {
    return -1;
  } else if (nb !== undefined) {
    return 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

export const sqlMigrate: Tool = {
  name: 'sql-migrate',
  defaultTable: 'gorp_migrations',
  shapeNames: ['sql-migrate'],
  async readEntries(db, qualified) {
    const rows = await db.query<{ id: string; at: number | null; exact: string | null }>(
      `SELECT id::text AS id, extract(epoch FROM applied_at::timestamptz)::float8 * 1000 AS at,
              to_char(applied_at::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS exact FROM ${qualified}`,
    );
    return rows.map((r) => ({ id: r.id, appliedAt: toDate(r.at), appliedAtText: r.exact }));
  },
  readFolder(dir, entries) {
    const files: ToolFile[] = [];
    for (const entry of entries) {
      // sql-migrate reads every file whose name ends in .sql.
      if (!entry.endsWith('.sql')) continue;
      const checked = checkFileName(entry);
      const stem = entry.slice(0, -4);
      const simple = /^\d+_(.+)$/.exec(stem);
      files.push({
        id: entry,
        name: 'version' in checked ? checked.name : safeName(simple ? simple[1] : stem),
        sources: [entry],
        text: readSource(dir, entry),
        converted: false,
        version: 'version' in checked ? checked.version : null,
      });
    }
    return files;
  },
  compare: (a, b) => sqlMigrateCompare(a.id, b.id),
};
