// umzug as a pg user would wire it: SQL files, one transaction per migration,
// history in a table of its own. Usage: node umzug.mjs up|down DIR
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { Umzug } from 'umzug';

const [command, dir] = process.argv.slice(2);
const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
await client.connect();
await client.query('CREATE TABLE IF NOT EXISTS umzug_migrations (name text PRIMARY KEY, run_on timestamptz NOT NULL DEFAULT now())');

async function runFile(path) {
  const sql = await readFile(path, 'utf8');
  await client.query('BEGIN');
  try {
    await client.query(sql);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

const umzug = new Umzug({
  migrations: {
    glob: ['*.up.sql', { cwd: dir }],
    resolve: ({ name, path }) => ({
      name,
      up: () => runFile(path),
      down: () => runFile(path.replace(/\.up\.sql$/, '.down.sql')),
    }),
  },
  storage: {
    executed: async () => (await client.query('SELECT name FROM umzug_migrations ORDER BY name')).rows.map((r) => r.name),
    logMigration: async ({ name }) => void (await client.query('INSERT INTO umzug_migrations (name) VALUES ($1)', [name])),
    unlogMigration: async ({ name }) => void (await client.query('DELETE FROM umzug_migrations WHERE name = $1', [name])),
  },
  logger: undefined,
});

try {
  if (command === 'up') await umzug.up();
  else if (command === 'down') await umzug.down({ to: 0 });
  else throw new Error(`unknown command ${command}`);
} finally {
  await client.end();
}
