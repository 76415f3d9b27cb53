// A fresh workspace folder: a copy of examples/migrations plus settings pointing at the test database.
import fs from 'node:fs';
import path from 'node:path';

export const MIGRATIONS_DIR = 'migrations';

/** Migration files of a folder, sorted, as the engine names them (14-digit version + name). */
export function migrationFiles(dir) {
  return fs.readdirSync(dir).filter((f) => /^\d{14}_[A-Za-z0-9_]+\.sql$/.test(f)).sort();
}

/** `otherNames`: the folder holds another tool's names (1_init.sql), which `files` does not list. */
export function createWorkspace({ root, name, examplesDir, databaseUrl, otherNames = false }) {
  const ws = path.join(root, name);
  fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
  fs.cpSync(examplesDir, path.join(ws, MIGRATIONS_DIR), { recursive: true });
  const files = migrationFiles(path.join(ws, MIGRATIONS_DIR));
  if (files.length === 0 && !otherNames) throw new Error(`no migration files in ${examplesDir}`);
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

/**
 * A multi-root workspace: folders `app/` and `billing/`, each with its own `migrations/` (both start
 * with version 20240101000001, on purpose) and its own `.vscode/settings.json` naming its own
 * database, plus `multi.code-workspace` listing both. Returns the paths the tests need.
 */
export function createMultiRootWorkspace({ root, name, appUrl, billingUrl }) {
  const ws = path.join(root, name);
  const folder = (dir, url, files) => {
    fs.mkdirSync(path.join(ws, dir, '.vscode'), { recursive: true });
    fs.mkdirSync(path.join(ws, dir, MIGRATIONS_DIR), { recursive: true });
    for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(ws, dir, MIGRATIONS_DIR, file), text);
    fs.writeFileSync(path.join(ws, dir, '.vscode', 'settings.json'), JSON.stringify({ 'migrateLens.connectionString': url }, null, 2));
    return path.join(ws, dir);
  };
  const app = folder('app', appUrl, {
    '20240101000001_initial_tables.sql': '-- +migrate Up\nCREATE TABLE app_users (id int);\n\n-- +migrate Down\nDROP TABLE app_users;\n',
    '20240102000002_app_settings.sql': '-- +migrate Up\nCREATE TABLE app_settings (id int);\n\n-- +migrate Down\nDROP TABLE app_settings;\n',
  });
  const billing = folder('billing', billingUrl, {
    '20240101000001_billing_init.sql': '-- +migrate Up\nCREATE TABLE invoices (id int);\n\n-- +migrate Down\nDROP TABLE invoices;\n',
  });
  // A .sql file of the billing folder that is not a migration (not in migrations/).
  fs.writeFileSync(path.join(billing, 'report.sql'), 'SELECT 1;\n');
  const workspaceFile = path.join(ws, 'multi.code-workspace');
  fs.writeFileSync(workspaceFile, JSON.stringify({ folders: [{ path: 'app' }, { path: 'billing' }], settings: {} }, null, 2));
  return { dir: ws, workspaceFile, app, billing };
}

/**
 * Environments: one folder whose config.yaml names `dev`, `staging` (protected) and `offline` (a
 * server that accepts connections and never answers); the folder starts on `dev`.
 */
export function createEnvironmentsWorkspace({ root, name, devUrl, stagingUrl, offlineUrl }) {
  const ws = path.join(root, name);
  fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
  fs.mkdirSync(path.join(ws, MIGRATIONS_DIR), { recursive: true });
  fs.writeFileSync(path.join(ws, MIGRATIONS_DIR, '20240101000001_create_accounts.sql'),
    '-- +migrate Up\nCREATE TABLE accounts (id int);\n\n-- +migrate Down\nDROP TABLE accounts;\n');
  fs.writeFileSync(path.join(ws, MIGRATIONS_DIR, '20240102000002_create_ledger.sql'),
    '-- +migrate Up\nCREATE TABLE ledger (id int);\n\n-- +migrate Down\nDROP TABLE ledger;\n');
  fs.writeFileSync(path.join(ws, 'config.yaml'), [
    'environments:',
    '  dev:',
    `    url: ${devUrl}`,
    '  staging:',
    `    url: ${stagingUrl}`,
    '    protected: true',
    '  offline:',
    `    url: ${offlineUrl}`,
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'migrateLens.environment': 'dev' }, null, 2));
  return { dir: ws };
}

/** Zero configuration: a copy of the examples and nothing else, so the embedded PGlite database is used. */
export function createZeroConfigWorkspace({ root, name, examplesDir }) {
  const ws = path.join(root, name);
  fs.cpSync(examplesDir, path.join(ws, MIGRATIONS_DIR), { recursive: true });
  return { dir: ws, migrationsDir: path.join(ws, MIGRATIONS_DIR), files: migrationFiles(path.join(ws, MIGRATIONS_DIR)) };
}

/**
 * Scale: `count` migrations (each `SELECT 1`, versions 20240101000001 on) and settings pointing at the
 * test database, for the grouped view (test/e2e/host/scale.js).
 */
export function createScaleWorkspace({ root, name, databaseUrl, count = 1000 }) {
  const ws = path.join(root, name);
  const dir = path.join(ws, MIGRATIONS_DIR);
  fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 1; i <= count; i++) {
    fs.writeFileSync(path.join(dir, `${20240101000000 + i}_step_${String(i).padStart(4, '0')}.sql`), `-- +migrate Up\nSELECT ${i};\n\n-- +migrate Down\nSELECT ${i};\n`);
  }
  fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({
    'migrateLens.connectionString': databaseUrl,
    'migrateLens.migrationsDir': MIGRATIONS_DIR,
  }, null, 2));
  return { dir: ws, migrationsDir: dir };
}
