// Security: (1) the password and the full connection string never appear in anything the CLI prints,
// whatever the command and whatever goes wrong; (2) hostile tracking-table and schema names are quoted
// identifiers and hostile values travel as values: exactly the named table appears, nothing else happens.
import { appendFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import pg from 'pg';
import { project, runCli, startCli, waitFor, type CliResult } from '../support/cli';
import { EmbeddedServer, createDatabase, freePort, type TestDatabase } from '../support/pg';

// Characters that need URL-encoding, so both the raw and the encoded form are looked for.
const PASSWORD = `Pw:${Math.random().toString(36).slice(2, 10)}/@%?&#x`;
const V1 = '20240101000001', V2 = '20240101000002', V3 = '20240101000003';

let server: EmbeddedServer;
beforeAll(async () => {
  server = await EmbeddedServer.start({ password: PASSWORD });
});
afterAll(async () => {
  await server?.close();
});

/** Every form in which a secret could leak. */
function forbidden(url: string, ...secrets: string[]): string[] {
  const out = new Set<string>([url, decodeURIComponent(url)]);
  for (const s of secrets) {
    out.add(s);
    out.add(encodeURIComponent(s));
  }
  return [...out];
}

function expectNoLeak(r: CliResult, label: string, secrets: string[]): void {
  const all = r.stdout + '\n' + r.stderr;
  for (const s of secrets) expect(all.includes(s), `${label} leaked ${JSON.stringify(s)}:\n${all}`).toBe(false);
}

describe('passwords never appear in output', () => {
  let db: TestDatabase;
  let p: ReturnType<typeof project>;
  const transcript: { label: string; result: CliResult }[] = [];

  beforeAll(async () => {
    db = await createDatabase(server, 'ml_secret');
    p = project({
      [`${V1}_first.sql`]: '-- +migrate Up\nCREATE TABLE first (id int);\n-- +migrate Down\nDROP TABLE first;\n',
      [`${V2}_second.sql`]: '-- +migrate Up\nCREATE TABLE second (id int);\n-- +migrate Down\nDROP TABLE second;\n',
    });
  });
  afterAll(async () => {
    await db?.drop();
    p?.remove();
  });

  test('every command, succeeding and failing, with the password in DATABASE_URL', async () => {
    const env = { DATABASE_URL: db.url };
    const secrets = forbidden(db.url, PASSWORD);
    const run = async (label: string, args: string[], extraEnv: Record<string, string> = env, expectCode?: number) => {
      const result = await runCli(args, { cwd: p.root, env: extraEnv });
      transcript.push({ label, result });
      if (expectCode !== undefined) expect(result.code, `${label}: ${JSON.stringify(result)}`).toBe(expectCode);
      expectNoLeak(result, label, secrets);
      return result;
    };

    await run('version (empty)', ['version'], env, 0);
    await run('status', ['status'], env, 0);
    await run('status --json', ['status', '--json'], env, 0);
    await run('up --dry-run', ['up', '--dry-run'], env, 0);
    await run('up --verbose', ['up', '--verbose'], env, 0);
    await run('version', ['version'], env, 0);
    await run('down --dry-run', ['down', '--dry-run'], env, 0);
    await run('down', ['down'], env, 0);
    await run('reset', ['reset'], env, 0);
    await run('refresh', ['refresh'], env, 0);
    await run('mark-rolled-back', ['mark-rolled-back', '-version', V2], env, 0);
    await run('mark-applied', ['mark-applied', '-version', V2], env, 0);
    appendFileSync(join(p.migrations, `${V2}_second.sql`), '-- edited\n');
    await run('up refused by drift', ['up'], env, 1);
    await run('accept-checksum', ['accept-checksum', '-version', V2], env, 0);
    writeFileSync(join(p.migrations, `${V3}_broken.sql`), "-- +migrate Up\nSELECT current_user, 'x'::int;\n");
    await run('failing migration', ['up'], env, 1);
    await run('failing migration --verbose (stack)', ['up', '--verbose'], env, 1);
    await run('status with a failure', ['status'], env, 0);
    await run('status --json with a failure', ['status', '--json', '--verbose'], env, 0);
    await run('forget', ['forget', '-version', V3], env, 0);
    rmSync(join(p.migrations, `${V3}_broken.sql`));
    await run('create', ['create', '-name', 'add things'], env, 0);
    for (const f of readdirSync(p.migrations)) if (f.endsWith('_add_things.sql')) rmSync(join(p.migrations, f));
    await run('usage error', ['up', '--no-such-flag'], env, 2);
    await run('help', ['--help'], env, 0);
    await run('unknown version', ['forget', '-version', '20991231000000', '--verbose'], env, 1);

    // Failures that happen while connecting, with the password in the URL.
    const refused = db.url.replace(`:${server.port}/`, `:${await freePort()}/`);
    await run('connection refused', ['status', '--verbose'], { DATABASE_URL: refused }, 1);
    const badPort = db.url.replace(`:${server.port}/`, ':99999/');
    await run('invalid port', ['status', '--verbose'], { DATABASE_URL: badPort }, 1);
    await run('missing database', ['status', '--verbose'], { DATABASE_URL: db.url.replace(/\/[^/]+$/, '/ml_no_such_db') }, 1);
    await run('ssl required', ['status', '--verbose'], { DATABASE_URL: db.url + '?sslmode=require' }, 1);

    // Lock held: the holder description must not carry credentials either. The holder's migration
    // waits on an advisory lock this test holds, so it is still running however long the second CLI
    // takes to start on a busy machine (a pg_sleep(2) once ended before it, and the second `up` then
    // found nothing to wait for); the test lets it finish after the second CLI has timed out.
    const resetResult = await runCli(['reset'], { cwd: p.root, env });
    expect(resetResult.code, JSON.stringify(resetResult)).toBe(0);
    const GATE = 727_001;
    writeFileSync(join(p.migrations, `${V3}_slow.sql`), `-- +migrate Up\nSELECT pg_advisory_xact_lock(${GATE});\n-- +migrate Down\nSELECT 1;\n`);
    const gate = new pg.Client({ connectionString: db.url });
    await gate.connect();
    let holder: ReturnType<typeof startCli> | undefined;
    try {
      await gate.query('SELECT pg_advisory_lock($1)', [GATE]);
      holder = startCli(['up'], { cwd: p.root, env, timeoutMs: 60_000 });
      const h = holder;
      await waitFor('the holder waiting at the gate', async () => {
        if (h.child.exitCode !== null) throw new Error(`the holder ended early: ${JSON.stringify(h.output())}`);
        const waiting = await db.query(
          "SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE d.datname = $1 AND l.locktype = 'advisory' AND NOT l.granted AND l.objid = $2",
          [db.name, GATE],
        );
        return waiting.length > 0;
      });
      await run('lock timeout', ['up', '--lock-timeout', '0.2', '--verbose'], env, 1);
    } finally {
      await gate.query('SELECT pg_advisory_unlock($1)', [GATE]).catch(() => undefined);
      await gate.end().catch(() => undefined);
    }
    const held = await holder!.done;
    expect(held.code, JSON.stringify(held)).toBe(0);
    transcript.push({ label: 'lock holder', result: held });
    expectNoLeak(held, 'lock holder', secrets);

    // Nothing stored in the tracking table carries the password either.
    const rows = await db.query('SELECT * FROM schema_migrations');
    for (const s of secrets) expect(JSON.stringify(rows)).not.toContain(s);
    expect(transcript.length).toBe(29);
    // The outputs are not empty: they name the database, just never with its credentials.
    expect(transcript.filter((t) => t.result.stdout.includes(`postgres://postgres@127.0.0.1:${server.port}/${db.name}`)).length).toBeGreaterThan(15);
  }, 120_000);

  test('the same with the password in PGPASSWORD, in config.yaml and through ${VAR}, and a wrong one', async () => {
    const u = new URL(db.url);
    const secrets = forbidden(db.url, PASSWORD);
    const pgEnv = { PGHOST: '127.0.0.1', PGPORT: String(server.port), PGUSER: 'postgres', PGPASSWORD: PASSWORD, PGDATABASE: db.name };
    const check = async (label: string, args: string[], env: Record<string, string>, code: number, extraSecrets: string[] = []) => {
      const r = await runCli(args, { cwd: p.root, env });
      expect(r.code, `${label}: ${JSON.stringify(r)}`).toBe(code);
      expectNoLeak(r, label, [...secrets, ...extraSecrets]);
    };
    await check('PG* status', ['status'], pgEnv, 0);
    await check('PG* up --verbose', ['up', '--verbose'], pgEnv, 0);
    await check('PG* failing', ['status', '--verbose'], { ...pgEnv, PGDATABASE: 'ml_nope' }, 1);

    writeFileSync(join(p.root, 'fields.yaml'), `database:\n  host: 127.0.0.1\n  port: ${server.port}\n  user: postgres\n  password: "${PASSWORD}"\n  dbname: ${db.name}\n`);
    await check('config fields', ['status', '-config', 'fields.yaml'], {}, 0);
    writeFileSync(join(p.root, 'fields-bad.yaml'), `database:\n  host: 127.0.0.1\n  port: ${server.port}\n  user: postgres\n  password: "${PASSWORD}"\n  dbname: ml_nope\n`);
    await check('config fields, missing db', ['status', '-config', 'fields-bad.yaml', '--verbose'], {}, 1);
    writeFileSync(join(p.root, 'url.yaml'), `database:\n  url: postgres://postgres:\${DB_PASSWORD}@127.0.0.1:${server.port}/${db.name}\n`);
    await check('config ${VAR}', ['down', '--dry-run', '-config', 'url.yaml'], { DB_PASSWORD: encodeURIComponent(PASSWORD) }, 0);
    writeFileSync(join(p.root, 'url-typo.yaml'), `database:\n  url: ${db.url}\n  passwrd: x\n`);
    await check('config with the URL and an unknown key', ['status', '-config', 'url-typo.yaml', '--verbose'], {}, 1);

    // Connection strings that do not parse, or parse oddly: the error must not echo them.
    const odd = `Zq${Math.random().toString(36).slice(2, 10)}`;
    for (const bad of [
      `postgres://postgres:${odd}%zz@127.0.0.1:${server.port}/${db.name}`,
      `postgres://postgres:${odd} with spaces@127.0.0.1:${server.port}/${db.name}`,
      `postgres://postgres:${odd}@/${db.name}`,
      `postgres://postgres:${odd}@[::1/${db.name}`,
      `postgres://:${odd}@127.0.0.1:${await freePort()}/x`,
      `postgres://postgres:${odd}@127.0.0.1:${server.port}/${db.name}?sslmode=bogus`,
    ]) {
      const r = await runCli(['status', '--verbose'], { cwd: p.root, env: { DATABASE_URL: bad } });
      expect(r.code, bad).toBe(1);
      expectNoLeak(r, `odd URL ${bad}`, [bad, odd, encodeURIComponent(odd)]);
    }

    const wrong = `Wr0ng:${Math.random().toString(36).slice(2, 8)}@/`;
    u.password = encodeURIComponent(wrong);
    await check('wrong password', ['status', '--verbose'], { DATABASE_URL: u.toString() }, 1, forbidden(u.toString(), wrong));
  }, 120_000);
});

describe('hostile tracking-table and schema names, hostile values', () => {
  const TABLE = 'weird"; DROP TABLE x; --';
  const SCHEMA = `my "schema" name's $ml$`;
  const HOSTILE_USER = `o'brien"; DROP TABLE x; -- $ml$ \\`;
  let db: TestDatabase;
  let p: ReturnType<typeof project>;
  const script2 = "-- +migrate Up\n-- tricky text: $ml$ $ml0$ ' '' \\ E'\\\\' \"q\" ;\nCREATE TABLE b (note text DEFAULT 'it''s $ml$');\n-- +migrate Down\nDROP TABLE b;\n";

  beforeAll(async () => {
    db = await createDatabase(server, 'ml_hostile');
    await db.query("CREATE TABLE x (id int); INSERT INTO x VALUES (42)");
    p = project({
      [`${V1}_a.sql`]: '-- +migrate Up\nCREATE TABLE a (id int);\n-- +migrate Down\nDROP TABLE a;\n',
      [`${V2}_b.sql`]: script2,
    });
  });
  afterAll(async () => {
    await db?.drop();
    p?.remove();
  });

  const cli = (...args: string[]) =>
    runCli([...args, '-migrations', p.migrations, '-table', TABLE, '-schema', SCHEMA], { cwd: p.root, env: { DATABASE_URL: db.url, USER: HOSTILE_USER } });
  const tables = async () =>
    (await db.query<{ s: string; t: string }>(
      "SELECT n.nspname AS s, c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2",
    )).map((r) => `${r.s} | ${r.t}`);
  const history = (cols: string) => db.query(`SELECT ${cols} FROM "${SCHEMA.replace(/"/g, '""')}"."${TABLE.replace(/"/g, '""')}" ORDER BY version`);

  test('the tracking table is created with exactly that name in exactly that schema; x survives', async () => {
    const up = await cli('up');
    expect(up.code, JSON.stringify(up)).toBe(0);
    expect((await tables()).sort()).toEqual([`${SCHEMA} | ${TABLE}`, 'public | a', 'public | b', 'public | x'].sort());
    expect(await db.query('SELECT id FROM x')).toEqual([{ id: 42 }]);
    expect(await history('version::text AS version, status')).toEqual([
      { version: V1, status: 'applied' },
      { version: V2, status: 'applied' },
    ]);
    const status = await cli('status', '--json');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).map((e: { status: string }) => e.status)).toEqual(['applied', 'applied']);
  });

  test('values go in as values: the stored script, a hostile user name and a quoted error survive byte for byte', async () => {
    const [{ script }] = (await db.query(
      `SELECT script FROM "${SCHEMA.replace(/"/g, '""')}"."${TABLE.replace(/"/g, '""')}" WHERE version = $1`,
      [V2],
    )) as { script: string }[];
    expect(script).toBe(script2);

    appendFileSync(join(p.migrations, `${V2}_b.sql`), '-- reviewed\n');
    const accepted = await cli('accept-checksum', '-version', V2);
    expect(accepted.code, JSON.stringify(accepted)).toBe(0);
    const [{ note }] = (await db.query(
      `SELECT note FROM "${SCHEMA.replace(/"/g, '""')}"."${TABLE.replace(/"/g, '""')}" WHERE version = $1`,
      [V2],
    )) as { note: string }[];
    expect(note.startsWith(`checksum accepted by ${HOSTILE_USER} at `)).toBe(true);

    writeFileSync(join(p.migrations, `${V3}_fails.sql`), "-- +migrate Up\nSELECT 'it''s $ml$ \\'::int;\n");
    const failed = await cli('up');
    expect(failed.code).toBe(1);
    const [{ error }] = (await db.query(
      `SELECT error FROM "${SCHEMA.replace(/"/g, '""')}"."${TABLE.replace(/"/g, '""')}" WHERE version = $1`,
      [V3],
    )) as { error: string }[];
    expect(error).toBe('invalid input syntax for type integer: "it\'s $ml$ \\"');
    expect((await cli('forget', '-version', V3)).code).toBe(0);
    rmSync(join(p.migrations, `${V3}_fails.sql`));
    expect(await db.query('SELECT id FROM x')).toEqual([{ id: 42 }]);
  });

  test('down, mark-rolled-back, mark-applied, reset and refresh work through the hostile names and touch nothing else', async () => {
    for (const args of [['down'], ['mark-applied', '-version', V2], ['mark-rolled-back', '-version', V2], ['up'], ['reset'], ['refresh'], ['status']]) {
      const r = await cli(...args);
      expect(r.code, `${args.join(' ')}: ${JSON.stringify(r)}`).toBe(0);
    }
    expect((await tables()).sort()).toEqual([`${SCHEMA} | ${TABLE}`, 'public | a', 'public | b', 'public | x'].sort());
    expect(await db.query('SELECT id FROM x')).toEqual([{ id: 42 }]);
    // Only the schema we named was created.
    const schemas = await db.query<{ nspname: string }>("SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY 1");
    expect(schemas.map((s) => s.nspname).sort()).toEqual([SCHEMA, 'public'].sort());
  });

  test('a second hostile name in the default schema: a backslash, quotes and a dollar tag', async () => {
    const odd = `it's \\ $ml$ "t"`;
    const other = project({ [`${V1}_c.sql`]: "-- +migrate Up\nCREATE TABLE c (id int);\n-- +migrate Down\nDROP TABLE c;\n" });
    let r: CliResult;
    try {
      r = await runCli(['up', '-migrations', other.migrations, '-table', odd], { cwd: other.root, env: { DATABASE_URL: db.url } });
    } finally {
      other.remove();
    }
    expect(r.code, JSON.stringify(r)).toBe(0);
    expect(await db.query(`SELECT version::text AS version, status FROM public."${odd.replace(/"/g, '""')}"`)).toEqual([{ version: V1, status: 'applied' }]);
    expect(await db.query("SELECT to_regclass('public.c') IS NOT NULL AS ok")).toEqual([{ ok: true }]);
    const found = await db.query<{ relname: string }>("SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relname = $1", [odd]);
    expect(found).toEqual([{ relname: odd }]);
    expect(await db.query('SELECT id FROM x')).toEqual([{ id: 42 }]);
  });
});
