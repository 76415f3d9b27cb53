import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sqlText } from '../workloads.mjs';

function installed() {
  try {
    execFileSync('psql', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const transactions = (migrations, direction) =>
  migrations.map((m) => `BEGIN;\n${sqlText(m[direction])}\nCOMMIT;\n`).join('');

// The floor: the same SQL, one transaction per migration, in one psql session,
// with no history table. Its "no-op" is psql connecting and running nothing.
export default {
  name: 'psql',
  note: 'the floor: `psql -f` of the same SQL, BEGIN/COMMIT around each migration, one session, no history; no-op = connect and exit',
  floor: true,
  available: () => (installed() ? null : 'psql not installed'),
  prepare(workload, root) {
    const dir = join(root, 'psql');
    mkdirSync(dir, { recursive: true });
    const files = { apply: join(dir, 'up.sql'), rollback: join(dir, 'down.sql'), noop: join(dir, 'empty.sql') };
    writeFileSync(files.apply, transactions(workload.migrations, 'up'));
    writeFileSync(files.rollback, transactions([...workload.migrations].reverse(), 'down'));
    writeFileSync(files.noop, '');
    return files;
  },
  phases(files, url) {
    const run = (file) => ({ cmd: 'psql', args: ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-o', '/dev/null', '-f', file, '-d', url] });
    return { apply: run(files.apply), noop: run(files.noop), rollback: run(files.rollback) };
  },
};
