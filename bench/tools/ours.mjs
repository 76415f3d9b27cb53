import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sqlMigrateFiles } from './files.mjs';
import { distDir } from '../dist.mjs';

const cli = () => join(distDir(), 'cli.js');

export default {
  name: 'migrate-lens',
  note: 'our CLI, `node dist/cli.js`; one transaction per migration (with its history row), consecutive migrations sent together in one simple query, every commit but the last of each round trip with `synchronous_commit = off` (that last flush makes them all durable before they are reported); roll back = `reset`',
  available: () => (existsSync(cli()) ? null : 'dist/cli.js not built (npm run build)'),
  prepare: (workload, root) => ({ dir: sqlMigrateFiles(workload, root) }),
  phases({ dir }) {
    const run = (command) => ({ cmd: process.execPath, args: [cli(), command, '-migrations', dir] });
    return { apply: run('up'), noop: run('up'), rollback: run('reset'), status: run('status') };
  },
};
