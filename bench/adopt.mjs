// `adopt -from sql-migrate --rename` of 10,000 entries: a gorp_migrations table as sql-migrate makes
// it, filled with 10,000 rows, and 10,000 files named N_mN.sql (every one renamed), outside git.
// Each rep on a fresh database and folder; the CLI timed end to end.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createDatabase, dropDatabase } from './db.mjs';
import { timeCommand, median } from './measure.mjs';
import { distDir } from './dist.mjs';

const GORP = 'CREATE TABLE gorp_migrations (id text NOT NULL PRIMARY KEY, applied_at timestamp with time zone)';

export async function adoptBench(root, { rows = 10_000, reps = 3, unset = [] } = {}) {
  const times = [];
  for (let rep = 0; rep < reps; rep++) {
    const dir = join(root, `adopt-${rep}`, 'migrations');
    rmSync(join(root, `adopt-${rep}`), { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (let i = 1; i <= rows; i++) writeFileSync(join(dir, `${i}_m${i}.sql`), `-- +migrate Up\nCREATE TABLE t${i} (id int);\n\n-- +migrate Down\nDROP TABLE t${i};\n`);
    const db = await createDatabase(GORP);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(
      `INSERT INTO gorp_migrations (id, applied_at) SELECT i || '_m' || i || '.sql', now() - (${rows} - i) * interval '1 second' FROM generate_series(1, $1) i`,
      [rows],
    );
    await client.end();
    try {
      times.push(await timeCommand(process.execPath, [join(distDir(), 'cli.js'), 'adopt', '-from', 'sql-migrate', '--rename', '-migrations', dir], {
        env: { DATABASE_URL: db.url, MIGRATE_LENS_COMPILE_CACHE: 'off' },
        unset,
      }));
      const check = new pg.Client({ connectionString: db.url });
      await check.connect();
      const { rows: [r] } = await check.query(`SELECT count(*)::int AS n FROM schema_migrations WHERE status = 'applied' AND batch = 1`);
      await check.end();
      if (r.n !== rows) throw new Error(`adopt wrote ${r.n} rows, expected ${rows}`);
    } finally {
      await dropDatabase(db.name);
      rmSync(join(root, `adopt-${rep}`), { recursive: true, force: true });
    }
  }
  return { rows, reps, times, median: median(times) };
}
