// Reading a migrations folder: names, versions, encodings and checksums. Temp folders, no database.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkFileName, checksum, FILE_NAME_PATTERN, loadMigrations, loadMigrationsAsync, ParseError } from '../../src/engine/internal';

const OK = '-- +migrate Up\nCREATE TABLE t (id int);\n-- +migrate Down\nDROP TABLE t;\n';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'migrate-lens-source-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function put(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function loadError(folder = dir): Promise<ParseError> {
  try {
    await loadMigrations(folder);
  } catch (err) {
    expect(err).toBeInstanceOf(ParseError);
    return err as ParseError;
  }
  throw new Error('expected a ParseError');
}

describe('loadMigrationsAsync', () => {
  it('reads the same migrations as loadMigrations, letting the event loop in between slices', async () => {
    for (let i = 1; i <= 50; i++) put(`202401010000${String(i).padStart(2, '0')}_m${i}.sql`, OK.replace('t (', `t${i} (`));
    let ticks = 0;
    let reading = true;
    const tick = () => {
      if (!reading) return;
      ticks++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const read = await loadMigrationsAsync(dir, { sliceMs: 0 }); // a yield every 16 files
    reading = false;
    expect(ticks).toBeGreaterThanOrEqual(3);
    const plain = loadMigrations(dir);
    expect(read.map((m) => [m.version, m.name, m.path, m.checksum, m.text])).toEqual(plain.map((m) => [m.version, m.name, m.path, m.checksum, m.text]));
    expect(read[49].parsed).toEqual(plain[49].parsed);
  });

  it('rejects with the same file:line errors', async () => {
    for (let i = 1; i <= 20; i++) put(`202401010000${String(i).padStart(2, '0')}_ok${i}.sql`, OK);
    const bad = put('20240101000030_bad.sql', '-- +migrate Up\nSELECT 1;\n-- +migrate Sideways\n');
    const err = await loadMigrationsAsync(dir, { sliceMs: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).message).toBe((await loadError()).message);
    expect((err as ParseError).message).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: unknown directive`));
    const missing = await loadMigrationsAsync(join(dir, 'nope')).catch((e: unknown) => e);
    expect((missing as ParseError).message).toBe(`${join(dir, 'nope')}: cannot read the migrations folder (ENOENT)`);
  });
});

describe('loadMigrations', () => {
  it('returns file migrations sorted by version, with name, path, text, checksum and parsed sections', async () => {
    put('20240301000000_third.sql', OK);
    put('20240101000000_first.sql', OK);
    put('20240201000000_second_one.sql', OK);
    const ms = await loadMigrations(dir);
    expect(ms.map((m) => [m.version, m.name])).toEqual([
      ['20240101000000', 'first'],
      ['20240201000000', 'second_one'],
      ['20240301000000', 'third'],
    ]);
    expect(ms[0]).toMatchObject({ kind: 'file', path: join(dir, '20240101000000_first.sql'), text: OK, checksum: checksum(OK) });
    expect(ms[0].parsed?.up.statements[0]).toEqual({ sql: 'CREATE TABLE t (id int)', line: 2 });
    expect(ms[0].parsed?.down?.statements[0]).toEqual({ sql: 'DROP TABLE t', line: 4 });
  });

  it('ignores files that are not .sql, and folders', async () => {
    put('20240101000000_first.sql', OK);
    put('README.md', '# notes; not a migration');
    put('.gitkeep', '');
    put('20240102000000_draft.sql.bak', 'garbage');
    mkdirSync(join(dir, 'archive'));
    mkdirSync(join(dir, '20240103000000_folder.sql'));
    expect((await loadMigrations(dir)).map((m) => m.version)).toEqual(['20240101000000']);
  });

  it('returns an empty list for an empty folder and names a folder that cannot be read', async () => {
    expect(await loadMigrations(dir)).toEqual([]);
    const err = await loadError(join(dir, 'nope'));
    expect(err.message).toBe(`${join(dir, 'nope')}: cannot read the migrations folder (ENOENT)`);
  });

  it.each(['add_users.sql', '20240101000000_add users.sql', '20240101000000_.sql', '20240101000000-.sql', '20240101000000_x.SQL', 'V1__init.sql'])(
    'refuses the badly named .sql file %s',
    async (name) => {
      const path = put(name, OK);
      const err = await loadError();
      expect(err.file).toBe(path);
      expect(err.message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: bad file name: expected YYYYMMDDHHMMSS_name\\.sql`));
    },
  );

  it.each(['2024_add_users.sql', '202401010000001_x.sql', '1_init.sql', '2023-01-20.0-initial.sql', '00001_create.sql'])(
    'refuses a number that is not 14 digits in %s, suggesting adopt --rename (no goose directives in it)',
    async (name) => {
      const path = put(name, OK);
      const err = await loadError();
      expect(err.message).toBe(
        `${path}: bad file name: version ${/^\d+/.exec(name)![0]} is not a 14-digit timestamp (YYYYMMDDHHMMSS_name.sql); ` +
          'files named for sql-migrate or golang-migrate are renamed, keeping their order, by "migrate-lens adopt -from TOOL --rename"',
      );
    },
  );

  it("reads sql-migrate new's dash form YYYYMMDDHHMMSS-name.sql like the underscore form", async () => {
    put('20261130021837-add_user_authentication.sql', OK);
    put('20261130021838_add-roles.sql', OK);
    const ms = loadMigrations(dir);
    expect(ms.map((m) => [m.version, m.name])).toEqual([
      ['20261130021837', 'add_user_authentication'],
      ['20261130021838', 'add-roles'],
    ]);
    put('20261130021837_again.sql', OK);
    expect((await loadError()).message).toContain('duplicate version 20261130021837');
  });

  it.each([
    ['20241301000000_x.sql', 'month must be 01-12'],
    ['20240100000000_x.sql', 'day must be 01-31'],
    ['20240101250000_x.sql', 'time must be HHMMSS'],
    ['20240101006000_x.sql', 'time must be HHMMSS'],
    ['20240101000060_x.sql', 'time must be HHMMSS'],
  ])('accepts the 14-digit version that is not a clock time in %s, with a warning', (name, reason) => {
    put('20240101000001_first.sql', OK);
    put(name, OK);
    const ms = loadMigrations(dir);
    const odd = ms.find((m) => m.version === name.slice(0, 14))!;
    expect(odd.warning).toMatch(new RegExp(`^version ${name.slice(0, 14)} is not a valid timestamp \\(${reason}.*\\); it is accepted and ordered by its digits$`));
    expect(ms.find((m) => m.version === '20240101000001')!.warning).toBeUndefined();
    expect(ms.map((m) => m.version)).toEqual([...ms.map((m) => m.version)].sort());
  });

  it("reads goose's numbered files by version: 00001_x.sql is 1, ordered by number, duplicates refused", async () => {
    const goose = '-- +goose Up\nSELECT 1;\n-- +goose Down\nSELECT 2;\n';
    put('00001_create.sql', goose);
    put('00002_more.sql', goose);
    put('10_later.sql', goose);
    put('9_between.sql', goose);
    put('20240101120000_timestamped.sql', goose);
    const ms = loadMigrations(dir);
    expect(ms.map((m) => [m.version, m.name])).toEqual([
      ['1', 'create'],
      ['2', 'more'],
      ['9', 'between'],
      ['10', 'later'],
      ['20240101120000', 'timestamped'],
    ]);
    expect(ms[0].parsed!.up.statements[0].sql).toBe('SELECT 1');
    put('01_again.sql', goose);
    expect((await loadError()).message).toMatch(/duplicate version 1: also used by .*(00001_create|01_again)\.sql$/);
  });

  it('refuses two files with one version, naming both', async () => {
    const a = put('20240101000000_a.sql', OK);
    const b = put('20240101000000_b.sql', OK);
    const err = await loadError();
    expect(err.message).toBe(`${b}: duplicate version 20240101000000: also used by ${a}`);
  });

  it('reports a parse error with the file path and line', async () => {
    const path = put('20240101000000_bad.sql', '-- +migrate Up\nSELECT 1;\n-- +migrate Sideways\n');
    const err = await loadError();
    expect(err.file).toBe(path);
    expect(err.line).toBe(3);
    expect(err.message).toMatch(new RegExp(`:3: unknown directive "-- \\+migrate Sideways"`));
  });

  it('refuses a binary file, naming the line of the NUL byte', async () => {
    const path = put('20240101000000_bin.sql', Buffer.from('-- +migrate Up\nSELECT 1;\nSELECT \u0000;\n', 'utf8'));
    const err = await loadError();
    expect(err.message).toBe(`${path}:3: binary file: NUL byte; a migration is UTF-8 text`);
  });

  it('refuses invalid UTF-8, naming the line', async () => {
    const latin1 = Buffer.concat([Buffer.from('-- +migrate Up\nSELECT 1;\n\nSELECT \'caf'), Buffer.from([0xe9]), Buffer.from("';\n")]);
    const path = put('20240101000000_latin1.sql', latin1);
    const err = await loadError();
    expect(err.message).toBe(`${path}:4: not valid UTF-8 text; save the file as UTF-8`);
  });

  it('gives CRLF, LF and BOM copies of a file the same checksum and text', async () => {
    put('20240101000000_lf.sql', OK);
    put('20240102000000_crlf.sql', OK.replace(/\n/g, '\r\n'));
    put('20240103000000_bom.sql', '\ufeff' + OK.replace(/\n/g, '\r\n'));
    const [lf, crlf, bom] = await loadMigrations(dir);
    expect(crlf.checksum).toBe(lf.checksum);
    expect(bom.checksum).toBe(lf.checksum);
    expect(crlf.text).toBe(OK);
    expect(crlf.parsed).toEqual(lf.parsed);
    // …and a real change is still a change.
    expect(checksum(OK + ' ')).not.toBe(lf.checksum);
  });

  it('exposes the file name pattern', () => {
    expect(FILE_NAME_PATTERN.exec('20240101000000_add_users.sql')?.slice(1)).toEqual(['20240101000000', 'add_users']);
    expect(FILE_NAME_PATTERN.test('20240101000000_add_users.sql.orig')).toBe(false);
  });
});

describe('checkFileName', () => {
  it('gives the version and name of a good name, and the reason for a bad one', () => {
    expect(checkFileName('20240101120000_add_users.sql')).toEqual({ version: '20240101120000', name: 'add_users' });
    expect(checkFileName('add_users.sql')).toEqual({ reason: expect.stringMatching(/^bad file name: expected YYYYMMDDHHMMSS_name\.sql/) });
    expect(checkFileName('20241301120000_x.sql')).toEqual({
      version: '20241301120000',
      name: 'x',
      warning: 'version 20241301120000 is not a valid timestamp (month must be 01-12 (YYYYMMDDHHMMSS)); it is accepted and ordered by its digits',
    });
    expect(checkFileName('20241130120000-x.sql')).toEqual({ version: '20241130120000', name: 'x' });
  });
});
