// dbmate: history in schema_migrations (version text, no time); files `VERSION_name.sql` with
// -- migrate:up / -- migrate:down [transaction:false], converted into our directives.
import { join } from 'node:path';
import { AdoptError } from '../errors';
import type { Tool, ToolFile } from './types';
import { readSource, safeName, versionOf } from './shared';

const NAME = /^(\d+)_(.*)\.sql$/;
const DIRECTIVE = /^--[ \t]*migrate:(\S+)(.*)$/;

/** A dbmate file's text in our format: its directives translated, everything else as it is. */
export function convertDbmate(text: string, path: string): string {
  const lines = text.split('\n');
  let up = false;
  for (let i = 0; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i].trim());
    if (!m) continue;
    const which = m[1].toLowerCase();
    if (which !== 'up' && which !== 'down') throw new AdoptError(`${path}:${i + 1}: unknown dbmate directive "-- migrate:${m[1]}"`);
    let noTransaction = false;
    for (const option of m[2].trim().split(/\s+/).filter(Boolean)) {
      if (/^transaction:false$/i.test(option)) noTransaction = true;
      else if (!/^transaction:true$/i.test(option)) throw new AdoptError(`${path}:${i + 1}: unknown dbmate option "${option}"`);
    }
    if (which === 'up') up = true;
    else if (!up) throw new AdoptError(`${path}:${i + 1}: -- migrate:down before -- migrate:up`);
    lines[i] = `-- +migrate ${which === 'up' ? 'Up' : 'Down'}${noTransaction ? ' notransaction' : ''}`;
  }
  if (!up) {
    // Converted by an earlier adopt: our directives already.
    if (/^[ \t]*--[ \t]*\+migrate[ \t]+up\b/im.test(text)) return text;
    throw new AdoptError(`${path}: no -- migrate:up line; is this a dbmate migration?`);
  }
  return lines.join('\n');
}

export const dbmate: Tool = {
  name: 'dbmate',
  defaultTable: 'schema_migrations',
  shapeNames: ['dbmate or Rails (Active Record)', 'dbmate'],
  async readEntries(db, qualified) {
    const rows = await db.query<{ version: string }>(`SELECT version::text AS version FROM ${qualified}`);
    return rows.map((r) => ({ id: r.version, appliedAt: null }));
  },
  readFolder(dir, entries) {
    const files: ToolFile[] = [];
    for (const entry of entries) {
      const m = NAME.exec(entry);
      if (!m) continue;
      const source = readSource(dir, entry);
      const text = convertDbmate(source, join(dir, entry));
      files.push({
        id: m[1],
        name: safeName(m[2]),
        sources: [entry],
        text,
        converted: text !== source,
        version: versionOf(m[1]),
      });
    }
    return files;
  },
  // dbmate applies its files in the order of their names.
  compare: (a, b) => (a.sources[0] < b.sources[0] ? -1 : a.sources[0] > b.sources[0] ? 1 : 0),
};
