// A fresh workspace folder: a copy of examples/migrations plus settings pointing at the test database.
import fs from 'node:fs';
import path from 'node:path';

export const MIGRATIONS_DIR = 'migrations';

/** Migration files of a folder, sorted, as the engine names them (14-digit version + name). */
export function migrationFiles(dir) {
  return fs.readdirSync(dir).filter((f) => /^\d{14}_[A-Za-z0-9_]+\.sql$/.test(f)).sort();
}

export function createWorkspace({ root, name, examplesDir, databaseUrl }) {
  const ws = path.join(root, name);
  fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
  fs.cpSync(examplesDir, path.join(ws, MIGRATIONS_DIR), { recursive: true });
  const files = migrationFiles(path.join(ws, MIGRATIONS_DIR));
  if (files.length === 0) throw new Error(`no migration files in ${examplesDir}`);
  fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({
    'migrateLens.connectionString': databaseUrl,
    'migrateLens.migrationsDir': MIGRATIONS_DIR,
  }, null, 2));
  return { dir: ws, migrationsDir: path.join(ws, MIGRATIONS_DIR), files };
}

/** "20240101120000_create_users.sql" -> { version: "20240101120000", name: "create_users" } */
export function parseFileName(file) {
  const m = /^(\d{14})_([A-Za-z0-9_]+)\.sql$/.exec(file);
  return m && { version: m[1], name: m[2] };
}

/** A UTC timestamp version like the engine's `create`: YYYYMMDDHHMMSS. */
export function timestampVersion(date = new Date()) {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}
