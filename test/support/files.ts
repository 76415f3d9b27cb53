import { mkdtempSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary migrations folder holding the given files; removed by `remove()`. */
export function migrationsFolder(files: Record<string, string> = {}): { dir: string; write(name: string, text: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ml-migrations-'));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  for (const [name, text] of Object.entries(files)) write(name, text);
  return { dir, write, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A copy of examples/migrations in a temporary folder. */
export function examplesCopy(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ml-examples-'));
  cpSync(join(__dirname, '..', '..', 'examples', 'migrations'), dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A minimal migration that creates and drops one table. */
export function tableMigration(table: string, extraUp = ''): string {
  return `-- +migrate Up\nCREATE TABLE ${table} (id int PRIMARY KEY);\n${extraUp}\n-- +migrate Down\nDROP TABLE ${table};\n`;
}
