import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { writeMigrationFiles } from './files.mjs';
import { sqlText } from '../workloads.mjs';

const require = createRequire(import.meta.url);
const bin = join(dirname(require.resolve('node-pg-migrate/package.json')), 'bin/node-pg-migrate.js');

export default {
  name: 'node-pg-migrate',
  note: '`node-pg-migrate up --no-single-transaction` (one transaction per migration), SQL files, `--no-verbose`',
  available: () => null,
  prepare(workload, root) {
    const dir = writeMigrationFiles(workload, join(root, 'node-pg-migrate'), (m) => [
      [`${m.version}_${m.name}.sql`, `-- Up Migration\n${sqlText(m.up)}\n\n-- Down Migration\n${sqlText(m.down)}\n`],
    ]);
    return { dir, count: workload.migrations.length };
  },
  phases({ dir, count }) {
    const run = (...args) => ({
      cmd: process.execPath,
      args: [bin, ...args, '--no-single-transaction', '--no-verbose', '-m', dir],
    });
    return { apply: run('up'), noop: run('up'), rollback: run('down', String(count)) };
  },
};
