// The extension loads the linter and its WebAssembly grammar (libpg-query) only when a migration file
// is opened, never at activate: nothing that extension.ts imports statically may reach them.
import { build } from 'esbuild';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..', '..', '..');

async function staticClosure(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [resolve(ROOT, entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'cjs',
    external: ['vscode', 'pg-native'],
    logLevel: 'silent',
    absWorkingDir: ROOT,
  });
  const inputs = result.metafile.inputs;
  const seen = new Set<string>();
  const walk = (path: string) => {
    if (seen.has(path) || !inputs[path]) return;
    seen.add(path);
    // import() is what "later" looks like; import and require are loaded with the module.
    for (const i of inputs[path].imports) if (i.kind !== 'dynamic-import') walk(i.path);
  };
  walk(entry);
  return [...seen];
}

describe('activation', () => {
  it('loads neither src/lint nor libpg-query', async () => {
    const closure = await staticClosure('src/extension/extension.ts');
    expect(closure).toContain('src/extension/lint-diagnostics.ts');
    expect(closure.filter((p) => p.startsWith('src/lint/') || p.includes('libpg-query'))).toEqual([]);
  }, 60_000);
});
