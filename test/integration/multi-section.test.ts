// Files with several -- +migrate Up / Down directives, or a Down before the Up, run as sql-migrate runs
// them: each direction's statements in file order, one transaction per direction unless any of its
// directives says notransaction. First on both backends with the runner alone, then against the real
// sql-migrate (Debian's binary; CI installs it): the same files, one database each, the same statements
// in the same order and the same transactions.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MigrationFailedError, Migrator, openDatabase, ParseError, type Database } from '../../src/engine/internal';
import { has } from '../support/adopt';
import { BACKENDS, useBackend } from '../support/backends';
import { migrationsFolder } from '../support/files';
import { createDatabase, getServer, type PgServer, type TestDatabase } from '../support/pg';

const run = promisify(execFile);
const LOG = 'CREATE TABLE log (seq serial PRIMARY KEY, tag text NOT NULL, xid bigint NOT NULL DEFAULT txid_current())';
const log = (tag: string) => `INSERT INTO log (tag) VALUES ('${tag}');`;

/** The log as tags and transactions: each row's xid replaced by the order its transaction first appears in. */
function normalise(rows: { tag: string; xid: string | number }[]): [string, number][] {
  const groups = new Map<string, number>();
  return rows.map((r) => {
    const key = String(r.xid);
    if (!groups.has(key)) groups.set(key, groups.size);
    return [r.tag, groups.get(key)!];
  });
}

// Up 1 / Down 1 / Up 2 / Down 2, the shape frain-dev/convoy uses.
const UP_DOWN_UP_DOWN = ['-- +migrate Up', log('up1-a'), log('up1-b'), '-- +migrate Down', log('down1-a'), '-- +migrate Up', log('up2-a'), '-- +migrate Down', log('down2-a'), log('down2-b'), ''].join('\n');
const DOWN_FIRST = ['-- +migrate Down', log('down1-a'), '', '-- +migrate Up', log('up1-a'), ''].join('\n');
// notransaction on the second Up only: sql-migrate runs the whole Up without a transaction.
const NOTX_SECOND_UP = ['-- +migrate Up', log('up1-a'), log('up1-b'), '-- +migrate Down', log('down1-a'), log('down1-b'), '-- +migrate Up notransaction', log('up2-a'), '-- +migrate Down', log('down2-a'), ''].join('\n');
const BLOCKS = [
  '-- +migrate Up',
  '-- +migrate StatementBegin',
  `DO $$ BEGIN ${log('up1-block')} END $$;`,
  '-- +migrate StatementEnd',
  '-- +migrate Down',
  log('down1-a'),
  '-- +migrate Up',
  '-- +migrate StatementBegin',
  `DO $$ BEGIN ${log('up2-block')} END $$;`,
  '-- +migrate StatementEnd',
  log('up2-b'),
  '-- +migrate Down',
  '-- +migrate StatementBegin',
  `${log('down2-block-a')}`,
  `${log('down2-block-b')}`,
  '-- +migrate StatementEnd',
  '',
].join('\n');
const EMPTY_DOWN_FIRST = ['-- +migrate Down', '-- nothing here', '', '-- +migrate Up', log('up1-a'), '-- +migrate Down', log('down2-a'), ''].join('\n');
const TWO_UPS = ['-- +migrate Up', log('a-up1'), '-- +migrate Up', log('a-up2'), '-- +migrate Down', log('a-down'), ''].join('\n');
const NOTX_SECOND_DOWN = ['-- +migrate Up', log('b-up'), '-- +migrate Down', log('b-down1-a'), log('b-down1-b'), '-- +migrate Down notransaction', log('b-down2-a'), ''].join('\n');

describe.each(BACKENDS)('several Up and Down directives in one file, on %s', (_label, makeBackend) => {
  const suite = useBackend(makeBackend);
  let db: Database;
  beforeEach(async () => {
    db = suite.db;
    await db.exec(LOG);
  });
  const logged = async () => normalise(await db.query<{ tag: string; xid: string }>('SELECT tag, xid::text AS xid FROM log ORDER BY seq'));

  it('up applies both Up parts in file order, in one transaction; down runs both Down parts in file order', async () => {
    const f = suite.folder({ '20240101000001_split.sql': UP_DOWN_UP_DOWN });
    const m = new Migrator({ db, migrationsDir: f.dir });
    await m.up();
    expect(await logged()).toEqual([['up1-a', 0], ['up1-b', 0], ['up2-a', 0]]);
    expect((await m.status())[0].status).toBe('applied');
    await db.exec('TRUNCATE log');
    await m.down();
    expect(await logged()).toEqual([['down1-a', 0], ['down2-a', 0], ['down2-b', 0]]);
    expect((await m.status())[0].status).toBe('rollback');
  });

  it('a failure in the second Up part rolls back the first part too, and names the statement counted across parts', async () => {
    const text = ['-- +migrate Up', log('up1-a'), '-- +migrate Down', log('down1-a'), '-- +migrate Up', log('up2-a'), 'SELECT 1 / 0;', ''].join('\n');
    const f = suite.folder({ '20240101000001_split.sql': text });
    const m = new Migrator({ db, migrationsDir: f.dir });
    const err = await m.up().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationFailedError);
    expect((err as MigrationFailedError).statementIndex).toBe(2);
    expect((err as MigrationFailedError).line).toBe(7);
    expect(await logged()).toEqual([]);
    expect((await m.status())[0].status).toBe('failed');
  });

  it('notransaction on the second Up only: the whole Up runs statement by statement, and a failure is partial with "statement N of M" across parts', async () => {
    const text = ['-- +migrate Up', log('up1-a'), log('up1-b'), '-- +migrate Down', log('down1-a'), '-- +migrate Up notransaction', log('up2-a'), 'SELECT 1 / 0;', ''].join('\n');
    const f = suite.folder({ '20240101000001_notx.sql': text });
    const m = new Migrator({ db, migrationsDir: f.dir });
    const err = await m.up().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationFailedError);
    expect((err as MigrationFailedError).statementIndex).toBe(3);
    expect((err as MigrationFailedError).line).toBe(8);
    // Each statement in its own transaction, as sql-migrate runs it: the ones before the failure stay.
    expect(await logged()).toEqual([['up1-a', 0], ['up1-b', 1], ['up2-a', 2]]);
    const [st] = await m.status();
    expect(st.status).toBe('partial');
    expect(st.row!.progress).toEqual({ direction: 'up', done: 3, total: 4 });
    expect(st.hint).toContain('3 of 4 statements of its Up completed; statement 4 (');
  });

  it('a Down before the Up runs only on down', async () => {
    const f = suite.folder({ '20240101000001_down_first.sql': DOWN_FIRST });
    const m = new Migrator({ db, migrationsDir: f.dir });
    await m.up();
    expect(await logged()).toEqual([['up1-a', 0]]);
    await db.exec('TRUNCATE log');
    await m.down();
    expect(await logged()).toEqual([['down1-a', 0]]);
  });
});

/** The same folder run by sql-migrate and by migrate-lens, each on its own database. */
describe.skipIf(!has('sql-migrate', ['--version']))('the same files as the real sql-migrate runs them (Debian\'s binary)', () => {
  let server: PgServer;
  const databases: TestDatabase[] = [];
  beforeAll(async () => {
    server = await getServer();
  });
  afterAll(async () => {
    for (const d of databases) await d.drop();
    await server?.close();
  });
  async function database(): Promise<TestDatabase> {
    const d = await createDatabase(server, 'ml_multisec');
    databases.push(d);
    await d.query(LOG);
    return d;
  }
  const logOf = async (d: TestDatabase) => normalise(await d.query<{ tag: string; xid: string }>('SELECT tag, xid::text AS xid FROM log ORDER BY seq'));

  async function sqlMigrate(dir: string, d: TestDatabase, verb: 'up' | 'down'): Promise<{ code: number; out: string }> {
    const u = new URL(d.url);
    const password = u.password ? ` password=${decodeURIComponent(u.password)}` : '';
    writeFileSync(
      join(dir, 'dbconfig.yml'),
      `x:\n  dialect: postgres\n  datasource: host=${u.hostname} port=${u.port || 5432} user=${decodeURIComponent(u.username)}${password} dbname=${d.name} sslmode=disable\n  dir: ${dir}\n`,
    );
    const args = [verb, '-config=dbconfig.yml', '-env=x', ...(verb === 'down' ? ['-limit=0'] : [])];
    try {
      const { stdout, stderr } = await run('sql-migrate', args, { cwd: dir });
      return { code: 0, out: stdout + stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, out: err.stdout + err.stderr };
    }
  }

  async function ours(dir: string, d: TestDatabase, verb: 'up' | 'down'): Promise<void> {
    const conn = await openDatabase({ kind: 'url', url: d.url, description: d.name });
    try {
      const m = new Migrator({ db: conn, migrationsDir: dir });
      await (verb === 'up' ? m.up() : m.reset());
    } finally {
      await conn.close();
    }
  }

  const cases: [string, Record<string, string>, boolean][] = [
    ['Up, Down, Up, Down', { '20240101000001_split.sql': UP_DOWN_UP_DOWN }, true],
    ['a Down before the Up', { '20240101000001_down_first.sql': DOWN_FIRST }, true],
    ['notransaction on the second Up only', { '20240101000001_notx.sql': NOTX_SECOND_UP }, true],
    ['StatementBegin blocks in both Ups and in the second Down', { '20240101000001_blocks.sql': BLOCKS }, true],
    ['an empty Down first, then Up and Down', { '20240101000001_empty_down.sql': EMPTY_DOWN_FIRST }, true],
    ['two Ups in a row; notransaction on the second Down only', { '20240101000001_two_ups.sql': TWO_UPS, '20240101000002_notx_down.sql': NOTX_SECOND_DOWN }, true],
  ];

  it.each(cases)('%s: the same statements, in the same order and transactions, on up and on down', async (_name, files, withDown) => {
    const f = migrationsFolder(files);
    try {
      const [theirs, mine] = [await database(), await database()];
      const up = await sqlMigrate(f.dir, theirs, 'up');
      expect(up.out).toMatch(/^Applied \d+ migrations?/);
      await ours(f.dir, mine, 'up');
      const upLog = await logOf(theirs);
      expect(upLog.length).toBeGreaterThan(0);
      expect(await logOf(mine)).toEqual(upLog);
      if (!withDown) return;
      await theirs.query('TRUNCATE log');
      await mine.query('TRUNCATE log');
      const down = await sqlMigrate(f.dir, theirs, 'down');
      expect(down.out).toMatch(/^Applied \d+ migrations?/);
      await ours(f.dir, mine, 'down');
      const downLog = await logOf(theirs);
      expect(downLog.length).toBeGreaterThan(0);
      expect(await logOf(mine)).toEqual(downLog);
    } finally {
      f.remove();
    }
  }, 60_000);

  it('both refuse a StatementBegin block that runs into a Down', async () => {
    const text = ['-- +migrate Up', '-- +migrate StatementBegin', log('block-a'), '-- +migrate Down', log('block-b'), '-- +migrate StatementEnd', ''].join('\n');
    const f = migrationsFolder({ '20240101000001_span.sql': text });
    try {
      const [theirs, mine] = [await database(), await database()];
      const up = await sqlMigrate(f.dir, theirs, 'up');
      expect(up.out).toMatch(/Error while parsing 20240101000001_span\.sql/);
      expect(await logOf(theirs)).toEqual([]);
      await expect(ours(f.dir, mine, 'up')).rejects.toThrow(/20240101000001_span\.sql:4: -- \+migrate Down inside the StatementBegin block opened on line 2/);
    } finally {
      f.remove();
    }
  }, 60_000);

  it('SQL before the first directive: sql-migrate skips it without a word, migrate-lens refuses the file (our one stricter rule here)', async () => {
    const text = [log('before-any-directive'), '-- +migrate Up', log('up1-a'), '-- +migrate Down', log('down1-a'), ''].join('\n');
    const f = migrationsFolder({ '20240101000001_before.sql': text });
    try {
      const [theirs, mine] = [await database(), await database()];
      await sqlMigrate(f.dir, theirs, 'up');
      expect(await logOf(theirs)).toEqual([['up1-a', 0]]);
      const err = await ours(f.dir, mine, 'up').then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ParseError);
      expect((err as ParseError).line).toBe(1);
      expect(await logOf(mine)).toEqual([]);
    } finally {
      f.remove();
    }
  }, 60_000);
});
