import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, ParseError } from '../engine/errors';
import { checkedText } from '../engine/source';
import { lintText, type Finding, type LintOptions } from './lint';
import { loadPgParser } from './pg-parser';

/** Lints files (absolute or relative paths); `name` turns a path into the name findings carry. */
export async function lintFiles(paths: string[], options: LintOptions & { name?: (path: string) => string } = {}): Promise<Finding[]> {
  const parserReady = loadPgParser();
  parserReady.catch(() => undefined); // awaited below; this only keeps a failed read from leaving it unhandled
  // Read synchronously while the parser's WebAssembly compiles in the background: migrations are
  // small, and 100 promise-based reads cost a 100-file lint 15-25 ms (of ~250) in thread-pool round trips.
  const texts = paths.map((p) => readFileSync(p, 'utf8'));
  await parserReady;
  const out: Finding[] = [];
  paths.forEach((p, i) => {
    const file = options.name ? options.name(p) : p;
    let text: string;
    try {
      text = checkedText(texts[i], p);
    } catch (err) {
      // Not UTF-8 text, or binary: up refuses the file, so nothing in it can be checked.
      if (!(err instanceof ParseError)) throw err;
      out.push({ file, line: Math.max(1, err.line), column: 1, severity: 'error', rule: 'file-format', message: err.reason, offset: 0, end: 0 });
      return;
    }
    out.push(...lintText(text, file, options));
  });
  return out;
}

/**
 * The `.sql` files of a migrations folder, sorted by name: what `up` would read. Like up, only regular
 * files and links to them: reading a FIFO named like a migration would wait for a writer for ever, and
 * a folder named like one is no file (it stopped the lint with EISDIR, naming nothing).
 */
export function migrationFilesIn(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw new ConfigError(`cannot read the migrations folder ${dir} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return entries
    .filter((d) => /\.sql$/i.test(d.name) && !d.name.startsWith('.') && (d.isFile() || (d.isSymbolicLink() && isFile(join(dir, d.name)))))
    .map((d) => d.name)
    .sort()
    .map((n) => join(dir, n));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
