// Extension figure: building the Migrations tree model for N migrations.
// `node bench/extension-model.mjs DIR` prints JSON. DIR holds N sql-migrate files;
// history rows are made up (most applied, some pending/failed/rolled back) so
// every node kind is built. The pure builder is bundled from source with esbuild.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { engineInternals } from './dist.mjs';
import * as esbuild from 'esbuild';

const source = fileURLToPath(new URL('../src/extension/model/tree-model.ts', import.meta.url));
if (!existsSync(source)) {
  console.log(JSON.stringify({ error: 'src/extension/model/tree-model.ts missing' }));
  process.exit(0);
}
const { loadMigrations, buildStatus } = await engineInternals();

const bundle = await esbuild.build({ entryPoints: [source], bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'silent' });
const { buildTreeModel } = await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);

const migrations = loadMigrations(process.argv[2]);
const at = Date.UTC(2024, 0, 1);
const rows = migrations
  .filter((_, i) => i % 10 !== 9) // every tenth pending
  .map((m, i) => ({
    version: m.version, name: m.name, checksum: m.checksum,
    status: i % 97 === 5 ? 'failed' : i % 89 === 3 ? 'rollback' : 'applied',
    batch: 1 + (i >> 8), appliedAt: new Date(at + i * 1000), executionTimeMs: (i % 50) + 0.25,
    error: i % 97 === 5 ? 'relation "x" does not exist' : null, errorStatement: null, errorLine: null,
    script: m.text, kind: 'file', noTransaction: false, rolledBackAt: i % 89 === 3 ? new Date(at + i * 2000) : null, note: null,
  }));
const entries = buildStatus(migrations, rows);

const runs = [];
let nodes = 0;
for (let i = 0; i < 7; i++) {
  const start = performance.now();
  nodes = buildTreeModel(entries).length;
  runs.push(performance.now() - start);
}
const warm = [...runs.slice(1)].sort((a, b) => a - b);
console.log(JSON.stringify({ migrations: migrations.length, nodes, firstMs: runs[0], warmMedianMs: warm[warm.length >> 1] }));
