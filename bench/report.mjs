// Turning measurements into the markdown table and the target checks.

export const PHASES = ['apply', 'noop', 'rollback'];
const PHASE_TITLES = { apply: 'apply all', noop: 'no-op run', rollback: 'roll back all' };

const seconds = (s) => (s < 10 ? s.toFixed(2) : s.toFixed(1));

function cell(result, floor) {
  if (!result) return '–';
  if (result.error) return 'failed';
  if (result.median == null) return result.skipped ?? 'n/a';
  const ratio = floor?.median ? ` (${(result.median / floor.median).toFixed(2)}×)` : '';
  return `${seconds(result.median)} s${ratio}`;
}

/** Markdown table for one workload: one row per tool, seconds and ratio to the psql floor. */
export function workloadTable(workload, tools, results) {
  const floorOf = (phase) => results.find((r) => r.workload === workload.name && r.tool === 'psql' && r.phase === phase);
  const lines = [
    `**${workload.title}** — median of ${workload.reps}, seconds (ratio to the psql floor)${workload.rollback === false ? '; roll back not run at this size' : ''}`,
    '',
    `| tool | ${PHASES.map((p) => PHASE_TITLES[p]).join(' | ')} |`,
    `|---|${PHASES.map(() => '---:').join('|')}|`,
  ];
  for (const tool of tools) {
    const cells = PHASES.map((phase) => {
      const r = results.find((x) => x.workload === workload.name && x.tool === tool.name && x.phase === phase);
      return cell(r, tool.name === 'psql' ? null : floorOf(phase));
    });
    const name = tool.name === 'psql' ? 'psql (floor)' : tool.name === 'migrate-lens' ? '**migrate-lens**' : tool.name;
    lines.push(`| ${name} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/**
 * The issue's targets, checked against this run. Each: { target, measured, pass }
 * where pass is true/false, or null when a figure is missing.
 */
export function checkTargets(results, extra) {
  const get = (workload, tool, phase) =>
    results.find((r) => r.workload === workload && r.tool === tool && r.phase === phase)?.median ?? null;
  const ratio = (workload, phase) => {
    const ours = get(workload, 'migrate-lens', phase);
    const floor = get(workload, 'psql', phase);
    return ours != null && floor ? ours / floor : null;
  };
  const checks = [];
  const add = (target, measured, pass) => checks.push({ target, measured, pass: measured == null ? null : pass });

  const w = extra.names;
  const r1 = ratio(w.trivial, 'apply');
  add(`own overhead, ${w.trivial} apply ≤ 2× floor`, r1 == null ? null : `${r1.toFixed(2)}×`, r1 <= 2);
  const r2 = ratio(w.ddl, 'apply');
  add(`${w.ddl} apply ≤ 1.10× floor`, r2 == null ? null : `${r2.toFixed(2)}×`, r2 <= 1.1);
  const r3 = ratio(w.ddl, 'rollback');
  add(`${w.ddl} roll back ≤ 1.3× floor`, r3 == null ? null : `${r3.toFixed(2)}×`, r3 <= 1.3);

  const big = get(w.big, 'migrate-lens', 'apply');
  const peers = results.filter((r) => r.workload === w.big && r.phase === 'apply' && r.median != null && !['psql', 'migrate-lens', 'node-pg (raw)'].includes(r.tool));
  const best = peers.sort((a, b) => a.median - b.median)[0];
  add(
    `${w.big} apply ahead of every peer${best ? ` (best: ${best.tool} ${seconds(best.median)} s)` : ''}`,
    big == null ? null : `${seconds(big)} s`,
    best ? big < best.median : true,
  );

  const status = extra.status;
  add(`\`status\` on ${w.big.replace('trivial-', '')} files < 0.5 s`, status == null ? null : `${seconds(status)} s`, status < 0.5);
  const mbps = extra.parser?.mbPerSecond ?? null;
  add('parser ≥ 50 MB/s', mbps == null ? null : `${mbps.toFixed(1)} MB/s`, mbps >= 50);
  const tree = extra.tree?.firstMs ?? null;
  add(`extension tree model for ${extra.tree?.migrations ?? '?'} migrations < 100 ms`, tree == null ? null : `${tree.toFixed(1)} ms`, tree < 100);
  const adopt = extra.adoption?.median ?? null;
  add(`\`adopt\` of ${extra.adoption?.rows ?? 10000} rows (every file renamed) < 2 s`, adopt == null ? null : `${seconds(adopt)} s`, adopt < 2);
  const lint = extra.lint;
  add(`\`lint\` of ${lint?.migrations ?? 100} migrations no slower than squawk-cli${lint ? ` (${(lint.median.squawk * 1000).toFixed(0)} ms)` : ''}`, lint ? `${(lint.median.ours * 1000).toFixed(0)} ms (${lint.ratio.toFixed(2)}×)` : null, lint?.ratio <= 1);
  add('editor lint of a 2,000-line migration after a keystroke < 50 ms', lint ? `${lint.editor.medianMs.toFixed(1)} ms` : null, lint?.editor.medianMs < 50);
  const p = lint?.precision.ours;
  add('lint findings in Down sections, on indexes of tables the migration created, CONCURRENTLY in notransaction files: 0', p ? `${p.inDown}, ${p.sameTableIndex}, ${p.concurrentInTx}` : null, p && p.inDown + p.sameTableIndex + p.concurrentInTx === 0);
  return checks;
}

export function targetsTable(checks) {
  const mark = (p) => (p === true ? 'yes' : p === false ? '**no**' : 'not measured');
  return [
    '| target | migrate-lens | met |',
    '|---|---:|:---:|',
    ...checks.map((c) => `| ${c.target} | ${c.measured ?? '–'} | ${mark(c.pass)} |`),
  ].join('\n');
}

/** Round trips (simple queries + extended-protocol syncs) per phase, from the counting proxy. */
export function roundTripTable(byTool, migrations) {
  const n = (v) => (v === undefined ? '–' : String(v));
  return [
    `Round trips to the server, ${migrations} trivial migrations (counted by \`roundtrips.mjs\`, not timed)`,
    '',
    '| tool | apply | no-op | roll back | per migration (apply − no-op) |',
    '|---|---:|---:|---:|---:|',
    ...Object.entries(byTool).map(([tool, t]) =>
      t.error ? `| ${tool} | failed | | | |` : `| ${tool} | ${n(t.apply)} | ${n(t.noop)} | ${n(t.rollback)} | ${t.perMigration.toFixed(2)} |`,
    ),
  ].join('\n');
}

export function machineLine(m) {
  const load = m.loadAverageAtEnd === undefined ? '' : `; 1-min load average ${m.loadAverageAtStart.toFixed(1)} at start, ${m.loadAverageAtEnd.toFixed(1)} at end`;
  const settle = m.checkpointBeforeEachPhase === undefined ? '' : m.checkpointBeforeEachPhase ? '; a CHECKPOINT before every timed phase' : '; no CHECKPOINT between phases (not permitted)';
  const env = m.unsetForTimedCommands?.length ? `; timed commands run without ${m.unsetForTimedCommands.join(', ')} (it only slows every Node start)` : '';
  return `${m.cpu} × ${m.cores} cores, ${m.memoryGb} GB RAM, ${m.os}; Node ${m.node}; PostgreSQL ${m.postgres} (server ${m.server})${load}${settle}${env}`;
}

/**
 * The no-op run beside the peers, without a target: it is bound by Node's own start (a bare
 * `node -e ''`), which no code of ours changes, and a Go binary starts in a few milliseconds.
 */
export function noopLine(results, workload, nodeStart) {
  const rows = results.filter((r) => r.workload === workload && r.phase === 'noop' && r.median != null).sort((a, b) => a.median - b.median);
  if (!rows.length) return '';
  const cells = rows.map((r) => `${r.tool === 'migrate-lens' ? '**migrate-lens**' : r.tool} ${seconds(r.median)} s`);
  return `No-op run on ${workload} (no target: bound by Node's start, bare \`node -e ''\` ${seconds(nodeStart)} s): ${cells.join(', ')}.`;
}
