#!/usr/bin/env node
// npm run bench [-- --quick] [-- --only=NAME[,NAME]] [-- --reps=N] [-- --keep] [-- --keep-env]
// (--only=adopt, --only=parser, --only=lint or --only=verify: just that section)
//
// Runs every tool on the same PostgreSQL server, each rep on a fresh database,
// tools interleaved (rotated order per rep), and reports medians and ratios to
// the psql floor. Writes bench/results/latest.json and latest.md.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir, cpus, totalmem, release, type, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { tools as allTools } from './tools/index.mjs';
import { trivialWorkload, ddlWorkload, dataMigrationText } from './workloads.mjs';
import { sqlMigrateFiles } from './tools/files.mjs';
import { createDatabase, dropDatabase, dropAll, queryValue, serverVersion, baseUrl, checkpoint, checkpointed } from './db.mjs';
import { timeCommand, median } from './measure.mjs';
import { countingProxy } from './roundtrips.mjs';
import { snapshotDist } from './dist.mjs';
import { adoptBench } from './adopt.mjs';
import { lintBench, lintLines } from './lint.mjs';
import { verifyBench } from './verify.mjs';
import { PHASES, workloadTable, checkTargets, targetsTable, roundTripTable, machineLine, noopLine } from './report.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--?/, '').split('=');
    return [k, v ?? true];
  }),
);
const quick = Boolean(args.quick);
const sizes = quick
  ? { trivial: 300, ddl: 100, big: 2000, dataMb: 5, reps: 1 }
  : { trivial: 1000, ddl: 1000, big: 10000, dataMb: 50, reps: 3 };
const reps = Number(args.reps ?? sizes.reps);
const only = typeof args.only === 'string' ? args.only.split(',') : null;

// The big workload skips roll back: for the slower peers it alone would take minutes per rep.
const workloads = [trivialWorkload(sizes.trivial), ddlWorkload(sizes.ddl), { ...trivialWorkload(sizes.big), rollback: false }];
const names = { trivial: workloads[0].name, ddl: workloads[1].name, big: workloads[2].name };
// With --only, a name selects tools and/or workloads; the psql floor always runs. Names of the
// sections that stand alone (adopt, parser, lint, verify) select just those: `--only=adopt` runs adopt only.
const SECTIONS = ['adopt', 'parser', 'lint', 'verify'];
const sectionsOnly = only !== null && only.every((n) => SECTIONS.includes(n));
const selectedWorkloads = sectionsOnly ? [] : workloads.filter((w) => !only || !only.some((n) => workloads.some((x) => x.name === n)) || only.includes(w.name));
const selectedTools = sectionsOnly ? [] : allTools.filter((t) => !only || t.floor || !only.some((n) => allTools.some((x) => x.name === n)) || only.includes(t.name));
const ROUND_TRIP_MIGRATIONS = 200;
const runParser = !only || only.includes('parser') || only.includes('migrate-lens');
// Variables that change what every Node process does when it starts, not what a tool does. A machine
// that points NODE_EXTRA_CA_CERTS at the whole system CA bundle makes each Node start parse every
// certificate in it (about 35 ms on the bench machine), for a server none of the tools reach over
// TLS. The timed commands run without them (the report says so and gives Node's start both ways);
// --keep-env keeps them.
const STARTUP_ONLY_ENV = ['NODE_EXTRA_CA_CERTS'];
const unset = args['keep-env'] ? [] : STARTUP_ONLY_ENV.filter((name) => process.env[name] !== undefined);

const root = mkdtempSync(join(tmpdir(), 'migrate-lens-bench-'));
const dropSnapshot = snapshotDist();
const source = build(); // when dist/ was snapshotted (assumes dist/ is built from HEAD plus the working tree)
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
const log = (...m) => console.error(...m);

process.on('SIGINT', async () => {
  await dropAll();
  dropSnapshot();
  if (!args.keep) rmSync(root, { recursive: true, force: true });
  process.exit(130);
});

/** The source the measured dist/ was built from, as far as git can tell. */
function build() {
  const git = (...a) => {
    try {
      return execFileSync('git', a, { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' }).trim();
    } catch {
      return null;
    }
  };
  const dirty = git('status', '--porcelain', '--', 'src');
  return { commit: git('rev-parse', '--short', 'HEAD'), uncommittedSrcFiles: dirty === null ? null : dirty.split('\n').filter(Boolean).length };
}

function machine(postgres) {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()}`,
    node: process.versions.node,
    postgres,
    server: new URL(baseUrl).host,
    loadAverageAtStart: loadavg()[0],
  };
}

async function verify(workload, url, expected, tool, phase) {
  const { n } = await queryValue(url, workload.verify);
  if (n !== expected) throw new Error(`${tool} ${phase}: expected ${expected} migrations' effects, found ${n}`);
}

/** One rep of one tool on one workload, on a fresh database. Returns { phase: seconds | Error }. */
async function runOnce(tool, ctx, workload) {
  const db = await createDatabase(workload.setup);
  const count = workload.migrations.length;
  const out = {};
  try {
    const phases = tool.phases(ctx, db.url);
    const run = async (phase, expected) => {
      const p = phases[phase];
      if (!p) return;
      try {
        await checkpoint();
        out[phase] = await timeCommand(p.cmd, p.args, { cwd: p.cwd ?? root, env: { DATABASE_URL: db.url, ...p.env }, unset });
        if (expected != null) await verify(workload, db.url, expected, tool.name, phase);
      } catch (error) {
        out[phase] = error;
      }
    };
    await run('apply', count);
    if (out.apply instanceof Error) return out;
    await run('noop', tool.floor ? null : count);
    if (workload.name === names.big) await run('status', null);
    if (workload.rollback !== false) await run('rollback', 0);
    return out;
  } finally {
    await dropDatabase(db.name);
  }
}

async function benchWorkload(workload, tools) {
  log(`\n== ${workload.title}`);
  const ready = [];
  for (const tool of tools) ready.push({ tool, ctx: tool.prepare(workload, join(root, workload.name)) });
  const runs = new Map(tools.map((t) => [t.name, []]));
  for (let rep = 0; rep < reps; rep++) {
    const order = ready.map((_, i) => ready[(i + rep) % ready.length]);
    for (const { tool, ctx } of order) {
      const out = await runOnce(tool, ctx, workload);
      runs.get(tool.name).push(out);
      const shown = Object.entries(out).map(([k, v]) => `${k} ${v instanceof Error ? 'FAILED' : v.toFixed(2)}`);
      log(`  rep ${rep + 1}  ${tool.name.padEnd(20)} ${shown.join('  ')}`);
    }
  }
  const results = [];
  for (const tool of tools) {
    for (const phase of [...PHASES, 'status']) {
      const outs = runs.get(tool.name).map((o) => o[phase]).filter((v) => v !== undefined);
      if (!outs.length) continue;
      const error = outs.find((v) => v instanceof Error);
      if (error) log(`  ${tool.name} ${phase} failed: ${error.message}`);
      results.push({
        workload: workload.name,
        tool: tool.name,
        phase,
        runs: error ? [] : outs,
        median: error ? null : median(outs),
        ...(error ? { error: error.message.slice(0, 2000) } : {}),
      });
    }
  }
  return results;
}

/**
 * Round trips per phase, counted through a proxy on a small trivial workload (not timed):
 * per migration = (apply - no-op) / migrations, the rest is the tool's fixed cost.
 */
async function countRoundTrips(tools) {
  const workload = trivialWorkload(ROUND_TRIP_MIGRATIONS);
  const dir = join(root, 'round-trips');
  const out = {};
  for (const tool of tools) {
    const ctx = tool.prepare(workload, dir);
    const db = await createDatabase(workload.setup);
    const proxy = await countingProxy(db.url);
    const trips = {};
    try {
      const phases = tool.phases(ctx, proxy.url);
      for (const phase of PHASES) {
        const p = phases[phase];
        if (!p) continue;
        const before = proxy.counts.Q + proxy.counts.S;
        await timeCommand(p.cmd, p.args, { cwd: p.cwd ?? root, env: { DATABASE_URL: proxy.url, ...p.env }, unset });
        trips[phase] = proxy.counts.Q + proxy.counts.S - before;
      }
      if (trips.noop !== undefined) trips.perMigration = (trips.apply - trips.noop) / ROUND_TRIP_MIGRATIONS;
      else trips.perMigration = trips.apply / ROUND_TRIP_MIGRATIONS;
    } catch (error) {
      trips.error = error.message.slice(0, 500);
    } finally {
      await proxy.close();
      await dropDatabase(db.name);
    }
    out[tool.name] = trips;
    log(`  round trips  ${tool.name.padEnd(20)} ${JSON.stringify(trips)}`);
  }
  return out;
}

/** Median wall time of a bare `node -e ''`, in the timed commands' environment (or with `unset` kept). */
async function nodeStart(without = unset) {
  const times = [];
  for (let i = 0; i < 7; i++) times.push(await timeCommand(process.execPath, ['-e', ''], { unset: without }));
  return median(times);
}

async function parserThroughput() {
  const file = join(root, 'data-migration.sql');
  writeFileSync(file, dataMigrationText(sizes.dataMb * 1e6));
  const script = fileURLToPath(new URL('./parser.mjs', import.meta.url));
  const out = JSON.parse(execFileSync(process.execPath, [script, file, '3'], { encoding: 'utf8', maxBuffer: 1e6 }));
  if (out.error) return out;
  const mb = out.bytes / 1e6;
  return {
    bytes: out.bytes,
    upStatements: out.upStatements,
    parseSeconds: out.parse,
    splitSeconds: out.split,
    mbPerSecond: mb / median(out.parse),
    splitMbPerSecond: mb / median(out.split),
  };
}

/** The extension's tree model for the big workload's files (bench/extension-model.mjs). */
function treeModel() {
  const dir = sqlMigrateFiles(workloads[2], join(root, names.big));
  const script = fileURLToPath(new URL('./extension-model.mjs', import.meta.url));
  return JSON.parse(execFileSync(process.execPath, [script, dir], { encoding: 'utf8', maxBuffer: 1e6 }));
}

async function main() {
  const started = Date.now();
  const info = machine(await serverVersion());
  log(`migrate-lens benchmark${quick ? ' (quick)' : ''}: ${machineLine(info)}; temp ${root}`);
  const available = [];
  const missing = {};
  for (const tool of selectedTools) {
    const reason = tool.available();
    if (reason) missing[tool.name] = reason;
    else available.push(tool);
  }
  for (const [name, reason] of Object.entries(missing)) log(`  ${name}: ${reason}`);

  const results = [];
  for (const w of selectedWorkloads) {
    w.reps = reps;
    results.push(...(await benchWorkload(w, available)));
  }
  const roundTrips = args['no-roundtrips'] || sectionsOnly ? null : (log('\n== round trips'), await countRoundTrips(available));
  const start = await nodeStart();
  const startWithEnv = unset.length ? await nodeStart([]) : null;
  const parser = runParser ? await parserThroughput() : null;
  const tree = runParser ? treeModel() : null;
  const runAdopt = !only || only.includes('adopt') || only.includes('migrate-lens');
  const adoption = runAdopt ? (log('\n== adopt'), await adoptBench(root, { rows: sizes.big, reps, unset })) : null;
  const runLint = !only || only.includes('lint') || only.includes('migrate-lens');
  // The issue asks for a median of 5 for lint beside squawk, whatever --reps says (1 in --quick).
  const lint = runLint ? (log('\n== lint'), await lintBench({ reps: quick ? 1 : Math.max(5, reps), unset, log })) : null;
  const runVerify = !only || only.includes('verify') || only.includes('migrate-lens');
  const verification = runVerify ? (log('\n== verify'), verifyBench(root, { reps, unset })) : null;
  const status = results.find((r) => r.workload === names.big && r.tool === 'migrate-lens' && r.phase === 'status')?.median ?? null;
  const checks = checkTargets(results, { names, nodeStart: start, status, parser, tree, adoption, lint, verification });

  info.loadAverageAtEnd = loadavg()[0];
  info.checkpointBeforeEachPhase = checkpointed();
  info.unsetForTimedCommands = unset;
  const toolRows = [...available, ...selectedTools.filter((t) => missing[t.name])];
  const md = [
    `Machine: ${machineLine(info)}. Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC${quick ? ' (quick mode)' : ''}, ${Math.round((Date.now() - started) / 1000)} s in all; migrate-lens built from ${source.commit ?? 'an unknown commit'}${source.uncommittedSrcFiles ? ` with ${source.uncommittedSrcFiles} uncommitted src files` : ''}.`,
    '',
    ...selectedWorkloads.flatMap((w) => [workloadTable(w, available, results), '']),
    `Bare \`node -e ''\` start: ${start.toFixed(3)} s${startWithEnv != null ? ` (${startWithEnv.toFixed(3)} s with ${unset.join(', ')} as this machine sets it)` : ''}.` +
      (status != null ? ` \`migrate-lens status\` on ${names.big.replace('trivial-', '')} applied files: ${status.toFixed(3)} s.` : '') +
      (tree?.nodes ? ` Extension tree model for ${tree.migrations} migrations: ${tree.firstMs.toFixed(1)} ms first build, ${tree.warmMedianMs.toFixed(1)} ms warm (\`activate()\` needs a VS Code host: the e2e host suite prints its time, \`npm run e2e -- --suite host\`).` : '') +
      (adoption ? ` \`adopt -from sql-migrate --rename\` of ${adoption.rows} entries (${adoption.rows} files renamed): ${adoption.median.toFixed(3)} s.` : '') +
      (verification ? ` \`verify\` of ${verification.migrations} migrations on PGlite (bench/verify.mjs): ${verification.median.toFixed(2)} s end to end, ${verification.ownMedian.toFixed(2)} s of it verify's own (every Up, every Down, two catalog snapshots per migration, everything again), the rest Node's and PGlite's start.` : '') +
      (parser?.mbPerSecond ? ` Parser on a ${(parser.bytes / 1e6).toFixed(0)} MB data migration: parseMigration ${parser.mbPerSecond.toFixed(1)} MB/s, splitStatements ${parser.splitMbPerSecond.toFixed(1)} MB/s.` : parser?.error ? ` Parser: ${parser.error}.` : ''),
    '',
    noopLine(results, names.trivial, start),
    '',
    ...(lint ? ['Lint (`bench/lint.mjs`, also `npm run bench:lint`):', '', ...lintLines(lint).map((l) => `- ${l}`), ''] : []),
    targetsTable(checks),
    '',
    ...(roundTrips ? [roundTripTable(roundTrips, ROUND_TRIP_MIGRATIONS), ''] : []),
    'How each tool runs:',
    '',
    ...toolRows.map((t) => `- ${t.name}: ${missing[t.name] ? `**${missing[t.name]}**` : t.note}`),
    '',
  ].join('\n');

  const json = {
    date: new Date().toISOString(),
    quick,
    reps,
    machine: info,
    build: source,
    workloads: selectedWorkloads.map((w) => ({ name: w.name, title: w.title, migrations: w.migrations.length })),
    tools: Object.fromEntries(toolRows.map((t) => [t.name, missing[t.name] ? { missing: missing[t.name] } : { note: t.note }])),
    results,
    nodeStartSeconds: start,
    nodeStartWithUnsetEnvSeconds: startWithEnv,
    statusSeconds: status,
    parser,
    treeModel: tree,
    adopt: adoption,
    lint,
    verify: verification,
    roundTrips: roundTrips && { migrations: ROUND_TRIP_MIGRATIONS, byTool: roundTrips },
    targets: checks,
  };
  console.log(`\n${md}`);
  if (!quick && !only && reps >= 3) {
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
    writeFileSync(join(resultsDir, 'latest.md'), md);
    log(`wrote bench/results/latest.json and latest.md`);
  } else {
    const out = join(resultsDir, 'partial.json');
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(out, `${JSON.stringify(json, null, 2)}\n`);
    log(`--quick/--only/--reps<3 run: wrote bench/results/partial.json (latest.* keep the last full run)`);
  }
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await dropAll();
  dropSnapshot();
  if (!args.keep) rmSync(root, { recursive: true, force: true });
}
