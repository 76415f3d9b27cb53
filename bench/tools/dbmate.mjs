import { join } from 'node:path';
import { resolveBinary } from 'dbmate';
import { writeMigrationFiles } from './files.mjs';
import { sqlText } from '../workloads.mjs';
import { withSslDisabled } from './sql-migrate.mjs';

function binary() {
  try {
    return resolveBinary();
  } catch {
    return null;
  }
}

export default {
  name: 'dbmate',
  note: 'npm package `dbmate`, its Go binary run directly; one transaction per migration; `rollback` undoes one migration per run, so no roll-back-all figure',
  available: () => (binary() ? null : 'dbmate binary for this platform not installed'),
  prepare(workload, root) {
    const dir = writeMigrationFiles(workload, join(root, 'dbmate'), (m) => [
      [`${m.version}_${m.name}.sql`, `-- migrate:up\n${sqlText(m.up)}\n\n-- migrate:down\n${sqlText(m.down)}\n`],
    ]);
    return { dir };
  },
  phases({ dir }, url) {
    const args = ['--url', withSslDisabled(url), '--migrations-dir', dir, '--no-dump-schema', 'migrate'];
    const run = { cmd: binary(), args, env: { DATABASE_URL: '' } };
    return { apply: run, noop: run, rollback: null };
  },
};
