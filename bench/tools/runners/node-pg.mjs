// Usage: node node-pg.mjs FILE.json — sends each string of the JSON array as one query.
import { readFileSync } from 'node:fs';
import pg from 'pg';

const queries = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
await client.connect();
try {
  for (const sql of queries) await client.query(sql);
} finally {
  await client.end();
}
