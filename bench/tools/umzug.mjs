import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { writeMigrationFiles } from './files.mjs';
import { sqlText } from '../workloads.mjs';

const runner = fileURLToPath(new URL('./runners/umzug.mjs', import.meta.url));

export default {
  name: 'umzug',
  note: 'umzug 3 with a pg client and a small pg storage (runners/umzug.mjs); `.up.sql`/`.down.sql` files; each migration in its own transaction, history row written after it',
  available: () => null,
  prepare(workload, root) {
    const dir = writeMigrationFiles(workload, join(root, 'umzug'), (m) => [
      [`${m.version}_${m.name}.up.sql`, `${sqlText(m.up)}\n`],
      [`${m.version}_${m.name}.down.sql`, `${sqlText(m.down)}\n`],
    ]);
    return { dir };
  },
  phases({ dir }) {
    const run = (command) => ({ cmd: process.execPath, args: [runner, command, dir] });
    return { apply: run('up'), noop: run('up'), rollback: run('down') };
  },
};
