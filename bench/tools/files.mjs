// Writing a workload in the file formats the tools read. Written once per
// workload and shared by the tools that read the same format.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { sqlText } from '../workloads.mjs';

/** Writes `files(migration, index) -> [[fileName, text], ...]` for every migration into `dir` (once). */
export function writeMigrationFiles(workload, dir, files) {
  if (existsSync(join(dir, '.complete'))) return dir;
  mkdirSync(dir, { recursive: true });
  workload.migrations.forEach((m, i) => {
    for (const [file, text] of files(m, i)) writeFileSync(join(dir, file), text);
  });
  writeFileSync(join(dir, '.complete'), '');
  return dir;
}

/** sql-migrate's format, read by migrate-lens and sql-migrate. */
export function sqlMigrateFiles(workload, root) {
  return writeMigrationFiles(workload, join(root, 'sql-migrate'), (m) => [
    [`${m.version}_${m.name}.sql`, `-- +migrate Up\n${sqlText(m.up)}\n\n-- +migrate Down\n${sqlText(m.down)}\n`],
  ]);
}
