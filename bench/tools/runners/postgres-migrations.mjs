// postgres-migrations has no CLI for running migrations; this is the minimal
// program its README shows. Usage: node postgres-migrations.mjs DIR
import pg from 'pg';
import { migrate } from 'postgres-migrations';

const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
await client.connect();
try {
  await migrate({ client }, process.argv[2]);
} finally {
  await client.end();
}
