// Fresh databases on the benchmark server: one per tool run, dropped afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const baseUrl =
  process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** The base URL with its database name replaced. */
export function urlFor(database) {
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const created = new Set();

/** Creates an empty database (random name), runs `setupSql` in it, returns its name and URL. */
export async function createDatabase(setupSql = '') {
  const name = `bench_${randomBytes(6).toString('hex')}`;
  await withClient(baseUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  created.add(name);
  const url = urlFor(name);
  if (setupSql) await withClient(url, (c) => c.query(setupSql));
  return { name, url };
}

export async function dropDatabase(name) {
  await withClient(baseUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  created.delete(name);
}

/** Drops whatever this process created and has not dropped yet (on error or Ctrl-C). */
export async function dropAll() {
  for (const name of [...created]) await dropDatabase(name).catch(() => {});
}

let canCheckpoint = true;

/**
 * Flushes dirty buffers before a timed phase so that no tool pays for a checkpoint the phase
 * before it caused (1,000 DDL migrations leave a lot behind). Needs superuser or pg_checkpoint;
 * without it the bench runs on, and `checkpointed()` says so in the report.
 */
export async function checkpoint() {
  if (!canCheckpoint) return;
  try {
    await withClient(baseUrl, (c) => c.query('CHECKPOINT'));
  } catch {
    canCheckpoint = false;
  }
}

export const checkpointed = () => canCheckpoint;

export async function queryValue(url, sql) {
  return withClient(url, async (c) => (await c.query(sql)).rows[0]);
}

export async function serverVersion() {
  return withClient(baseUrl, async (c) => (await c.query('SHOW server_version')).rows[0].server_version);
}
