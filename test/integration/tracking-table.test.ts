// The tracking table is ours alone, at every version: another tool's table is never altered or
// written, and read-only commands read any earlier layout of ours without altering it.
import { beforeEach, describe, expect, it } from 'vitest';
import { ForeignTableError, Migrator, type Database } from '../../src/engine/internal';
import { History } from '../../src/engine/history';
import { BACKENDS, useBackend } from '../support/backends';
import { tableMigration } from '../support/files';

/**
 * The tracking table's columns, in the order releases added them (src/engine/history.ts COLUMNS as
 * of this test). An earlier release's table is a prefix of it; each is kept here as that release
 * made it, frozen: a later change to COLUMNS must keep reading these.
 */
const RELEASE_COLUMNS: [string, string][] = [
  ['version', 'bigint PRIMARY KEY'],
  ['name', "text NOT NULL DEFAULT ''"],
  ['checksum', "text NOT NULL DEFAULT ''"],
  ['status', "text NOT NULL DEFAULT 'applied'"],
  ['batch', 'integer'],
  ['applied_at', 'timestamptz'],
  ['execution_time_ms', 'double precision'],
  ['error', 'text'],
  ['error_statement', 'integer'],
  ['error_line', 'integer'],
  ['script', 'text'],
  ['kind', "text NOT NULL DEFAULT 'file'"],
  ['no_transaction', 'boolean NOT NULL DEFAULT false'],
  ['rolled_back_at', 'timestamptz'],
  ['note', 'text'],
];

const LAYOUTS: [string, string][] = [
  // the first release's table, as the engine's upgrade test has it
  ['version, name, checksum, status, applied_at', 'version bigint PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, status text NOT NULL, applied_at timestamptz'],
  // every prefix of the column list, from the four first columns to the whole list without a comment
  ...Array.from({ length: RELEASE_COLUMNS.length - 3 }, (_, i): [string, string] => {
    const cols = RELEASE_COLUMNS.slice(0, i + 4);
    return [`up to ${cols[cols.length - 1][0]}`, cols.map(([n, t]) => `${n} ${t}`).join(', ')];
  }),
];

async function snapshot(db: Database, table = 'schema_migrations') {
  return {
    columns: await db.query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, [table]),
    comment: await db.query(`SELECT obj_description(c.oid, 'pg_class') AS comment FROM pg_class c WHERE relname = $1`, [table]),
    rows: await db.query(`SELECT * FROM ${table} ORDER BY 1`),
  };
}

describe.each(BACKENDS)('tracking table on %s', (_label, makeBackend) => {
  const suite = useBackend(makeBackend);
  let db: Database;
  beforeEach(() => {
    db = suite.db;
  });

  const folder = () => suite.folder({ '20240101000001_a.sql': tableMigration('a'), '20240101000002_b.sql': tableMigration('b') });

  it.each(LAYOUTS)('status and version read an earlier layout (%s) as it is, without altering it', async (_name, columns) => {
    await db.exec(`CREATE TABLE schema_migrations (${columns}); CREATE TABLE a (id int)`);
    await db.exec(`INSERT INTO schema_migrations (version, name, checksum, status) VALUES (20240101000001, 'a', 'old', 'applied')`);
    const before = await snapshot(db);
    const m = new Migrator({ db, migrationsDir: folder().dir });
    const status = await m.status();
    expect(status.map((e) => [e.version, e.status])).toEqual([
      ['20240101000001', 'drifted'], // its checksum is not the file's
      ['20240101000002', 'pending'],
    ]);
    expect(await m.version()).toEqual({ version: '20240101000001', name: 'a' });
    expect(await new History(db, 'public', 'schema_migrations').readIfExists()).toHaveLength(1);
    expect(await snapshot(db)).toEqual(before);
    // a write command upgrades it in place, and marks it as ours
    await m.acceptChecksum('20240101000001', 'test');
    await m.up();
    expect((await m.status()).map((e) => e.status)).toEqual(['applied', 'applied']);
    const after = await snapshot(db);
    expect(after.columns.map((c) => c.column_name)).toEqual(expect.arrayContaining(RELEASE_COLUMNS.map(([n]) => n)));
    expect(after.comment[0].comment).toMatch(/^migrate-lens tracking table/);
  });

  it.each([
    ['golang-migrate', 'version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL', `(20240101000001, false)`],
    ['dbmate or Rails (Active Record)', 'version varchar(128) PRIMARY KEY', `('20240101000001')`],
    ['Ecto', 'version bigint PRIMARY KEY, inserted_at timestamp(0)', `(20240101000001, now())`],
    ['goose', 'id serial PRIMARY KEY, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp DEFAULT now()', `(DEFAULT, 20240101000001, true, DEFAULT)`],
    [null, 'version text PRIMARY KEY, applied boolean', `('20240101000001', true)`],
  ])('a table of another tool (%s) is never altered or written: every command refuses, naming the tool', async (tool, columns, values) => {
    await db.exec(`CREATE TABLE schema_migrations (${columns}); INSERT INTO schema_migrations VALUES ${values}`);
    const before = await snapshot(db);
    const m = new Migrator({ db, migrationsDir: folder().dir });
    for (const [what, attempt] of [
      ['up', () => m.up()],
      ['status', () => m.status()],
      ['version', () => m.version()],
      ['down', () => m.down()],
      ['mark-applied', () => m.markApplied('20240101000002')],
      ['forget', () => m.forget('20240101000001')],
    ] as const) {
      const err = await (attempt as () => Promise<unknown>)().then(() => null, (e: unknown) => e);
      expect(err, what).toBeInstanceOf(ForeignTableError);
      expect((err as ForeignTableError).tool).toBe(tool);
      expect((err as Error).message).toContain(tool ? `was made by ${tool}` : 'was not made by migrate-lens');
      expect((err as Error).message).toContain('-table NAME');
    }
    expect(await snapshot(db)).toEqual(before);
    expect(await db.query(`SELECT 1 FROM pg_class WHERE relname IN ('a', 'b')`)).toEqual([]);
    // the way forward: our own table under another name
    const own = new Migrator({ db, migrationsDir: folder().dir, table: 'migrate_lens_history' });
    expect((await own.up()).applied).toHaveLength(2);
    expect(await snapshot(db)).toEqual(before);
  });
});
