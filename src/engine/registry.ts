import { checksum } from './checksum';
import { StateError } from './errors';
import type { CodeMigrationDefinition, Migration } from './types';

const registry: Migration[] = [];

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

/** Registers a migration written in code for every Migrator in this process. */
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
