// Bundles the three entry points. The engine is shared; only the extension bundle may see `vscode`.
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

// pg asks "am I on Cloudflare Workers?" by constructing a fetch Response, which makes Node load its
// whole fetch implementation (tens of ms at every start). We never run there: answer no at build time.
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

// esbuild escapes every non-ASCII character in code, but copies comments as they are. One "—" in a
// comment makes V8 hold the whole CLI source as two-byte text, which costs each run ~3 ms to read and
// compile. Comments are all that is left to change, one character for one, so source maps stay true.
function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');
  const ascii = text.replace(/[^\x00-\x7f]/g, '?');
  if (ascii !== text) writeFileSync(file, ascii);
}

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
  // dist/cli.js is the command: a small launcher that runs dist/cli-main.js with V8's code cache.
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli-main.js', external: [...common.external, ...lazyDependencies] },
  { ...common, entryPoints: ['src/cli/launch.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
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
  for (const file of ['dist/cli.js', 'dist/cli-main.js', 'dist/engine.js']) asciiOnly(file);
}
for (const f of ['pglite.wasm', 'pglite.data', 'initdb.wasm']) {
  copyFileSync(`node_modules/@electric-sql/pglite/dist/${f}`, `dist/${f}`);
}
// The extension bundles libpg-query, whose loader finds its WebAssembly next to the bundle (__dirname).
copyFileSync('node_modules/libpg-query/wasm/libpg-query.wasm', 'dist/libpg-query.wasm');
