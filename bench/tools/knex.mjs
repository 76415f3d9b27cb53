import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeMigrationFiles } from './files.mjs';
import { sqlText } from '../workloads.mjs';

const require = createRequire(import.meta.url);
const home = dirname(require.resolve('knex/package.json'));
const bin = join(home, 'bin/cli.js');

// knex's migrate:latest runs the whole batch in one transaction by default.
// Like with like: `--disable-transactions` (the CLI overrides the knexfile's
// disableTransactions) plus `config.transaction = true` in each file makes knex
// run every migration in its own transaction; its history row is then written
// after that transaction commits.
function migrationModule(m) {
  return [
    'exports.config = { transaction: true };',
    `exports.up = (knex) => knex.raw(${JSON.stringify(sqlText(m.up))});`,
    `exports.down = (knex) => knex.raw(${JSON.stringify(sqlText(m.down))});`,
    '',
  ].join('\n');
}

export default {
  name: 'knex',
  note: 'knex CLI `migrate:latest`, JS files with `knex.raw`; one transaction per migration via `--disable-transactions` + per-file `config.transaction = true` (by default `migrate:latest` runs the whole batch in one transaction), history row written after each commit; roll back = `migrate:rollback --all`',
  available: () => null,
  prepare(workload, root) {
    const dir = writeMigrationFiles(workload, join(root, 'knex'), (m) => [[`${m.version}_${m.name}.js`, migrationModule(m)]]);
    const knexfile = join(root, 'knexfile.cjs');
    const config = {
      client: 'pg',
      migrations: { directory: dir, disableTransactions: true, loadExtensions: ['.js'] },
      pool: { min: 0, max: 1 },
    };
    writeFileSync(knexfile, `module.exports = { ...${JSON.stringify(config)}, connection: process.env.DATABASE_URL };\n`);
    return { knexfile };
  },
  phases({ knexfile }) {
    // KNEX_PATH: knex's CLI looks for a local knex beside the knexfile, which lives in a temp folder.
    const run = (...args) => ({ cmd: process.execPath, args: [bin, ...args, '--knexfile', knexfile], env: { KNEX_PATH: home } });
    return {
      apply: run('migrate:latest', '--disable-transactions'),
      noop: run('migrate:latest', '--disable-transactions'),
      rollback: run('migrate:rollback', '--all', '--disable-transactions'),
    };
  },
};
