// Issue 10: a closed pipe ends the output, not the bookkeeping (`down --all | head -1`).
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/engine/internal';
import { pgBackend, type Backend } from '../support/backends';
import { CLI, cleanEnv, runCli } from '../support/cli';
import { migrationsFolder } from '../support/files';

const table = (t: string) => `-- +migrate Up\nCREATE TABLE ${t} (id int);\n-- +migrate Down\nDROP TABLE ${t};\n`;

describe('output closed during a run', () => {
  let backend: Backend;
  let db: Database;
  beforeAll(async () => {
    backend = await pgBackend();
    db = await backend.open();
  });
  afterAll(async () => {
    await db?.close();
    await backend?.close();
  });

  it('down --all with stdout closed after the first line: the migration under way is recorded, nothing after it starts, exit 1', async () => {
    const f = migrationsFolder({
      '20240101000001_a.sql': table('a'),
      '20240101000002_b.sql': table('b'),
      '20240101000003_c.sql': '-- +migrate Up notransaction\nCREATE TABLE c (id int);\nCREATE INDEX CONCURRENTLY c_id ON c (id);\n-- +migrate Down notransaction\nDROP INDEX CONCURRENTLY c_id;\nDROP TABLE c;\n',
    });
    try {
      const env = cleanEnv({ DATABASE_URL: backend.url });
      expect((await runCli(['up', '-migrations', f.dir], { env })).code).toBe(0);
      const child = spawn(process.execPath, [CLI, 'down', '--all', '-migrations', f.dir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // Like `head -1`: read the first line, then close the pipe.
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      expect(code).toBe(1);
      expect(stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
      const rows = await db.query<{ version: string; status: string }>('SELECT version::text AS version, status FROM schema_migrations ORDER BY version');
      const tables = (await db.query<{ t: string }>(`SELECT relname AS t FROM pg_class WHERE relname IN ('a', 'b', 'c') AND relkind = 'r'`)).map((r) => r.t);
      // Whatever got done is recorded: a table exists exactly when its migration says applied.
      for (const [version, t] of [['20240101000001', 'a'], ['20240101000002', 'b'], ['20240101000003', 'c']]) {
        const status = rows.find((r) => r.version === version)!.status;
        expect(status === 'applied', `${version} is ${status}, table ${t} ${tables.includes(t) ? 'exists' : 'is gone'}`).toBe(tables.includes(t));
      }
      // It stopped: the oldest is still applied.
      expect(rows[0].status).toBe('applied');
      expect(rows.some((r) => r.status === 'partial')).toBe(false);
    } finally {
      f.remove();
    }
  });
});
