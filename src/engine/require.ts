// Modules named by `-require` / `migrations.require`: each is loaded once per process, and registers
// code migrations with registerMigration as it loads.
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from './errors';

const EXTENSIONS = ['.js', '.mjs', '.cjs'];

/** Loads each module (absolute paths), in order; a missing file, another kind of file or a module that throws is a ConfigError naming it. */
export async function loadRequiredModules(files: readonly string[]): Promise<void> {
  for (const file of files) {
    if (!EXTENSIONS.includes(extname(file))) {
      throw new ConfigError(`-require ${file}: a module must be a .js, .mjs or .cjs file (compile TypeScript first)`);
    }
    if (!existsSync(file)) throw new ConfigError(`-require ${file}: no such file`);
    try {
      // import() loads ESM and CommonJS alike, and each file once however often it is named.
      await import(pathToFileURL(file).href);
    } catch (err) {
      const e = err as Error;
      throw new ConfigError(`-require ${file}: the module failed to load: ${e?.message ?? String(err)}`);
    }
  }
}
