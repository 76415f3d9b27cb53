// verify's round trip on both databases: Downs that do not undo their Up, each in the words the
// user reads, with the file and the Down's line; what must pass (notransaction, code migrations, a
// column dropped and added back); what cannot run (no Down, a broken Down, a PGlite extension).
import { beforeEach, describe, expect, it } from 'vitest';
import { clearRegisteredMigrations, Snapshotter, StateError, takeSnapshot, verifyFailureText, verifyMigrations, type Database, type VerifyResult } from '../../src/engine/internal';
import { createMigrator } from '../../src/engine/index';
import { BACKENDS, pgBackend, pgliteBackend, useBackend } from '../support/backends';
import { getServer, randomName, withClient } from '../support/pg';
import { migrationsFolder } from '../support/files';

const BASE = `-- +migrate Up
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL DEFAULT '', legacy text, mood mood);
CREATE VIEW active_users AS SELECT id, email FROM users;
-- +migrate StatementBegin
CREATE FUNCTION bump(x int) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  RETURN x + 1;
END;
$$;
-- +migrate StatementEnd

-- +migrate Down
DROP FUNCTION bump(int);
DROP VIEW active_users;
DROP TABLE users;
DROP TYPE mood;
`;

/** A second migration: its Up, and a Down that undoes everything except `keep`. */
function second(up: string, down: string): string {
  return `-- +migrate Up\n${up}\n\n-- +migrate Down\n${down}\n`;
}

describe.each(BACKENDS)('verify on %s', (_label, makeBackend) => {
  const suite = useBackend(makeBackend, clearRegisteredMigrations);
  let db: Database;
  beforeEach(() => {
    db = suite.db;
  });
  const folder = (files: Record<string, string>) => suite.folder(files);

  async function verifyWith(secondText: string): Promise<{ result: VerifyResult; dir: string }> {
    const f = folder({ '20240101000001_base.sql': BASE, '20240102000001_change.sql': secondText });
    return { result: await verifyMigrations({ db, migrationsDir: f.dir, useGlobalRegistry: false }), dir: f.dir };
  }

  function schemaFailure(result: VerifyResult) {
    expect(result.ok).toBe(false);
    const failure = result.failure!;
    expect(failure.kind).toBe('schema');
    if (failure.kind !== 'schema') throw new Error('unreachable');
    return failure;
  }

  it('passes when every Down undoes its Up, and leaves everything applied once more', async () => {
    const { result } = await verifyWith(
      second(
        `CREATE INDEX users_email_idx ON users (email);\nALTER TABLE users DROP COLUMN legacy;\nCREATE TRIGGER t BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();`,
        `DROP TRIGGER t ON users;\nALTER TABLE users ADD COLUMN legacy text;\nDROP INDEX users_email_idx;`,
      ),
    );
    expect(result).toMatchObject({ ok: true, migrations: 2, verified: 2, failure: null, cancelled: false });
    const rows = await db.query<{ version: string; status: string }>(`SELECT version::text AS version, status FROM schema_migrations ORDER BY 1`);
    expect(rows).toEqual([
      { version: '20240101000001', status: 'applied' },
      { version: '20240102000001', status: 'applied' },
    ]);
    expect(await db.query(`SELECT 1 FROM pg_indexes WHERE indexname = 'users_email_idx'`)).toHaveLength(1);
  });

  it('a Down written first and split in two (as sql-migrate allows): passes when its parts undo the Up, else names the first Down line', async () => {
    const split = (secondDown: string) =>
      ['-- +migrate Down', 'DROP INDEX users_email_idx;', '', '-- +migrate Up', 'CREATE INDEX users_email_idx ON users (email);', '', '-- +migrate Up', 'CREATE INDEX users_legacy_idx ON users (legacy);', '', '-- +migrate Down', secondDown, ''].join('\n');
    expect((await verifyWith(split('DROP INDEX users_legacy_idx;'))).result).toMatchObject({ ok: true, verified: 2 });
    await suite.backend.clean();
    const { result, dir } = await verifyWith(split('SELECT 1;'));
    const failure = schemaFailure(result);
    expect(failure).toMatchObject({ version: '20240102000001', file: `${dir}/20240102000001_change.sql`, line: 1 });
    expect(failure.differences.map((d) => d.message)).toEqual(['index `users_legacy_idx` still exists']);
  });

  it('a Down that leaves an index: names the index, the file and the Down line', async () => {
    const { result, dir } = await verifyWith(second('CREATE INDEX users_email_idx ON users (email);', 'SELECT 1;'));
    const failure = schemaFailure(result);
    expect(failure).toMatchObject({ version: '20240102000001', name: 'change', file: `${dir}/20240102000001_change.sql`, line: 4 });
    expect(failure.differences.map((d) => d.message)).toEqual(['index `users_email_idx` still exists']);
    expect(result.verified).toBe(0);
    expect(verifyFailureText(result.failure!, (p) => p.slice(dir.length + 1))).toBe(
      '20240102000001_change.sql:4: the Down of 20240102000001_change does not restore the schema its Up started from:\n  index `users_email_idx` still exists',
    );
  });

  it('a Down that drops a column default instead of restoring it', async () => {
    const { result } = await verifyWith(second(`ALTER TABLE users ALTER COLUMN email SET DEFAULT 'x';`, 'ALTER TABLE users ALTER COLUMN email DROP DEFAULT;'));
    expect(schemaFailure(result).differences.map((d) => d.message)).toEqual(["column `users.email`: default `''::text` is gone (it was set before the Up)"]);
  });

  it('a Down that forgets an enum value', async () => {
    const { result } = await verifyWith(second(`ALTER TYPE mood ADD VALUE 'happy';`, 'SELECT 1;'));
    expect(schemaFailure(result).differences.map((d) => d.message)).toEqual(['enum `mood`: value `happy` still exists']);
  });

  it('a view whose definition the Down does not put back', async () => {
    const { result } = await verifyWith(second('CREATE OR REPLACE VIEW active_users AS SELECT id, email, mood FROM users;', 'SELECT 1;'));
    const [d] = schemaFailure(result).differences;
    expect(d).toMatchObject({ kind: 'view', name: 'active_users', change: 'changed', property: 'definition' });
    expect(d.message).toMatch(/^view `active_users`: definition is `SELECT .*mood FROM users;`, before the Up it was `SELECT .*email FROM users;`$/);
  });

  it('a function body the Down does not put back: the first line that differs', async () => {
    const { result } = await verifyWith(
      second('-- +migrate StatementBegin\nCREATE OR REPLACE FUNCTION bump(x int) RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN x + 2;\nEND;\n$$;\n-- +migrate StatementEnd', 'SELECT 1;'),
    );
    const [d] = schemaFailure(result).differences;
    expect(d.message).toMatch(/^function `bump\(integer\)`: its definition differs at line \d+: `RETURN x \+ 2;`, before the Up `RETURN x \+ 1;`$/);
  });

  it('a Down that leaves a rule on a view', async () => {
    const { result } = await verifyWith(
      second(
        `CREATE RULE active_users_insert AS ON INSERT TO active_users DO INSTEAD INSERT INTO users (email) VALUES (NEW.email);`,
        'SELECT 1;',
      ),
    );
    expect(schemaFailure(result).differences.map((d) => d.message)).toEqual(['rule `active_users_insert on active_users` still exists']);
  });

  it('a Down that leaves an INSTEAD OF trigger on a view', async () => {
    const { result } = await verifyWith(
      second(
        `-- +migrate StatementBegin\nCREATE FUNCTION active_users_ins() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  INSERT INTO users (email) VALUES (NEW.email);\n  RETURN NEW;\nEND;\n$$;\n-- +migrate StatementEnd\nCREATE TRIGGER active_users_ins INSTEAD OF INSERT ON active_users FOR EACH ROW EXECUTE FUNCTION active_users_ins();`,
        'SELECT 1;',
      ),
    );
    expect(schemaFailure(result).differences.map((d) => d.message)).toEqual([
      'function `active_users_ins()` still exists',
      'trigger `active_users_ins on active_users` still exists',
    ]);
  });

  it('a table the Down drops that existed before: missing, without its columns listed again', async () => {
    const { result } = await verifyWith(second('CREATE TABLE extra (id int);', 'DROP TABLE extra;\nDROP VIEW active_users;'));
    expect(schemaFailure(result).differences.map((d) => d.message)).toEqual(['view `active_users` is missing (it existed before the Up)']);
  });

  it('session settings a migration leaves behind (time zone, DateStyle, quoting) do not change how the schema reads', async () => {
    const f = folder({
      '20240101000001_base.sql': second(`CREATE TABLE events (at timestamptz DEFAULT '2024-01-01 00:00+00', day date DEFAULT '2024-03-04');`, 'DROP TABLE events;'),
      '20240102000001_settings.sql': second(`SET TIME ZONE 'Asia/Tokyo';\nSET DateStyle = 'SQL, DMY';\nSET quote_all_identifiers = on;`, 'SELECT 1;'),
    });
    expect(await verifyMigrations({ db, migrationsDir: f.dir, useGlobalRegistry: false })).toMatchObject({ ok: true, verified: 2, failure: null });
  });

  // Each: a migration that sets something up (and undoes it), then one whose Up changes it and whose Down does not put it back.
  const unrestored: [string, string, string, string, RegExp][] = [
    ['column storage', '', '', 'ALTER TABLE users ALTER COLUMN email SET STORAGE EXTERNAL;', /^column `users\.email`: storage `external` is still set/],
    ['column compression', '', '', 'ALTER TABLE users ALTER COLUMN email SET COMPRESSION pglz;', /^column `users\.email`: compression `pglz` is still set/],
    ['column statistics target', '', '', 'ALTER TABLE users ALTER COLUMN email SET STATISTICS 500;', /^column `users\.email`: statistics `500` is still set/],
    ['replica identity', '', '', 'ALTER TABLE users REPLICA IDENTITY FULL;', /^table `users`: replica identity `full` is still set/],
    ['a table\'s owner', 'CREATE TABLE plain (id int);', 'DROP TABLE plain;', 'ALTER TABLE plain OWNER TO pg_monitor;', /^table `plain`: owner is `pg_monitor`, before the Up it was `\w+`$/],
    ['function owner', '', '', 'ALTER FUNCTION bump(int) OWNER TO pg_monitor;', /^function `bump\(integer\)`: owner is `pg_monitor`/],
    ['privileges on a type', '', '', 'REVOKE USAGE ON TYPE mood FROM PUBLIC;', /^enum `mood`: privileges is `\w+=U\/\w+`, before the Up it was `default`$/],
    ['privileges on a column', '', '', 'GRANT SELECT (email) ON users TO PUBLIC;', /^column `users\.email`: privileges is `=r\/\w+`, before the Up it was `default`$/],
    ['a comment on the public schema', '', '', "COMMENT ON SCHEMA public IS 'x';", /^schema `public`: comment (is `x`, before the Up it was `standard public schema`|`x` is still set)/],
    ['the index of a primary key: comment', '', '', "COMMENT ON INDEX users_pkey IS 'x';", /^constraint `users_pkey on users`: index is `users_pkey, comment x`, before the Up it was `users_pkey`$/],
    ['the index of a primary key: clustered', '', '', 'ALTER TABLE users CLUSTER ON users_pkey;', /^constraint `users_pkey on users`: index is `users_pkey, clustered`/],
    ['an index clustered', 'CREATE INDEX users_email_idx ON users (email);', 'DROP INDEX users_email_idx;', 'ALTER TABLE users CLUSTER ON users_email_idx;', /^index `users_email_idx` is clustered now/],
    ['identity options', 'ALTER TABLE users ADD COLUMN k int GENERATED BY DEFAULT AS IDENTITY;', 'ALTER TABLE users DROP COLUMN k;', 'ALTER TABLE users ALTER COLUMN k SET INCREMENT BY 5;', /^column `users\.k`: identity sequence is `start 1 increment 5 .*`, before the Up it was `start 1 increment 1 /],
    ['an aggregate\'s state function', 'CREATE AGGREGATE agg(int) (sfunc = int4pl, stype = int);', 'DROP AGGREGATE agg(int);', 'DROP AGGREGATE agg(int);\nCREATE AGGREGATE agg(int) (sfunc = int4mul, stype = int);', /^function `agg\(integer\)`: .*`aggregate returning integer, sfunc int4mul\(integer,integer\), stype integer`, before the Up `aggregate returning integer, sfunc int4pl/],
    ['a range type\'s subtype (its constructors not listed)', 'CREATE TYPE span AS RANGE (subtype = int4);', 'DROP TYPE span;', 'DROP TYPE span;\nCREATE TYPE span AS RANGE (subtype = int8);', /^type `span`: kind is `range type over bigint`, before the Up it was `range type over integer`$/],
  ];
  // Each: a migration that sets something up (and undoes it), then one whose Up makes an object of a kind not listed above, and whose Down leaves it.
  const leftBehind: [string, string, string, string, RegExp][] = [
    ['a statistics object', '', '', 'CREATE STATISTICS users_stats ON email, mood FROM users;', /^statistics object `public\.users_stats` still exists$/],
    ['default privileges', '', '', 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO PUBLIC;', /^default acl `for role \w+ in schema public on tables` still exists$/],
    ['an event trigger', 'CREATE FUNCTION noop() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$;', 'DROP FUNCTION noop();', 'CREATE EVENT TRIGGER noop ON ddl_command_end EXECUTE FUNCTION noop();', /^event trigger `noop` still exists$/],
    ['a collation', '', '', 'CREATE COLLATION plain FROM "C";', /^collation `public\.plain` still exists$/],
    ['a cast', '', '', 'CREATE CAST (mood AS integer) WITH INOUT;', /^cast `\(public\.mood AS integer\)` still exists$/],
    ['a text search configuration', '', '', 'CREATE TEXT SEARCH CONFIGURATION words (COPY = simple);', /^text search configuration `public\.words` still exists$/],
  ];

  async function leavesOne(setUp: string, tearDown: string, change: string, message: RegExp) {
    const f = folder({
      '20240101000001_base.sql': BASE,
      '20240102000001_setup.sql': second(setUp || 'SELECT 1;', tearDown || 'SELECT 1;'),
      '20240103000001_change.sql': second(change, 'SELECT 1;'),
    });
    const result = await verifyMigrations({ db, migrationsDir: f.dir, useGlobalRegistry: false });
    expect(result.failure).toMatchObject({ kind: 'schema', version: '20240103000001' });
    const messages = schemaFailure(result).differences.map((d) => d.message);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(message);
  }
  it.each(unrestored)('a Down that does not put back %s', async (_what, setUp, tearDown, change, message) => leavesOne(setUp, tearDown, change, message));
  it.each(leftBehind)('a Down that leaves %s', async (_what, setUp, tearDown, change, message) => leavesOne(setUp, tearDown, change, message));

  it('privileges granted and revoked again, or granted back in another order, are the same privileges: no false failure', async () => {
    const f = folder({
      '20240101000001_base.sql': BASE,
      '20240102000001_grant.sql': second(
        'GRANT SELECT ON users TO PUBLIC;\nGRANT SELECT ON users TO pg_monitor;\nGRANT EXECUTE ON FUNCTION bump(int) TO PUBLIC;',
        'REVOKE SELECT ON users FROM PUBLIC, pg_monitor;',
      ),
      '20240103000001_regrant.sql': second('REVOKE SELECT ON users FROM PUBLIC, pg_monitor;', 'GRANT SELECT ON users TO pg_monitor;\nGRANT SELECT ON users TO PUBLIC;'),
      '20240104000001_column.sql': second('GRANT SELECT (email) ON users TO pg_monitor;', 'REVOKE SELECT (email) ON users FROM pg_monitor;'),
    });
    expect(await verifyMigrations({ db, migrationsDir: f.dir, useGlobalRegistry: false })).toMatchObject({ ok: true, verified: 4, failure: null });
  });

  it('stops at the first (newest) failing Down and counts the newer ones that passed', async () => {
    const f = folder({
      '20240101000001_base.sql': BASE,
      '20240102000001_leaves.sql': second('CREATE INDEX users_email_idx ON users (email);', 'SELECT 1;'),
      '20240103000001_fine.sql': second('CREATE TABLE fine (id int);', 'DROP TABLE fine;'),
    });
    const result = await verifyMigrations({ db, migrationsDir: f.dir, useGlobalRegistry: false });
    expect(result).toMatchObject({ ok: false, verified: 1, failure: { kind: 'schema', version: '20240102000001' } });
  });

  it('notransaction migrations and code migrations go through the same round trip', async () => {
    const f = folder({
      '20240101000001_base.sql': BASE,
      '20240102000001_concurrent.sql': '-- +migrate Up notransaction\nCREATE INDEX CONCURRENTLY users_mood_idx ON users (mood);\n\n-- +migrate Down notransaction\nDROP INDEX CONCURRENTLY users_mood_idx;\n',
    });
    const codeLeaves = {
      version: '20240103000001',
      name: 'code_table',
      up: async (h: { query(sql: string): Promise<unknown> }) => void (await h.query('CREATE TABLE from_code (id int)')),
      down: async () => undefined,
    };
    const result = await verifyMigrations({ db, migrationsDir: f.dir, useGlobalRegistry: false, codeMigrations: [codeLeaves] });
    expect(result.failure).toMatchObject({ kind: 'schema', version: '20240103000001', file: null, line: null });
    expect(verifyFailureText(result.failure!)).toMatch(/^code migration 20240103000001_code_table: the Down .*\n  table `from_code` still exists$/);

    await suite.backend.clean();
    const fine = { ...codeLeaves, down: async (h: { query(sql: string): Promise<unknown> }) => void (await h.query('DROP TABLE from_code')) };
    expect(await verifyMigrations({ db, migrationsDir: f.dir, useGlobalRegistry: false, codeMigrations: [fine] })).toMatchObject({ ok: true, verified: 3 });
  });

  it('an Up without a Down is reported, not a crash', async () => {
    const { result, dir } = await verifyWith('-- +migrate Up\nCREATE TABLE audit (id int);\n');
    expect(result.failure).toEqual({ kind: 'no-down', version: '20240102000001', name: 'change', file: `${dir}/20240102000001_change.sql`, line: null });
    expect(verifyFailureText(result.failure!)).toMatch(/20240102000001_change\.sql: migration 20240102000001_change has no Down, so verify cannot roll it back/);
  });

  it('a Down with a syntax error: its file and the line of the statement', async () => {
    const { result, dir } = await verifyWith(second('CREATE TABLE audit (id int);', 'SELECT 1;\nDROP TABEL audit;'));
    expect(result.failure).toMatchObject({ kind: 'error', phase: 'down', file: `${dir}/20240102000001_change.sql`, line: 6, message: expect.stringMatching(/syntax error at or near "TABEL"/) });
    expect(verifyFailureText(result.failure!, () => 'm.sql')).toMatch(/^m\.sql:6: the Down of 20240102000001_change failed: syntax error/);
  });

  it('an Up that does not build the same schema twice', async () => {
    const { result } = await verifyWith(
      second(
        `DO $$ BEGIN EXECUTE format('CREATE TABLE t_%s (id int)', txid_current()); END $$;`,
        `DO $$ DECLARE t text; BEGIN FOR t IN SELECT tablename FROM pg_tables WHERE tablename LIKE 't\\_%' LOOP EXECUTE format('DROP TABLE %I', t); END LOOP; END $$;`,
      ),
    );
    expect(result.failure?.kind).toBe('reapply');
    expect(verifyFailureText(result.failure!)).toMatch(/^after every Down and every Up again, the schema differs .*\n  table `t_\d+` is missing .*\n  table `t_\d+` still exists$/);
  });

  it('refuses a database that holds a table, and changes nothing', async () => {
    await db.exec('CREATE TABLE precious (id int); INSERT INTO precious VALUES (1);');
    const f = folder({ '20240101000001_base.sql': BASE });
    await expect(verifyMigrations({ db, migrationsDir: f.dir, useGlobalRegistry: false })).rejects.toThrow(StateError);
    await expect(verifyMigrations({ db, migrationsDir: f.dir, useGlobalRegistry: false })).rejects.toThrow(/holds 1 table or other relation \(public\.precious\)/);
    expect(await db.query(`SELECT to_regclass('schema_migrations') AS t`)).toEqual([{ t: null }]);
  });

  it('a cancelled run stops between steps', async () => {
    const controller = new AbortController();
    const f = folder({ '20240101000001_base.sql': BASE, '20240102000001_change.sql': second('CREATE TABLE b (id int);', 'DROP TABLE b;') });
    const result = await verifyMigrations({
      db,
      migrationsDir: f.dir,
      useGlobalRegistry: false,
      signal: controller.signal,
      onProgress: (p) => p.phase === 'down' && controller.abort(),
    });
    expect(result).toMatchObject({ ok: false, cancelled: true, failure: null });
  });
});

describe('verify on PGlite: an extension it lacks', () => {
  it('says PGlite cannot run it and to use --database', async () => {
    const backend = await pgliteBackend();
    const f = migrationsFolder({ '20240101000001_gis.sql': '-- +migrate Up\nCREATE EXTENSION postgis;\n\n-- +migrate Down\nDROP EXTENSION postgis;\n' });
    try {
      const result = await verifyMigrations({ db: await backend.open(), migrationsDir: f.dir, useGlobalRegistry: false });
      expect(result.failure).toMatchObject({ kind: 'unsupported', phase: 'up', line: 2, extension: 'postgis' });
      expect(verifyFailureText(result.failure!, () => 'gis.sql')).toBe(
        'gis.sql:2: the embedded PGlite cannot run migration 20240101000001_gis: extension "postgis" is not available; run verify on a PostgreSQL server that has "postgis", with --database URL',
      );
    } finally {
      f.remove();
      await backend.close();
    }
  });
});

describe('verify on PostgreSQL: a statement_timeout a migration left (PGlite has none)', () => {
  const suite = useBackend(pgBackend, clearRegisteredMigrations);
  it('does not cut a snapshot short: the catalogs are read without it', async () => {
    const db = suite.db;
    const f = suite.folder({ '20240101000001_base.sql': BASE });
    await verifyMigrations({ db, migrationsDir: f.dir, useGlobalRegistry: false });
    // What the session is left with, as after a migration's `SET statement_timeout = 1`: the
    // catalog query takes longer than a millisecond.
    await db.exec('SET statement_timeout = 1');
    try {
      const options = { trackingSchema: 'public', trackingTable: 'schema_migrations' };
      expect([...(await takeSnapshot(db, options)).table.keys()]).toEqual(['users']);
      expect([...(await new Snapshotter(db, options).take()).table.keys()]).toEqual(['users']);
      expect(await db.query(`SELECT current_setting('statement_timeout') AS t`)).toEqual([{ t: '1ms' }]);
    } finally {
      await db.exec('RESET statement_timeout');
    }
  });
});

describe('the library: MigrateLens.verify', () => {
  it('verifies the project on a scratch database of a server, never on its own database, and drops it', async () => {
    const server = await getServer();
    const f = migrationsFolder({ '20240101000001_base.sql': BASE, '20240102000001_change.sql': second('CREATE INDEX users_email_idx ON users (email);', 'SELECT 1;') });
    const name = randomName('ml_verify_api');
    // The migrator's own database does not exist: verify must not connect to it.
    const migrator = createMigrator({ cwd: f.dir, env: {}, migrationsDir: f.dir, connectionString: 'postgres://nobody@127.0.0.1:1/nowhere', useGlobalRegistry: false });
    const phases: string[] = [];
    try {
      const result = await migrator.verify({ databaseUrl: server.url(name), onProgress: (p) => phases.push(`${p.phase} ${p.version}`) });
      expect(result).toMatchObject({ ok: false, failure: { kind: 'schema', version: '20240102000001', line: 4 } });
      expect(phases).toEqual(['up 20240101000001', 'up 20240102000001', 'down 20240102000001']);
      const left = await withClient(server.url('postgres'), async (c) => (await c.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name])).rowCount);
      expect(left).toBe(0);
    } finally {
      await migrator.close();
      f.remove();
      await server.close();
    }
  });
});
