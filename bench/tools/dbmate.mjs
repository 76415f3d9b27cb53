import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeMigrationFiles } from './files.mjs';
import { sqlText } from '../workloads.mjs';
import { withSslDisabled } from './sql-migrate.mjs';

// dbmate is a dev dependency pinned at 2.24.0, the newest release whose every
// platform package the registry carries (npm ci refuses a lock missing one). On
// a checkout without it, the bench installs this platform's binary package into
// bench/work/peers (git-ignored) on first use.
const VERSION = '2.24.0';
const pkg = `@dbmate/${process.platform}-${process.arch}`;
const peers = fileURLToPath(new URL('../work/peers/', import.meta.url));

function find() {
  for (const base of [import.meta.url, join(peers, 'package.json')]) {
    try {
      return createRequire(base).resolve(`${pkg}/bin/dbmate`);
    } catch {
      // not under this base
    }
  }
  return null;
}

let binary;
function resolveBinary() {
  if (binary !== undefined) return binary;
  binary = find();
  if (!binary) {
    try {
      const args = ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', peers, `${pkg}@${VERSION}`];
      execFileSync('npm', args, { stdio: 'ignore', timeout: 180_000 });
      binary = find();
    } catch {
      binary = null;
    }
  }
  return binary;
}

export default {
  name: 'dbmate',
  note: `${pkg}@${VERSION}, the Go binary of the npm package, run directly; one transaction per migration; \`rollback\` undoes one migration per run, so no roll-back-all figure`,
  available: () => (resolveBinary() ? null : `not installed (npm install ${pkg}@${VERSION} into bench/work/peers failed)`),
  prepare(workload, root) {
    const dir = writeMigrationFiles(workload, join(root, 'dbmate'), (m) => [
      [`${m.version}_${m.name}.sql`, `-- migrate:up\n${sqlText(m.up)}\n\n-- migrate:down\n${sqlText(m.down)}\n`],
    ]);
    return { dir };
  },
  phases({ dir }, url) {
    const args = ['--url', withSslDisabled(url), '--migrations-dir', dir, '--no-dump-schema', 'migrate'];
    const run = { cmd: resolveBinary(), args, env: { DATABASE_URL: '' } };
    return { apply: run, noop: run, rollback: null };
  },
};
