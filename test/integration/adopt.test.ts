// adopt on each tool's own history: sql-migrate (the Debian package, run for real), dbmate (the npm
// package, run for real), goose and golang-migrate (their tables made with the DDL their own sources
// use, see test/fixtures/adopt/<tool>/*.sql, since neither registry carries them).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMigration } from '../../src/engine/parser';
import { applyChanges, JOURNAL } from '../../src/engine/adopt/files';
import { adoptDatabases, catalogSnapshot, cli, fixtureProject, has, schemaDump } from '../support/adopt';
import type { TestDatabase } from '../support/pg';

const SQL_MIGRATE = has('sql-migrate', ['--version']);
const DBMATE = resolve(__dirname, '..', '..', 'node_modules', '.bin', 'dbmate');

const { database } = adoptDatabases();

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
interface OurRow { version: string; name: string; checksum: string; status: string; batch: number; applied_at: Date; script: string; note: string; execution_time_ms: number | null }
const ours = (db: TestDatabase, table = 'schema_migrations') =>
  db.query<OurRow>(`SELECT version::text, name, checksum, status, batch, applied_at, script, note, execution_time_ms FROM ${table} ORDER BY version`);
const tableExists = async (db: TestDatabase, table: string) => (await db.query<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [table]))[0].t !== null;

/** Runs a migration file's Up section as another tool would have: its statements, one by one. */
async function applyUp(db: TestDatabase, text: string): Promise<void> {
  for (const s of parseMigration(text).up.statements) await db.query(s.sql);
}

function dbconfig(dir: string, db: TestDatabase): void {
  const u = new URL(db.url);
  const password = u.password ? ` password=${decodeURIComponent(u.password)}` : '';
  writeFileSync(
    join(dir, 'dbconfig.yml'),
    `development:\n  dialect: postgres\n  datasource: host=${u.hostname} port=${u.port || 5432} user=${decodeURIComponent(u.username)}${password} dbname=${db.name} sslmode=disable\n  dir: migrations\n`,
  );
}

describe.skipIf(!SQL_MIGRATE)('adopt -from sql-migrate (the real sql-migrate from Debian)', () => {
  it('takes over what sql-migrate applied, renames in its order with git mv, and up finishes with the same schema', async () => {
    const p = fixtureProject('sql-migrate');
    const all = fixtureProject('sql-migrate');
    try {
      const db = await database('ml_adopt_sqlm');
      const reference = await database('ml_adopt_sqlm_ref');
      dbconfig(p.dir, db);
      dbconfig(all.dir, reference);
      execFileSync('sql-migrate', ['up', '-limit=3'], { cwd: p.dir });
      execFileSync('sql-migrate', ['up'], { cwd: all.dir });
      const gorp = await db.query(`SELECT id, applied_at FROM gorp_migrations ORDER BY id`);
      expect(gorp.map((r) => r.id)).toEqual(['10_touch.sql', '1_init.sql', '2_profiles.sql']);
      const before = readdirSync(p.migrations).sort();

      // Names we cannot take as versions: refused, with the way out, and nothing changed.
      const plain = await cli(['adopt', '-config', 'dbconfig.yml', '-from', 'sql-migrate'], p.dir);
      expect(plain.code).toBe(1);
      expect(plain.stderr).toMatch(/1_init\.sql, 2_profiles\.sql, 10_touch\.sql, .*: names migrate-lens cannot take as versions; run adopt with --rename/);
      expect(await tableExists(db, 'schema_migrations')).toBe(false);

      // --dry-run: the mapping, and still nothing changed.
      const dry = await cli(['adopt', '-config', 'dbconfig.yml', '-from', 'sql-migrate', '--rename', '--dry-run'], p.dir);
      expect(dry.stderr).toBe('');
      expect(dry.code).toBe(0);
      expect(dry.stdout).toMatch(/^Would adopt 3 entries of "public"\."gorp_migrations" \(sql-migrate\) into "public"\."schema_migrations" as applied, batch 1:$/m);
      expect(dry.stdout).toMatch(/^SQL-MIGRATE ID\s+VERSION\s+FILE\s+APPLIED AT$/m);
      expect(dry.stdout).toMatch(/^1_init\.sql\s+(\d{14})\s+\1_init\.sql\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/m);
      expect(dry.stdout).toContain('Nothing was changed (--dry-run).');
      expect(readdirSync(p.migrations).sort()).toEqual(before);
      expect(await tableExists(db, 'schema_migrations')).toBe(false);

      const adopted = await cli(['adopt', '-config', 'dbconfig.yml', '-from', 'sql-migrate', '--rename'], p.dir);
      expect(adopted.stderr).toBe('');
      expect(adopted.code).toBe(0);
      expect(adopted.stdout).toMatch(/Changed 5 files \(git mv\):\n {2}1_init\.sql -> \d{14}_init\.sql\n {2}2_profiles\.sql -> \d{14}_profiles\.sql\n {2}10_touch\.sql -> \d{14}_touch\.sql\n {2}2023-01-20\.0-audit\.sql -> \d{14}_2023-01-20_0-audit\.sql\n {2}2023-01-20\.1-audit-index\.sql -> \d{14}_2023-01-20_1-audit-index\.sql\n/);
      // sql-migrate's order (by leading number, then name) is ours now: the renamed names sort the same way.
      const after = readdirSync(p.migrations).sort();
      expect(after.map((f) => f.replace(/^\d{14}_/, ''))).toEqual(['init.sql', 'profiles.sql', 'touch.sql', '2023-01-20_0-audit.sql', '2023-01-20_1-audit-index.sql']);
      expect(p.git('status', '--porcelain').split('\n').filter((l) => l.startsWith('R '))).toHaveLength(5);

      const rows = await ours(db);
      expect(rows.map((r) => r.name)).toEqual(['init', 'profiles', 'touch']);
      for (const [i, r] of rows.entries()) {
        const file = readFileSync(join(p.migrations, after[i]), 'utf8');
        expect(r).toMatchObject({ status: 'applied', batch: 1, checksum: sha256(file), script: file, execution_time_ms: null });
        expect(r.note).toMatch(new RegExp(`^adopted from sql-migrate \\(id ${['1_init', '2_profiles', '10_touch'][i]}\\.sql\\) at \\d{4}-.*Z by \\S+$`));
      }
      const appliedAt = new Map(gorp.map((g) => [g.id, (g.applied_at as Date).getTime()]));
      expect(rows.map((r) => r.applied_at.getTime())).toEqual([appliedAt.get('1_init.sql'), appliedAt.get('2_profiles.sql'), appliedAt.get('10_touch.sql')]);

      // Twice: nothing changes.
      const again = await cli(['adopt', '-config', 'dbconfig.yml', '-from', 'sql-migrate', '--rename'], p.dir);
      expect(again.stdout).toContain('Nothing to adopt: all 3 entries of "public"."gorp_migrations" (sql-migrate) are already in "public"."schema_migrations".');
      expect(await ours(db)).toEqual(rows);
      expect(readdirSync(p.migrations).sort()).toEqual(after);

      const up = await cli(['up', '-config', 'dbconfig.yml'], p.dir);
      expect(up.stderr).toBe('');
      expect(up.stdout).toMatch(/Applied 2 migrations in batch 2/);
      expect(await db.query(`SELECT id, applied_at FROM gorp_migrations ORDER BY id`)).toEqual(gorp);

      const exclude = ['gorp_migrations', 'schema_migrations'];
      expect(await catalogSnapshot(db, exclude)).toBe(await catalogSnapshot(reference, exclude));
      const [a, b] = [await schemaDump(db, exclude), await schemaDump(reference, exclude)];
      if (a !== null) expect(a).toBe(b);
    } finally {
      p.remove();
      all.remove();
    }
  }, 120_000);

  it('refuses a file applied out of sql-migrate\'s order and an entry with no file, changing nothing', async () => {
    const p = fixtureProject('sql-migrate');
    try {
      const db = await database('ml_adopt_sqlm_bad');
      dbconfig(p.dir, db);
      execFileSync('sql-migrate', ['up', '-limit=3'], { cwd: p.dir });
      await db.query(`DELETE FROM gorp_migrations WHERE id = '2_profiles.sql'`);
      const gap = await cli(['adopt', '-config', 'dbconfig.yml', '-from', 'sql-migrate', '--rename'], p.dir);
      expect(gap.code).toBe(1);
      expect(gap.stderr).toBe(
        "error: 10_touch.sql is applied but 2_profiles.sql, before it in sql-migrate's order, is not: a file applied out of sql-migrate's order; apply or remove 2_profiles.sql with sql-migrate first\n",
      );
      await db.query(`INSERT INTO gorp_migrations (id, applied_at) VALUES ('2_profiles.sql', now()), ('7_gone.sql', now())`);
      const gone = await cli(['adopt', '-config', 'dbconfig.yml', '-from', 'sql-migrate', '--rename'], p.dir);
      expect(gone.stderr).toMatch(/^error: "public"\."gorp_migrations" records "7_gone\.sql" as applied, but .*migrations has no such file; restore it before adopting\n$/);
      expect(await tableExists(db, 'schema_migrations')).toBe(false);
      expect(p.git('status', '--porcelain', 'migrations')).toBe('');
    } finally {
      p.remove();
    }
  }, 60_000);
});

describe('adopt -from dbmate (the real dbmate from npm)', () => {
  it('needs another name for our table, converts the files in place, and up runs the rest', async () => {
    const p = fixtureProject('dbmate');
    const first = mkdtempSync(join(tmpdir(), 'ml-dbmate-first-'));
    try {
      const db = await database('ml_adopt_dbmate');
      for (const f of readdirSync(p.migrations).sort().slice(0, 2)) cpSync(join(p.migrations, f), join(first, f));
      const url = `${db.url}?sslmode=disable`;
      execFileSync(DBMATE, ['--url', url, '--migrations-dir', first, '--no-dump-schema', 'up'], { stdio: 'pipe' });
      const theirs = await db.query(`SELECT version FROM schema_migrations ORDER BY version`);
      expect(theirs).toEqual([{ version: '20240110090000' }, { version: '20240111090000' }]);
      const env = { DATABASE_URL: db.url };

      const clash = await cli(['adopt', '-from', 'dbmate'], p.dir, env);
      expect(clash.code).toBe(1);
      expect(clash.stderr).toContain(
        `dbmate keeps its history in "public"."schema_migrations", the table migrate-lens would use; migrate-lens never converts another tool's table in place. Give migrate-lens's table another name: adopt -from dbmate -table migrate_lens_migrations`,
      );

      const adopted = await cli(['adopt', '-from', 'dbmate', '-table', 'ml_history'], p.dir, env);
      expect(adopted.stderr).toBe('');
      expect(adopted.stdout).toContain('  20240111090000_teams_name_index.sql -> 20240111090000_teams_name_index.sql (converted)');
      const converted = readFileSync(join(p.migrations, '20240111090000_teams_name_index.sql'), 'utf8');
      expect(converted).toBe('-- +migrate Up notransaction\ncreate index concurrently teams_name on teams (name);\n\n-- +migrate Down\ndrop index teams_name;\n');
      expect(p.git('status', '--porcelain', 'migrations').trim().split('\n')).toEqual([
        'M  migrations/20240110090000_create_teams.sql',
        'M  migrations/20240111090000_teams_name_index.sql',
        'M  migrations/20240112090000_members.sql',
      ]);
      const rows = await ours(db, 'ml_history');
      expect(rows.map((r) => [r.version, r.status, r.batch])).toEqual([['20240110090000', 'applied', 1], ['20240111090000', 'applied', 1]]);
      expect(rows[1].checksum).toBe(sha256(converted));
      expect(await db.query(`SELECT version FROM schema_migrations ORDER BY version`)).toEqual(theirs);

      const up = await cli(['up', '-table', 'ml_history'], p.dir, env);
      expect(up.stdout).toMatch(/Applied 20240112090000_members/);
      expect(await tableExists(db, 'members')).toBe(true);
      expect((await cli(['adopt', '-from', 'dbmate', '-table', 'ml_history'], p.dir, env)).stdout).toContain('Nothing to adopt');
    } finally {
      p.remove();
      rmSync(first, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('adopt -from goose (goose_db_version as goose creates it)', () => {
  it('reads the latest row per version with its time; goose files stay as they are and up runs the rest', async () => {
    const p = fixtureProject('goose');
    try {
      const db = await database('ml_adopt_goose');
      await db.query(readFileSync(join(p.dir, 'goose_db_version.sql'), 'utf8'));
      for (const f of ['00001_create_users.sql', '00002_users_name_index.sql']) await applyUp(db, readFileSync(join(p.migrations, f), 'utf8'));
      await db.query(`INSERT INTO goose_db_version (version_id, is_applied, tstamp) VALUES (1, true, '2024-03-01 10:00:00'), (2, true, '2024-03-02 11:00:00')`);
      const env = { DATABASE_URL: db.url, PGTZ: 'UTC' };

      const adopted = await cli(['adopt', '-from', 'goose'], p.dir, env);
      expect(adopted.stderr).toBe('');
      expect(adopted.stdout).toMatch(/^1\s+1\s+00001_create_users\.sql\s+2024-03-01 10:00:00$/m);
      expect(adopted.stdout).not.toContain('Changed');
      expect(p.git('status', '--porcelain', 'migrations')).toBe('');
      const rows = await ours(db);
      expect(rows.map((r) => [r.version, r.name])).toEqual([['1', 'create_users'], ['2', 'users_name_index']]);
      expect(rows[0].applied_at.toISOString()).toBe('2024-03-01T10:00:00.000Z');

      const up = await cli(['up'], p.dir, env);
      expect(up.stdout).toMatch(/Applied 3_greeting/);
      expect(await db.query(`SELECT greeting('goose') AS g`)).toEqual([{ g: 'hello, goose' }]);
      const status = JSON.parse((await cli(['status', '--json'], p.dir, env)).stdout);
      expect(status.map((e: { status: string }) => e.status)).toEqual(['applied', 'applied', 'applied']);
    } finally {
      p.remove();
    }
  }, 60_000);

  it('refuses a version with no file, and goose\'s own version 0 row is not one', async () => {
    const p = fixtureProject('goose');
    try {
      const db = await database('ml_adopt_goose_nofile');
      await db.query(readFileSync(join(p.dir, 'goose_db_version.sql'), 'utf8'));
      await db.query(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true), (1, true), (9, true)`);
      const refused = await cli(['adopt', '-from', 'goose'], p.dir, { DATABASE_URL: db.url });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^error: "public"\."goose_db_version" records version 9 as applied, but .*migrations has no such file; restore it before adopting\n$/);
      expect(await tableExists(db, 'schema_migrations')).toBe(false);
    } finally {
      p.remove();
    }
  }, 60_000);

  it('refuses when the latest row of a version says is_applied = false', async () => {
    const p = fixtureProject('goose');
    try {
      const db = await database('ml_adopt_goose_bad');
      await db.query(readFileSync(join(p.dir, 'goose_db_version.sql'), 'utf8'));
      await db.query(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (1, true), (2, true), (2, false)`);
      const refused = await cli(['adopt', '-from', 'goose'], p.dir, { DATABASE_URL: db.url });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('the latest row of version 2 has is_applied = false (goose rolled it back)');
      expect(await tableExists(db, 'schema_migrations')).toBe(false);
    } finally {
      p.remove();
    }
  }, 60_000);
});

describe('adopt -from golang-migrate (schema_migrations as its postgres driver creates it)', () => {
  it('joins up and down files into ours with --rename (git mv, git rm), everything up to the version applied', async () => {
    const p = fixtureProject('golang-migrate');
    try {
      const db = await database('ml_adopt_gm');
      await db.query(readFileSync(join(p.dir, 'schema_migrations.sql'), 'utf8'));
      for (const f of ['000001_create_products.up.sql', '000002_add_price.up.sql']) await db.query(readFileSync(join(p.migrations, f), 'utf8'));
      await db.query(`INSERT INTO schema_migrations (version, dirty) VALUES (2, false)`);
      const env = { DATABASE_URL: db.url };

      const norename = await cli(['adopt', '-from', 'golang-migrate', '-table', 'ml_history'], p.dir, env);
      expect(norename.stderr).toMatch(/000001_create_products\.up\.sql, 000002_add_price\.up\.sql, 000003_create_orders\.up\.sql: names migrate-lens cannot take as versions; run adopt with --rename/);

      const adopted = await cli(['adopt', '-from', 'golang-migrate', '-table', 'ml_history', '--rename'], p.dir, env);
      expect(adopted.stderr).toBe('');
      expect(adopted.stdout).toMatch(/ {2}000002_add_price\.up\.sql \+ 000002_add_price\.down\.sql -> (\d{14})_add_price\.sql \(converted\)/);
      const files = readdirSync(p.migrations).sort();
      expect(files.map((f) => f.replace(/^\d{14}_/, ''))).toEqual(['create_products.sql', 'add_price.sql', 'create_orders.sql']);
      const price = readFileSync(join(p.migrations, files[1]), 'utf8');
      expect(price).toBe(
        '-- +migrate Up\n-- BEGIN; (migrate-lens runs each migration in a transaction of its own)\nALTER TABLE products ADD COLUMN price_cents integer NOT NULL DEFAULT 0;\n' +
          'CREATE INDEX products_title ON products (title);\n-- COMMIT; (migrate-lens runs each migration in a transaction of its own)\n\n' +
          '-- +migrate Down\n-- BEGIN; (migrate-lens runs each migration in a transaction of its own)\nDROP INDEX products_title;\n' +
          'ALTER TABLE products DROP COLUMN price_cents;\n-- COMMIT; (migrate-lens runs each migration in a transaction of its own)\n',
      );
      const status = p.git('status', '--porcelain', 'migrations').trim().split('\n').sort();
      // Staged, for review: every original gone from the index (git rm / git mv), every new file in it.
      // (git shows a rename where the text stayed similar enough, else a deletion and an addition.)
      expect(status.filter((l) => /^D {2}migrations\/\d+_\w+\.down\.sql$/.test(l))).toHaveLength(3);
      expect(status.filter((l) => /^(A {2}|R {2}migrations\/\d+_\w+\.up\.sql -> )migrations\/\d{14}_\w+\.sql$/.test(l))).toHaveLength(3);
      expect(status.filter((l) => /\.up\.sql$/.test(l) && !l.startsWith('D '))).toEqual([]);
      expect((await ours(db, 'ml_history')).map((r) => [r.name, r.status])).toEqual([['create_products', 'applied'], ['add_price', 'applied']]);
      expect(await db.query(`SELECT version::int, dirty FROM schema_migrations`)).toEqual([{ version: 2, dirty: false }]);

      const up = await cli(['up', '-table', 'ml_history'], p.dir, env);
      expect(up.stdout).toMatch(/Applied \d{14}_create_orders/);
      // The converted Down runs too.
      const down = await cli(['down', '-table', 'ml_history'], p.dir, env);
      expect(down.stdout).toMatch(/Rolled back \d{14}_create_orders/);
    } finally {
      p.remove();
    }
  }, 60_000);

  it('refuses our table under its name, and a version with no file, changing nothing', async () => {
    const p = fixtureProject('golang-migrate');
    try {
      const db = await database('ml_adopt_gm_nofile');
      await db.query(readFileSync(join(p.dir, 'schema_migrations.sql'), 'utf8'));
      await db.query(`INSERT INTO schema_migrations (version, dirty) VALUES (7, false)`);
      const env = { DATABASE_URL: db.url };
      const clash = await cli(['adopt', '-from', 'golang-migrate', '--rename'], p.dir, env);
      expect(clash.code).toBe(1);
      expect(clash.stderr).toContain(`golang-migrate keeps its history in "public"."schema_migrations", the table migrate-lens would use; migrate-lens never converts another tool's table in place.`);
      const gone = await cli(['adopt', '-from', 'golang-migrate', '-table', 'ml_history', '--rename'], p.dir, env);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toMatch(/^error: "public"\."schema_migrations" records version 7 as applied, but .*migrations has no such file; restore it before adopting\n$/);
      expect(p.git('status', '--porcelain')).toBe('');
      expect(await tableExists(db, 'ml_history')).toBe(false);
      expect(await db.query(`SELECT version::int, dirty FROM schema_migrations`)).toEqual([{ version: 7, dirty: false }]);
    } finally {
      p.remove();
    }
  }, 60_000);

  it('refuses a dirty version and never touches the files', async () => {
    const p = fixtureProject('golang-migrate');
    try {
      const db = await database('ml_adopt_gm_dirty');
      await db.query(readFileSync(join(p.dir, 'schema_migrations.sql'), 'utf8'));
      await db.query(`INSERT INTO schema_migrations (version, dirty) VALUES (2, true)`);
      const refused = await cli(['adopt', '-from', 'golang-migrate', '-table', 'ml_history', '--rename'], p.dir, { DATABASE_URL: db.url });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('golang-migrate marks version 2 dirty (a migration failed half-way); repair the database and run "migrate force 2"');
      expect(p.git('status', '--porcelain')).toBe('');
      expect(await tableExists(db, 'ml_history')).toBe(false);
    } finally {
      p.remove();
    }
  }, 60_000);
});

describe('adopt killed between changing the folder and committing (kill -9, power cut)', () => {
  it('leaves a journal that stops up, and the next adopt puts the folder back and finishes', async () => {
    const p = fixtureProject('golang-migrate');
    try {
      const db = await database('ml_adopt_crash');
      await db.query(readFileSync(join(p.dir, 'schema_migrations.sql'), 'utf8'));
      await db.query(readFileSync(join(p.migrations, '000001_create_products.up.sql'), 'utf8'));
      await db.query(`INSERT INTO schema_migrations (version, dirty) VALUES (1, false)`);
      const env = { DATABASE_URL: db.url };
      // What a killed adopt leaves: the folder half changed (journal first), nothing committed.
      applyChanges(
        p.migrations,
        [{ sources: ['000001_create_products.up.sql', '000001_create_products.down.sql'], target: '20240101000000_create_products.sql', text: '-- +migrate Up\nSELECT 1;\n' }],
        true,
        '2026-01-01T00:00:00.000Z',
      );
      expect(existsSync(join(p.migrations, JOURNAL))).toBe(true);
      expect(existsSync(join(p.migrations, '000001_create_products.down.sql'))).toBe(false);

      const up = await cli(['up', '-table', 'ml_history'], p.dir, env);
      expect(up.code).toBe(1);
      expect(up.stderr).toContain(`${JOURNAL}: an adopt was interrupted here; run the same adopt command again`);
      expect(await tableExists(db, 'ml_history')).toBe(false);

      const adopted = await cli(['adopt', '-from', 'golang-migrate', '-table', 'ml_history', '--rename'], p.dir, env);
      expect(adopted.stderr).toBe('');
      expect(adopted.code).toBe(0);
      expect(existsSync(join(p.migrations, JOURNAL))).toBe(false);
      expect((await ours(db, 'ml_history')).map((r) => [r.name, r.status])).toEqual([['create_products', 'applied']]);
      const files = readdirSync(p.migrations).sort();
      expect(files.map((f) => f.replace(/^\d{14}_/, ''))).toEqual(['create_products.sql', 'add_price.sql', 'create_orders.sql']);
      // The converted file holds the real Up and Down again, not the half-written text.
      expect(readFileSync(join(p.migrations, files[0]), 'utf8')).toContain('CREATE TABLE IF NOT EXISTS products');
      expect((await cli(['up', '-table', 'ml_history'], p.dir, env)).stdout).toMatch(/Applied 2 migrations/);
    } finally {
      p.remove();
    }
  }, 60_000);
});

describe('adopt -from sql-migrate whose history table has another name', () => {
  it('-from-table, or the table: of a dbconfig.yml, names it; without either, the error says how', async () => {
    const p = fixtureProject('sql-migrate');
    try {
      const db = await database('ml_adopt_from_table');
      await db.query(`CREATE TABLE app_history (id text NOT NULL PRIMARY KEY, applied_at timestamp with time zone)`); // sql-migrate's DDL
      await db.query(`INSERT INTO app_history (id, applied_at) VALUES ('1_init.sql', '2024-05-01 08:00:00+00')`);
      const env = { DATABASE_URL: db.url };
      const missing = await cli(['adopt', '-from', 'sql-migrate', '--rename', '--dry-run'], p.dir, env);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe('error: there is no table "public"."gorp_migrations": is this the database sql-migrate migrates? (-from-table NAME if it keeps its history under another name)\n');
      const named = await cli(['adopt', '-from', 'sql-migrate', '-from-table', 'app_history', '--rename', '--dry-run'], p.dir, env);
      expect(named.stderr).toBe('');
      expect(named.stdout).toMatch(/^Would adopt 1 entry of "public"\."app_history" \(sql-migrate\) into "public"\."schema_migrations" as applied, batch 1:$/m);
      expect(named.stdout).toMatch(/^1_init\.sql\s+\d{14}\s+\d{14}_init\.sql\s+2024-05-01 08:00:00$/m);
      dbconfig(p.dir, db);
      writeFileSync(join(p.dir, 'dbconfig.yml'), readFileSync(join(p.dir, 'dbconfig.yml'), 'utf8') + '  table: app_history\n');
      const configured = await cli(['adopt', '-config', 'dbconfig.yml', '-from', 'sql-migrate', '--rename'], p.dir);
      expect(configured.stderr).toBe('');
      expect(configured.stdout).toMatch(/^Adopted 1 entry of "public"\."app_history" \(sql-migrate\)/m);
      expect((await ours(db)).map((r) => [r.name, r.status, r.applied_at.toISOString()])).toEqual([['init', 'applied', '2024-05-01T08:00:00.000Z']]);
      expect(await tableExists(db, 'gorp_migrations')).toBe(false);
    } finally {
      p.remove();
    }
  }, 60_000);
});
