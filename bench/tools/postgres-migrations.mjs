import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { writeMigrationFiles } from './files.mjs';
import { sqlText } from '../workloads.mjs';

const runner = fileURLToPath(new URL('./runners/postgres-migrations.mjs', import.meta.url));

export default {
  name: 'postgres-migrations',
  note: 'library only (runners/postgres-migrations.mjs calls `migrate()`); files `1_name.sql`; one transaction per migration; no down migrations, so no roll-back figure',
  available: () => null,
  prepare(workload, root) {
    const dir = writeMigrationFiles(workload, join(root, 'postgres-migrations'), (m, i) => [
      [`${i + 1}_${m.name}.sql`, `${sqlText(m.up)}\n`],
    ]);
    return { dir };
  },
  phases({ dir }) {
    const run = { cmd: process.execPath, args: [runner, dir] };
    return { apply: run, noop: run, rollback: null };
  },
};
