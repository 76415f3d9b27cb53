#!/usr/bin/env node
// Where migrate-lens spends its time on one workload: runs the CLI under
// `node --cpu-prof` for apply, no-op, status and reset on a fresh database, and
// prints for each phase the wall time, round trips, and the heaviest call-tree
// nodes (inclusive ms). Usage:
//   node bench/profile.mjs [--migrations=1000] [--kind=trivial|ddl] [--depth=8] [--min=5]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trivialWorkload, ddlWorkload } from './workloads.mjs';
import { sqlMigrateFiles } from './tools/files.mjs';
import { createDatabase, dropDatabase } from './db.mjs';
import { countingProxy } from './roundtrips.mjs';
import { timeCommand } from './measure.mjs';

const opts = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const count = Number(opts.migrations ?? 1000);
const workload = opts.kind === 'ddl' ? ddlWorkload(count) : trivialWorkload(count);
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'migrate-lens-profile-'));

/** Inclusive time per call-tree node, printed as an indented tree down to `depth`, pruned below `min` ms. */
function callTree(profile, depth, min) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const memo = new Map();
  const total = (id) => {
    if (!memo.has(id)) memo.set(id, (self.get(id) ?? 0) + (byId.get(id).children ?? []).reduce((s, c) => s + total(c), 0));
    return memo.get(id);
  };
  const lines = [];
  const walk = (id, d) => {
    const ms = total(id) / 1000;
    if (ms < min) return;
    const f = byId.get(id).callFrame;
    lines.push(`${' '.repeat(d * 2)}${ms.toFixed(1).padStart(7)}  ${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`);
    if (d < depth) for (const c of byId.get(id).children ?? []) walk(c, d + 1);
  };
  walk(profile.nodes[0].id, 0);
  return lines.join('\n');
}

const dir = sqlMigrateFiles(workload, root);
const db = await createDatabase(workload.setup);
const proxy = await countingProxy(db.url);
try {
  for (const [phase, command] of [['apply', 'up'], ['no-op', 'up'], ['status', 'status'], ['roll back', 'reset']]) {
    const profDir = join(root, `prof-${command}-${phase.replace(/\W/g, '')}`);
    const before = proxy.counts.Q + proxy.counts.S;
    const seconds = await timeCommand(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, cli, command, '-migrations', dir], {
      env: { DATABASE_URL: proxy.url },
    });
    const trips = proxy.counts.Q + proxy.counts.S - before;
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    const profile = JSON.parse(readFileSync(join(profDir, file), 'utf8'));
    console.log(`\n== ${phase} (${workload.name}): ${seconds.toFixed(3)} s wall under the profiler, ${trips} round trips`);
    console.log(callTree(profile, Number(opts.depth ?? 8), Number(opts.min ?? 5)));
  }
} finally {
  await proxy.close();
  await dropDatabase(db.name);
  rmSync(root, { recursive: true, force: true });
}
