// A throwaway PostgreSQL database per e2e run: created on the real server, dropped at the end.
import crypto from 'node:crypto';
import pg from 'pg';

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** URL of the server to create databases on: TEST_DATABASE_URL if set, else the local server. */
export function adminUrl(env = process.env) {
  return env.TEST_DATABASE_URL || DEFAULT_ADMIN_URL;
}

function withDatabase(url, name) {
  const u = new URL(url);
  u.pathname = '/' + name;
  return u.toString();
}

export async function createDatabase(prefix = 'mlens_e2e') {
  const admin = adminUrl();
  const name = `${prefix}_${crypto.randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  return {
    name,
    url: withDatabase(admin, name),
    /** Runs one query against the test database and returns its rows. */
    async query(sql, params = []) {
      const c = new pg.Client({ connectionString: withDatabase(admin, name) });
      await c.connect();
      try {
        return (await c.query(sql, params)).rows;
      } finally {
        await c.end();
      }
    },
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        // FORCE: the extension host may still hold a pooled connection while it shuts down.
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * Rows of the tracking table, or [] when the table does not exist yet.
 * Columns per the engine contract: version, name, status, batch, error, error_line.
 */
export async function trackingRows(db, table = 'schema_migrations') {
  const exists = await db.query(`SELECT to_regclass($1) AS t`, [`public.${table}`]);
  if (!exists[0].t) return [];
  return db.query(`SELECT version::text AS version, name, status, batch, error, error_line FROM "public"."${table}" ORDER BY version`);
}
