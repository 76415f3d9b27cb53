// goose: history in goose_db_version (one row per up or down, the latest per version counts);
// files `00001_name.sql` with -- +goose directives, which our parser reads as they are.
import { AdoptError } from '../errors';
import type { Tool, ToolFile } from './types';
import { compareNumbers, readSource, safeName, toDate } from './shared';

const NAME = /^(\d+)_(.+)\.sql$/;

export const goose: Tool = {
  name: 'goose',
  defaultTable: 'goose_db_version',
  shapeNames: ['goose'],
  async readEntries(db, qualified) {
    const rows = await db.query<{ id: string; version: string; applied: boolean; at: number | null; exact: string | null }>(
      `SELECT id::text AS id, version_id::text AS version, is_applied AS applied,
              extract(epoch FROM tstamp::timestamptz)::float8 * 1000 AS at,
              to_char(tstamp::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS exact
       FROM ${qualified} ORDER BY id`,
    );
    const latest = new Map<string, (typeof rows)[number]>();
    for (const r of rows) if (r.version !== '0') latest.set(r.version, r); // version 0 is goose's own first row
    const out = [];
    for (const [version, r] of latest) {
      if (!r.applied) {
        throw new AdoptError(
          `${qualified}: the latest row of version ${version} has is_applied = false (goose rolled it back); ` +
            'bring goose to a clean state first (goose up, or remove the file), then adopt',
        );
      }
      out.push({ id: version, appliedAt: toDate(r.at), appliedAtText: r.exact });
    }
    return out;
  },
  readFolder(dir, entries) {
    const files: ToolFile[] = [];
    for (const entry of entries) {
      const m = NAME.exec(entry);
      if (!m) continue;
      const id = m[1].replace(/^0+(?=\d)/, '');
      // goose's numbers are versions as they are (our loader reads numbered goose files by number).
      files.push({ id, name: safeName(m[2]), sources: [entry], text: readSource(dir, entry), converted: false, version: id });
    }
    return files;
  },
  compare: (a, b) => compareNumbers(a.id, b.id),
};
