import { checksum } from './checksum';
import { StateError } from './errors';
import type { CodeMigrationDefinition, Migration } from './types';

// One list per process, shared by every copy of the engine loaded in it: the CLI's bundle, the
// library (`require('migrate-lens')` in a module given to `-require`), the extension's bundle.
const REGISTRY = Symbol.for('migrate-lens.registered-migrations');
const registry: Migration[] = ((globalThis as { [REGISTRY]?: Migration[] })[REGISTRY] ??= []);

/** Turns a definition into a migration the runner can apply beside file migrations. */
export function codeMigration(def: CodeMigrationDefinition): Migration {
  const version = String(def.version);
  if (!/^\d{1,18}$/.test(version)) throw new StateError(`code migration "${def.name}": version must be digits, got "${version}"`);
  if (typeof def.up !== 'function') throw new StateError(`code migration ${version} "${def.name}": up must be a function`);
  return {
    version,
    name: def.name,
    kind: 'code',
    description: def.description,
    // A code migration has no file text; its identity is its version and name.
    checksum: checksum(`code:${version}:${def.name}`),
    upFn: def.up,
    downFn: def.down,
  };
}

/**
 * Registers a migration written in code for every migrator of this process (the seed's
 * `RegisterMigration`). It is ordered with the file migrations by version and runs inside its own
 * transaction, with its history row; `up` and `down` get a handle whose `query` runs in it. A
 * version used twice (by a file or another registration) is an error.
 *
 * @example
 * ```ts
 * registerMigration({
 *   version: '20240301000000',
 *   name: 'backfill_display_names',
 *   up: async (db) => { await db.query("UPDATE users SET display_name = 'x' WHERE display_name IS NULL"); },
 * });
 * ```
 */
export function registerMigration(def: CodeMigrationDefinition): void {
  const m = codeMigration(def);
  if (registry.some((r) => r.version === m.version)) throw new StateError(`code migration version ${m.version} is registered twice`);
  registry.push(m);
}

export function registeredMigrations(): Migration[] {
  return [...registry];
}

/** For tests: forget every registered migration. */
export function clearRegisteredMigrations(): void {
  registry.length = 0;
}
