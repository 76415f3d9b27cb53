// Bundles the three entry points. The engine is shared; only the extension bundle may see `vscode`.
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { packageReadme } from './scripts/package-readme.mjs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFile } from 'node:fs/promises';

// pg asks "am I on Cloudflare Workers?" by constructing a fetch Response, which makes Node 20 (no
// `navigator` yet) load its whole fetch implementation at every start. We never run there: answer no
// at build time. Measured 2026-11-30, Node 20.20, no-op `up` on 1,000 applied files, 40 interleaved
// runs: 111 ms with the probe answered, 128 ms with it kept (p25; medians 126/169 ms on a busy
// machine), a saving of about 13% of the command, so it stays (DESIGN.md, "Speed without tricks").
// Dropped after measuring: rewriting the bundle's comments to ASCII (under 1 ms, within the noise).
const skipCloudflareProbe = {
  name: 'skip-cloudflare-probe',
  setup(build) {
    build.onLoad({ filter: /[\\/]pg[\\/]lib[\\/]stream\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const probe = "typeof Response === 'function'";
      if (!source.includes(probe)) throw new Error(`pg/lib/stream.js changed: "${probe}" not found; revisit this plugin`);
      return { contents: source.replace(probe, 'false'), loader: 'js' };
    });
  },
};

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  external: ['pg-native'],
  plugins: [skipCloudflareProbe],
};

// PGlite's ESM build uses top-level await; its CJS build finds its wasm/data files next to the bundle.
const pgliteCjs = { '@electric-sql/pglite': './node_modules/@electric-sql/pglite/dist/index.cjs' };

// libpg-query (the linter's PostgreSQL grammar, 1 MB of WebAssembly) is loaded by `lint` and `verify` only.
const lazyDependencies = ['@electric-sql/pglite', 'yaml', 'libpg-query'];

const builds = [
  // The CLI and the engine keep PGlite and yaml external: both are dependencies, loaded only for the
  // embedded database and a config file. yaml alone is half the bundle, and every run would parse it.
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', external: [...common.external, ...lazyDependencies], banner: { js: '#!/usr/bin/env node' } },
  // The library (package.json "exports"): the public surface of src/engine/index.ts, CommonJS.
  { ...common, entryPoints: ['src/engine/index.ts'], outfile: 'dist/engine.js', external: [...common.external, ...lazyDependencies] },
  // The extension ships without node_modules, so everything is inside, PGlite's assets beside it.
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: [...common.external, 'vscode'], alias: pgliteCjs },
];

mkdirSync('dist', { recursive: true });
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  chmodSync('dist/cli.js', 0o755);
  libraryEntries();
}
for (const f of ['pglite.wasm', 'pglite.data', 'initdb.wasm']) {
  copyFileSync(`node_modules/@electric-sql/pglite/dist/${f}`, `dist/${f}`);
}
// The README the .vsix carries (package.json "vsce.readmePath"): pictures named, not embedded.
writeFileSync('dist/README.package.md', packageReadme(readFileSync('README.md', 'utf8')));
// The extension bundles libpg-query, whose loader finds its WebAssembly next to the bundle (__dirname).
copyFileSync('node_modules/libpg-query/wasm/libpg-query.wasm', 'dist/libpg-query.wasm');

/**
 * The library's other entries, beside dist/engine.js (CommonJS): dist/engine.mjs for `import`, which
 * re-exports that same module, so ESM and CommonJS callers share one registry of code migrations;
 * and the declarations, generated from the sources by tsc (tsconfig.lib.json) into dist/types.
 */
function libraryEntries() {
  const names = Object.keys(createRequire(import.meta.url)('./dist/engine.js')).filter((n) => n !== 'default').sort();
  writeFileSync(
    'dist/engine.mjs',
    `// ESM entry of migrate-lens: the CommonJS build's exports (one module instance for both).\nimport engine from './engine.js';\n\nexport const { ${names.join(', ')} } = engine;\n`,
  );
  const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.lib.json'], { stdio: 'inherit' });
  writeFileSync('dist/engine.d.ts', "export * from './types/engine/index';\n");
  writeFileSync('dist/engine.d.mts', "export * from './types/engine/index.js';\n");
}
