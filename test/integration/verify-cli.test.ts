// `migrate-lens verify` as a user runs it: the built CLI on the throwaway PGlite, and with
// --database on a server: the scratch database created and dropped (also on failure and Ctrl-C), an
// existing database with a table refused and left as it was, the configured database never used.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBuilt, project, runCli, startCli, waitFor } from '../support/cli';
import { createDatabase, getServer, randomName, withClient, type PgServer } from '../support/pg';

const BASE = `-- +migrate Up
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);

-- +migrate Down
DROP TABLE users;
`;
const LEAVES_INDEX = `-- +migrate Up
CREATE INDEX users_email_idx ON users (email);

-- +migrate Down
SELECT 1;
`;
const FINE = `-- +migrate Up
CREATE INDEX users_email_idx ON users (email);

-- +migrate Down
DROP INDEX users_email_idx;
`;

let server: PgServer;
const databases = async (pattern: string) =>
  withClient(server.url('postgres'), async (c) => (await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY 1`, [pattern])).rows.map((r) => r.datname));

beforeAll(async () => {
  expect(cliBuilt(), 'run "npm run build" first').toBe(true);
  server = await getServer();
});
afterAll(async () => {
  await server?.close();
});

describe('verify on the throwaway PGlite', () => {
  it('reports the Down that leaves an index with its file, Down line and words; exit 1; --json says the same', { timeout: 240_000 }, async () => {
    const p = project({ '20240101000001_base.sql': BASE, '20240102000001_index.sql': LEAVES_INDEX });
    try {
      // A configured database that does not exist: verify never connects to it.
      const r = await runCli(['verify'], { cwd: p.root, env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nowhere' }, timeoutMs: 120_000 });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^Database: throwaway PGlite database \(in memory\)\n/);
      expect(r.stderr).toBe(
        'migrations/20240102000001_index.sql:4: the Down of 20240102000001_index does not restore the schema its Up started from:\n' +
          '  index `users_email_idx` still exists\n',
      );
      p.write('20240103000001_fine.sql', BASE.replace(/users/g, 'other'));
      const j = await runCli(['verify', '--json'], { cwd: p.root, timeoutMs: 120_000 });
      expect(j.code).toBe(1);
      expect(JSON.parse(j.stdout)).toMatchObject({
        ok: false,
        migrations: 3,
        verified: 1,
        database: 'pglite',
        failure: { kind: 'schema', version: '20240102000001', file: 'migrations/20240102000001_index.sql', line: 4, differences: [{ kind: 'index', name: 'users_email_idx', change: 'left' }] },
      });
      expect(j.stderr).toMatch(/^Database: throwaway PGlite/);
    } finally {
      p.remove();
    }
  });

  it('passes, exit 0, and says so', { timeout: 120_000 }, async () => {
    const p = project({ '20240101000001_base.sql': BASE, '20240102000001_index.sql': FINE });
    try {
      const r = await runCli(['verify'], { cwd: p.root, timeoutMs: 120_000 });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Down 20240102000001_index\nDown 20240101000001_base\nApplying everything again\.\.\.\nOK: every Down restores the schema its Up started from \(2 migrations, .*\)\.\n$/);
    } finally {
      p.remove();
    }
  });
});

describe('verify --database', () => {
  it('without a database name: creates migrate_lens_verify_<random>, runs there, drops it (a failure too)', async () => {
    const p = project({ '20240101000001_base.sql': BASE, '20240102000001_index.sql': LEAVES_INDEX });
    try {
      const before = await databases('migrate\\_lens\\_verify\\_%');
      const r = await runCli(['verify', '--database', server.url('').replace(/\/$/, '')], { cwd: p.root });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^Database: scratch database postgres:\/\/.*\/migrate_lens_verify_[0-9a-f]{10} \(created for this run, dropped at the end\)\n/);
      expect(r.stderr).toMatch(/20240102000001_index\.sql:4: .*\n  index `users_email_idx` still exists\n/);
      expect(await databases('migrate\\_lens\\_verify\\_%')).toEqual(before);
    } finally {
      p.remove();
    }
  });

  it('"N newer Downs restored the schema before this one" after a failing Down, not after a failure of the Ups run again (every Down passed)', async () => {
    const COLLATION = '-- +migrate Up\nCREATE COLLATION plain FROM "C";\nCREATE TABLE t_plain (c text COLLATE plain);\n\n-- +migrate Down\nDROP TABLE t_plain;\n';
    const p = project({ '20240101000001_base.sql': BASE, '20240102000001_collation.sql': COLLATION, '20240103000001_index.sql': FINE });
    const server_ = server.url('').replace(/\/$/, '');
    try {
      const r = await runCli(['verify', '--database', server_], { cwd: p.root });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        'migrations/20240102000001_collation.sql:5: the Down of 20240102000001_collation does not restore the schema its Up started from:\n' +
          '  collation `public.plain` still exists\n(1 newer Down restored the schema before this one.)\n',
      );
      // An Up that builds another table each time it runs.
      p.write('20240102000001_collation.sql', "-- +migrate Up\nDO $$ BEGIN EXECUTE format('CREATE TABLE t_%s (id int)', txid_current()); END $$;\n\n-- +migrate Down\nDO $$ DECLARE t text; BEGIN FOR t IN SELECT tablename FROM pg_tables WHERE tablename LIKE 't\\_%' LOOP EXECUTE format('DROP TABLE %I', t); END LOOP; END $$;\n");
      const again = await runCli(['verify', '--database', server_], { cwd: p.root });
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/^after every Down and every Up again, the schema differs .*\n  table `t_\d+` is missing .*\n  table `t_\d+` still exists\n$/);
    } finally {
      p.remove();
    }
  });

  it('a named database that does not exist: created, and dropped after a pass', async () => {
    const p = project({ '20240101000001_base.sql': BASE, '20240102000001_index.sql': FINE });
    const name = randomName('ml_verify');
    try {
      const r = await runCli(['verify', '--database', server.url(name)], { cwd: p.root });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`/${name} (created for this run, dropped at the end)`);
      expect(await databases(name)).toEqual([]);
    } finally {
      p.remove();
    }
  });

  it('refuses an existing database that holds a table: nothing runs there, nothing is dropped', async () => {
    const p = project({ '20240101000001_base.sql': BASE });
    const db = await createDatabase(server, 'ml_verify_real');
    try {
      await db.query('CREATE TABLE orders (id int); INSERT INTO orders VALUES (1)');
      const r = await runCli(['verify', '--database', db.url], { cwd: p.root });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: verify refuses .*ml_verify_real_\w+: it holds 1 table or other relation \(public\.orders\); verify runs only on an empty database/);
      expect(await databases(db.name)).toEqual([db.name]);
      expect(await db.query(`SELECT count(*)::int AS n, to_regclass('schema_migrations') AS t FROM orders`)).toEqual([{ n: 1, t: null }]);
    } finally {
      await db.drop();
      p.remove();
    }
  });

  it('an existing empty database is used and kept; the server\'s own databases are refused by name', async () => {
    const p = project({ '20240101000001_base.sql': BASE });
    const db = await createDatabase(server, 'ml_verify_empty');
    try {
      const r = await runCli(['verify', '--database', db.url], { cwd: p.root });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Database: existing database`);
      expect(await db.query(`SELECT version::text AS version, status FROM schema_migrations`)).toEqual([{ version: '20240101000001', status: 'applied' }]);
      const own = await runCli(['verify', '--database', server.url('postgres')], { cwd: p.root });
      expect(own.code).toBe(2);
      expect(own.stderr).toMatch(/"postgres" is the server's own database and is never used by verify/);
    } finally {
      await db.drop();
      p.remove();
    }
  });

  it('a role a migration makes (a server object, which dropping the database leaves) is dropped by its Down at the end, so the next run works too', async () => {
    const role = randomName('ml_verify_role');
    const roles = async () => withClient(server.url('postgres'), async (c) => (await c.query(`SELECT rolname FROM pg_roles WHERE rolname = $1`, [role])).rows);
    const ROLE = `-- +migrate Up\nCREATE ROLE ${role};\nGRANT SELECT ON users TO ${role};\n\n-- +migrate Down\nREVOKE SELECT ON users FROM ${role};\nDROP ROLE ${role};\n`;
    const p = project({ '20240101000001_base.sql': BASE, '20240102000001_role.sql': ROLE });
    try {
      for (const run of [1, 2]) {
        const r = await runCli(['verify', '--database', server.url('').replace(/\/$/, '')], { cwd: p.root });
        expect(r.stderr, `run ${run}`).toBe('');
        expect(r.code, `run ${run}`).toBe(0);
        expect(await roles(), `run ${run}`).toEqual([]);
      }
      // A failing Down after it: the role goes too.
      p.write('20240103000001_index.sql', LEAVES_INDEX);
      const r = await runCli(['verify', '--database', server.url('').replace(/\/$/, '')], { cwd: p.root });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('index `users_email_idx` still exists');
      expect(await roles()).toEqual([]);
    } finally {
      await withClient(server.url('postgres'), (c) => c.query(`DROP ROLE IF EXISTS ${role}`));
      p.remove();
    }
  });

  it('a URL verify cannot use is a usage error (exit 2); one it cannot reach, a failure (exit 1); the password is never printed, even with --verbose', async () => {
    const p = project({ '20240101000001_base.sql': BASE });
    const secret = 'pw_' + randomName('s').slice(-10);
    const u = new URL(server.url('postgres'));
    const at = (path: string) => `postgres://${u.username}:${secret}@${u.host}/${path}`;
    try {
      const cases: [string, number, RegExp][] = [
        [at('postgres'), 2, /"postgres" is the server's own database/],
        [at('template1'), 2, /"template1" is the server's own database/],
        [at('ml_x').replace(/^postgres:/, 'http:'), 2, /expects a postgres:\/\/ URL .*, got a http:\/\/ URL/],
        [at('ml_%ZZ'), 2, /the database name in the URL is not valid percent-encoding/],
        [at('ml_a/b'), 2, /a database name cannot hold "\/" \(got "ml_a\/b"\)/],
        [`postgres://postgres:${secret}@127.0.0.1:1/ml_x`, 1, /^error: cannot connect to the database \(ECONNREFUSED\)/],
        [`postgres://ml_nobody:${secret}@${u.host}/ml_x`, 1, /^error: the database refused the login/],
      ];
      for (const [url, code, message] of cases) {
        const r = await runCli(['verify', '--verbose', '--database', url], { cwd: p.root });
        expect(r.stderr, url).toMatch(message);
        expect(r.code, url).toBe(code);
        expect(r.stdout + r.stderr, url).not.toContain(secret);
      }
      expect(await databases('ml\\_a/b')).toEqual([]);
    } finally {
      p.remove();
    }
  });

  /** verify on a scratch database, sent `signals` while its slow Up runs; the database is gone after. */
  async function interrupted(prefix: string, signals: NodeJS.Signals[]): Promise<{ r: Awaited<ReturnType<typeof startCli>['done']>; name: string }> {
    const p = project({ '20240101000001_base.sql': BASE, '20240102000001_slow.sql': '-- +migrate Up\nSELECT pg_sleep(60);\n\n-- +migrate Down\nSELECT 1;\n' });
    const name = randomName(prefix);
    try {
      const cli = startCli(['verify', '--database', server.url(name)], { cwd: p.root, timeoutMs: 60_000 });
      await waitFor('the slow Up to run', async () =>
        withClient(server.url('postgres'), async (c) => (await c.query(`SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND query LIKE '%pg_sleep(60)%'`, [name])).rowCount),
      );
      for (const signal of signals) process.kill(cli.pid, signal);
      const r = await cli.done;
      expect(r.signal).toBeNull();
      expect(await databases(name)).toEqual([]);
      return { r, name };
    } finally {
      p.remove();
    }
  }

  it('Ctrl-C in the middle of a migration: the scratch database is dropped at once', async () => {
    const { r, name } = await interrupted('ml_verify_int', ['SIGINT']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`verify cancelled; database ${name} dropped`);
  });
  it('SIGTERM in the middle of a migration: the scratch database is dropped at once, as for Ctrl-C', async () => {
    const { r, name } = await interrupted('ml_verify_term', ['SIGTERM']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Terminated: stopping after the current migration');
    expect(r.stderr).toContain(`verify cancelled; database ${name} dropped`);
  });

  it('SIGKILL leaves the scratch database (marked as verify\'s); the next run on the same URL makes it again and drops it', async () => {
    const p = project({ '20240101000001_base.sql': BASE, '20240102000001_slow.sql': '-- +migrate Up\nSELECT pg_sleep(60);\n\n-- +migrate Down\nSELECT 1;\n' });
    const name = randomName('ml_verify_kill');
    const sessions = (query: string) =>
      withClient(server.url('postgres'), async (c) => (await c.query(`SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND query LIKE $2`, [name, query])).rowCount ?? 0);
    try {
      const cli = startCli(['verify', '--database', server.url(name)], { cwd: p.root, timeoutMs: 60_000 });
      await waitFor('the slow Up to run', async () => (await sessions('%pg_sleep(60)%')) > 0);
      process.kill(cli.pid, 'SIGKILL');
      expect((await cli.done).signal).toBe('SIGKILL');
      expect(await databases(name)).toEqual([name]);
      // The server ends the killed client's sessions once it sees the connection gone.
      await waitFor('the killed run\'s sessions to end', async () => (await sessions('%')) === 0);
      p.write('20240102000001_slow.sql', FINE);
      const r = await runCli(['verify', '--database', server.url(name)], { cwd: p.root });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`/${name} (left by a verify that was killed: created again for this run, dropped at the end)`);
      expect(await databases(name)).toEqual([]);
    } finally {
      await withClient(server.url('postgres'), (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      p.remove();
    }
  });

  it('a second signal quits at once, but only after the scratch database is dropped', async () => {
    const { r } = await interrupted('ml_verify_twice', ['SIGINT', 'SIGTERM']);
    // 130 or 143: quit on whichever signal the process handled second (both are pending at once, and
    // Node does not promise to handle them in the order sent), once the drop finished; 1: the first
    // signal's clean stop was done before the second arrived. Either way the database is gone.
    expect([1, 130, 143]).toContain(r.code);
  });
});
