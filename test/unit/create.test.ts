// New migration files: names, UTC timestamps, same-second collisions and the template.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMigrationFile, FILE_NAME_PATTERN, loadMigrations, migrationTemplate, parseMigration, snakeName, timestamp } from '../../src/engine/internal';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'migrate-lens-create-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('snakeName', () => {
  it.each([
    ['Add Users', 'add_users'],
    ['Add Users Table!', 'add_users_table'],
    ['addUsersTable', 'add_users_table'],
    ['  add--users  ', 'add_users'],
    ['v2 backfill', 'v2_backfill'],
    ['already_snake', 'already_snake'],
    ['drop "orders"; --', 'drop_orders'],
  ])('%j -> %j', (input, expected) => {
    expect(snakeName(input)).toBe(expected);
    expect(FILE_NAME_PATTERN.test(`20240101000000_${snakeName(input)}.sql`)).toBe(true);
  });

  it('refuses a name with no letters or digits', () => {
    expect(() => snakeName(' -- !! ')).toThrow(/no letters or digits/);
  });
});

describe('timestamp', () => {
  it('is YYYYMMDDHHMMSS in UTC, whatever the local zone', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'Pacific/Kiritimati'; // UTC+14: local date differs from the UTC date
    try {
      expect(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)).getDate()).toBe(2);
      expect(new Date(Date.UTC(2024, 0, 2, 13, 0, 0)).getDate()).toBe(3);
      expect(timestamp(new Date(Date.UTC(2024, 0, 2, 13, 0, 0)))).toBe('20240102130000');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
    expect(timestamp(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)))).toBe('20240102030405');
    expect(timestamp(new Date('2024-12-31T23:59:59.999Z'))).toBe('20241231235959');
    expect(timestamp(new Date('2024-06-01T00:30:00+05:00'))).toBe('20240531193000');
  });
});

describe('migrationTemplate', () => {
  const created = new Date('2024-05-06T07:08:09.123Z');
  const text = migrationTemplate('Add Users', created);

  it('holds an empty Up and an empty Down that parse', () => {
    expect(text).toMatch(/^-- \+migrate Up$/m);
    expect(text).toMatch(/^-- \+migrate Down$/m);
    const parsed = parseMigration(text);
    expect(parsed.up).toEqual({ line: 1, noTransaction: false, statements: [] });
    expect(parsed.down?.statements).toEqual([]);
    expect(parsed.down!.line).toBeGreaterThan(1);
  });

  it('names the migration and its creation time', () => {
    expect(text).toContain('Add Users');
    expect(text).toContain('2024-05-06 07:08:09 UTC');
  });
});

describe('createMigrationFile', () => {
  const now = new Date('2024-05-06T07:08:09.500Z');

  it('writes YYYYMMDDHHMMSS_snake_name.sql with the template, creating the folder', () => {
    const target = join(dir, 'db', 'migrations');
    const path = createMigrationFile(target, 'Add Users', now);
    expect(basename(path)).toBe('20240506070809_add_users.sql');
    expect(readFileSync(path, 'utf8')).toBe(migrationTemplate('Add Users', new Date('2024-05-06T07:08:09.000Z')));
  });

  it('gives files made in the same second consecutive versions', () => {
    const paths = [createMigrationFile(dir, 'one', now), createMigrationFile(dir, 'two', now), createMigrationFile(dir, 'three', now)];
    expect(paths.map((p) => basename(p))).toEqual(['20240506070809_one.sql', '20240506070810_two.sql', '20240506070811_three.sql']);
    expect(readdirSync(dir)).toHaveLength(3);
  });

  it('steps over a taken version into the next minute', () => {
    writeFileSync(join(dir, '20240506070859_existing.sql'), '-- +migrate Up\n');
    expect(basename(createMigrationFile(dir, 'next', new Date('2024-05-06T07:08:59Z')))).toBe('20240506070900_next.sql');
  });

  it('writes files that load as migrations', async () => {
    createMigrationFile(dir, 'First Table', now);
    createMigrationFile(dir, 'Second Table', now);
    const ms = await loadMigrations(dir);
    expect(ms.map((m) => [m.version, m.name])).toEqual([
      ['20240506070809', 'first_table'],
      ['20240506070810', 'second_table'],
    ]);
  });
});
