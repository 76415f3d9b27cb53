// golang-migrate: one row (the current version, dirty); files `N_name.up.sql` / `N_name.down.sql`,
// joined into one of ours.
import { join } from 'node:path';
import { AdoptError } from '../errors';
import type { Tool, ToolFile } from './types';
import { compareNumbers, readSource, safeName, versionOf } from './shared';

const NAME = /^(\d+)_(.*)\.(up|down)\.sql$/;
/** A line that only opens or ends a transaction: golang-migrate files often wrap themselves in one. */
const TX_LINE = /^[ \t]*(BEGIN|START[ \t]+TRANSACTION|COMMIT|END)([ \t]+(WORK|TRANSACTION))?[ \t]*;[ \t]*$/i;

/** A section of ours from a golang-migrate file: its own BEGIN/COMMIT lines kept as comments. */
function section(text: string): { body: string; noTransaction: boolean } {
  const body = text
    .split('\n')
    .map((l) => (TX_LINE.test(l) ? `-- ${l.trim()} (migrate-lens runs each migration in a transaction of its own)` : l))
    .join('\n')
    .replace(/\n+$/, '');
  // golang-migrate runs a file as one multi-statement query: CONCURRENTLY only works there outside a transaction.
  return { body, noTransaction: /\bCONCURRENTLY\b/i.test(body) };
}

export function convertGolangMigrate(up: string, down: string | null): string {
  const u = section(up);
  let text = `-- +migrate Up${u.noTransaction ? ' notransaction' : ''}\n${u.body}\n`;
  if (down !== null) {
    const d = section(down);
    text += `\n-- +migrate Down${d.noTransaction ? ' notransaction' : ''}\n${d.body}\n`;
  }
  return text;
}

export const golangMigrate: Tool = {
  name: 'golang-migrate',
  defaultTable: 'schema_migrations',
  shapeNames: ['golang-migrate'],
  async readEntries(db, qualified, files) {
    const rows = await db.query<{ version: string; dirty: boolean }>(`SELECT version::text AS version, dirty FROM ${qualified}`);
    if (rows.length > 1) throw new AdoptError(`${qualified} holds ${rows.length} rows; golang-migrate keeps exactly one`);
    if (rows.length === 0 || rows[0].version === '-1') return [];
    const { version, dirty } = rows[0];
    if (dirty) {
      throw new AdoptError(
        `${qualified}: golang-migrate marks version ${version} dirty (a migration failed half-way); ` +
          `repair the database and run "migrate force ${version}" (or the version before it) first`,
      );
    }
    if (!files.some((f) => f.id === version)) return [{ id: version, appliedAt: null }]; // reported as an entry with no file
    // Everything up to the current version is applied; golang-migrate keeps no times.
    return files.filter((f) => compareNumbers(f.id, version) <= 0).map((f) => ({ id: f.id, appliedAt: null }));
  },
  readFolder(dir, entries) {
    const byVersion = new Map<string, { name: string; up?: string; down?: string }>();
    for (const entry of entries) {
      const m = NAME.exec(entry);
      if (!m) continue;
      const id = m[1].replace(/^0+(?=\d)/, '');
      const slot = byVersion.get(id) ?? { name: m[2] };
      if (slot[m[3] as 'up' | 'down']) throw new AdoptError(`${join(dir, entry)}: version ${id} has two ${m[3]} files`);
      slot[m[3] as 'up' | 'down'] = entry;
      byVersion.set(id, slot);
    }
    const files: ToolFile[] = [];
    for (const [id, slot] of byVersion) {
      if (!slot.up) throw new AdoptError(`${join(dir, slot.down!)}: a down file without its .up.sql`);
      const up = readSource(dir, slot.up);
      const down = slot.down ? readSource(dir, slot.down) : null;
      const digits = /^\d+/.exec(slot.up)![0];
      files.push({
        id,
        name: safeName(slot.name),
        sources: slot.down ? [slot.up, slot.down] : [slot.up],
        text: convertGolangMigrate(up, down),
        converted: true,
        version: versionOf(digits),
      });
    }
    return files;
  },
  compare: (a, b) => compareNumbers(a.id, b.id),
};
