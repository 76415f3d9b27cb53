import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sqlMigrateFiles } from './files.mjs';

function installed() {
  try {
    execFileSync('sql-migrate', ['--help'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // sql-migrate prints usage and exits 1 for --help; only a missing binary is "not installed".
    return error.code !== 'ENOENT';
  }
}

export default {
  name: 'sql-migrate',
  note: 'Debian package (Go); one transaction per migration; roll back = `down -limit=0`',
  available: () => (installed() ? null : 'not installed (apt-get install sql-migrate)'),
  prepare(workload, root) {
    const dir = sqlMigrateFiles(workload, root);
    const config = join(root, 'sql-migrate-dbconfig.yml');
    // sql-migrate expands ${VAR} in its config file.
    writeFileSync(config, `bench:\n  dialect: postgres\n  datasource: \${BENCH_SQL_MIGRATE_URL}\n  dir: ${dir}\n`);
    return { config };
  },
  phases({ config }, url) {
    const env = { BENCH_SQL_MIGRATE_URL: withSslDisabled(url) };
    const run = (...args) => ({ cmd: 'sql-migrate', args: [...args, `-config=${config}`, '-env=bench'], env });
    return { apply: run('up'), noop: run('up'), rollback: run('down', '-limit=0') };
  },
};

export function withSslDisabled(url) {
  const u = new URL(url);
  if (!u.searchParams.has('sslmode')) u.searchParams.set('sslmode', 'disable');
  return u.toString();
}
