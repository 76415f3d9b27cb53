import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../engine/errors';
import { lintText, type Finding, type LintOptions } from './lint';
import { loadPgParser } from './pg-parser';

/** Lints files (absolute or relative paths); `name` turns a path into the name findings carry. */
export async function lintFiles(paths: string[], options: LintOptions & { name?: (path: string) => string } = {}): Promise<Finding[]> {
  await loadPgParser();
  const out: Finding[] = [];
  // Read one by one, synchronously: migrations are small, and 100 promise-based reads cost a
  // 100-file lint 15-25 ms (of ~250) in thread-pool round trips.
  for (const p of paths) out.push(...lintText(readFileSync(p, 'utf8'), options.name ? options.name(p) : p, options));
  return out;
}

/** The `.sql` files of a migrations folder, sorted by name (what `up` would read). */
export function migrationFilesIn(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new ConfigError(`cannot read the migrations folder ${dir} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return names
    .filter((n) => /\.sql$/i.test(n) && !n.startsWith('.'))
    .sort()
    .map((n) => join(dir, n));
}
