// Which build the bench measures. A run snapshots dist/ first (snapshotDist), so a
// rebuild in the middle of a long run cannot mix two versions in one table.
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

export function distDir() {
  return process.env.BENCH_DIST || dist;
}

/** Copies the CLI (dist/cli.js) and dist/engine.js under bench/work (inside the project, so node_modules resolve). */
export function snapshotDist() {
  const target = fileURLToPath(new URL(`./work/dist-${process.pid}/`, import.meta.url));
  mkdirSync(target, { recursive: true });
  for (const f of ['cli.js', 'engine.js']) if (existsSync(join(dist, f))) cpSync(join(dist, f), join(target, f));
  process.env.BENCH_DIST = target;
  return () => rmSync(target, { recursive: true, force: true });
}

/**
 * The engine's internal modules (parser, loader, status builder), which the library does not export:
 * bundled from src/engine/internal.ts into bench/work, so node_modules resolve, and required.
 */
export async function engineInternals() {
  const { build } = await import('esbuild');
  const out = fileURLToPath(new URL(`./work/engine-internal-${process.pid}.cjs`, import.meta.url));
  await build({
    entryPoints: [fileURLToPath(new URL('../src/engine/internal.ts', import.meta.url))],
    outfile: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    external: ['pg-native', '@electric-sql/pglite', 'yaml', 'libpg-query'],
  });
  try {
    return createRequire(import.meta.url)(out);
  } finally {
    rmSync(out, { force: true });
  }
}
