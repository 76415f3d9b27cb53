import { readFile } from 'node:fs/promises';
import { lintText, type Finding, type LintOptions } from './lint';
import { loadPgParser } from './pg-parser';

/** Lints files (absolute or relative paths); `name` turns a path into the name findings carry. */
export async function lintFiles(paths: string[], options: LintOptions & { name?: (path: string) => string } = {}): Promise<Finding[]> {
  await loadPgParser();
  const texts = await Promise.all(paths.map((p) => readFile(p, 'utf8')));
  const out: Finding[] = [];
  paths.forEach((p, i) => out.push(...lintText(texts[i], options.name ? options.name(p) : p, options)));
  return out;
}
