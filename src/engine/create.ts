import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateError } from './errors';

/** `Add Users Table!` → `add_users_table`. */
export function snakeName(name: string): string {
  const snake = name
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!snake) throw new StateError(`"${name}" has no letters or digits to name a migration with`);
  return snake;
}

/** `YYYYMMDDHHMMSS` in UTC, so a team in several time zones sorts the same way. */
export function timestamp(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}`;
}

/** The text of a new migration: Up with a description and creation time, Down with a rollback note. */
export function migrationTemplate(name: string, created: Date): string {
  // One line: a name with line breaks must not put text outside the comments.
  const title = name.trim().replace(/\s+/g, ' ');
  return `-- +migrate Up
-- Description: ${title}
-- Created: ${created.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}


-- +migrate Down
-- Rollback: undo "${title}"

`;
}

/**
 * Writes `YYYYMMDDHHMMSS_snake_name.sql` into dir and returns its path. Two files made in the same
 * second get consecutive versions instead of one overwriting the other.
 */
export function createMigrationFile(dir: string, name: string, now = new Date()): string {
  const snake = snakeName(name);
  mkdirSync(dir, { recursive: true });
  const taken = new Set(readdirSync(dir).map((f) => f.slice(0, 14)));
  let when = new Date(Math.floor(now.getTime() / 1000) * 1000);
  while (taken.has(timestamp(when))) when = new Date(when.getTime() + 1000);
  const path = join(dir, `${timestamp(when)}_${snake}.sql`);
  if (existsSync(path)) throw new StateError(`${path} already exists`);
  writeFileSync(path, migrationTemplate(name, when), { flag: 'wx' });
  return path;
}
