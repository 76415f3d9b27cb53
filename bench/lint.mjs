#!/usr/bin/env node
// npm run bench:lint [-- --reps=5] [-- --keep-env]   (also part of `npm run bench`)
//
// The linter beside squawk-cli (npm, the Rust linter) on the same folder of 100 realistic migrations:
// wall time of each CLI, median of N interleaved runs, and the ratio; the editor's lint of a 2,000-line
// migration after a keystroke (in-process, as the extension runs it); and precision counts where a
// linter that reads a sql-migrate file as one script goes wrong: findings in Down sections, "index not
// concurrent" on a table the same migration created, "CONCURRENTLY in a transaction" on notransaction
// files.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { distDir } from './dist.mjs';
import { median, timeCommand } from './measure.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const require = createRequire(import.meta.url);
const squawkCli = join(root, 'node_modules/.bin/squawk');

// 100 migrations in the shapes real projects have: tables with their indexes, columns added with and
// without defaults, concurrent indexes in notransaction files, constraints, trigger functions, a
// backfill, an index added to a live table, a rename, and comments in other scripts than Latin.
const SHAPES = [
  (n) => `-- +migrate Up\nCREATE TABLE t${n} (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  name text NOT NULL,\n  owner_id bigint REFERENCES t${Math.max(0, n - 1)} (id),\n  created_at timestamptz NOT NULL DEFAULT now()\n);\nCREATE INDEX t${n}_owner_idx ON t${n} (owner_id);\nCREATE UNIQUE INDEX t${n}_name_key ON t${n} (lower(name));\n\n-- +migrate Down\nDROP INDEX t${n}_name_key;\nDROP INDEX t${n}_owner_idx;\nDROP TABLE t${n};\n`,
  (n) => `-- +migrate Up\nALTER TABLE t${n - 1} ADD COLUMN note${n} text;\nALTER TABLE t${n - 1} ADD COLUMN active${n} boolean NOT NULL DEFAULT true;\n\n-- +migrate Down\nALTER TABLE t${n - 1} DROP COLUMN active${n};\nALTER TABLE t${n - 1} DROP COLUMN note${n};\n`,
  (n) => `-- +migrate Up notransaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t${n - 2}_created_${n}_idx ON t${n - 2} (created_at);\n\n-- +migrate Down notransaction\nDROP INDEX CONCURRENTLY IF EXISTS t${n - 2}_created_${n}_idx;\n`,
  (n) => `-- +migrate Up\nALTER TABLE t${n - 3} ADD CONSTRAINT t${n - 3}_name_len_${n} CHECK (char_length(name) < 200) NOT VALID;\n\n-- +migrate Down\nALTER TABLE t${n - 3} DROP CONSTRAINT t${n - 3}_name_len_${n};\n`,
  (n) => `-- +migrate Up\n-- +migrate StatementBegin\nCREATE FUNCTION touch_${n}() RETURNS trigger AS $$\nBEGIN\n  NEW.created_at := now();\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\n-- +migrate StatementEnd\nCREATE TRIGGER t${n - 4}_touch_${n} BEFORE INSERT ON t${n - 4} FOR EACH ROW EXECUTE FUNCTION touch_${n}();\n\n-- +migrate Down\nDROP TRIGGER t${n - 4}_touch_${n} ON t${n - 4};\nDROP FUNCTION touch_${n}();\n`,
  (n) => `-- +migrate Up\n-- Nachtrag: Einträge ohne Namen bekommen „unbenannt“\nUPDATE t${n - 5} SET name = 'unbenannt' WHERE name = '';\n\n-- +migrate Down\nSELECT 1;\n`,
  (n) => `-- +migrate Up\nCREATE INDEX t${n - 6}_name_${n}_idx ON t${n - 6} (name);\n\n-- +migrate Down\nDROP INDEX t${n - 6}_name_${n}_idx;\n`,
  (n) => `-- +migrate Up\n-- 列名を変更する\nALTER TABLE t${n - 7} RENAME COLUMN note${n - 6} TO remark${n};\n\n-- +migrate Down\nALTER TABLE t${n - 7} RENAME COLUMN remark${n} TO note${n - 6};\n`,
];

/** Writes the 100 migrations into `dir` and returns their paths, sorted. */
export function lintWorkload(dir) {
  mkdirSync(dir, { recursive: true });
  const files = [];
  for (let n = 1; n <= 100; n++) {
    const shape = n < 8 ? SHAPES[0] : SHAPES[n % SHAPES.length];
    const file = join(dir, `2024${String(n).padStart(10, '0')}_m${n}.sql`);
    writeFileSync(file, shape(n));
    files.push(file);
  }
  return files;
}

/** squawk's own binary, behind the npm package's Node launcher. */
function squawkBinary() {
  try {
    return require.resolve(`@squawk-cli/${process.platform}-${process.arch}/bin/squawk`);
  } catch {
    return null;
  }
}

function squawkVersion() {
  const r = spawnSync(squawkCli, ['--version'], { encoding: 'utf8' });
  return r.stdout?.trim().replace(/^squawk\s*/, '') || 'unknown';
}

/** Runs a command for its output; squawk exits 1 when it finds something. */
function output(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, ...env } });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

// A linter exits 1 when it finds something.
const timed = (cmd, args, unset) => timeCommand(cmd, args, { unset, exitCodes: [0, 1] });

/** Precision counts over one linter's findings, by the files' own sections. */
function precision(files, findings, { line, isIndex, isConcurrentInTx }) {
  const info = new Map(files.map((f) => {
    const text = readFileSync(f, 'utf8');
    const lines = text.split('\n');
    const down = lines.findIndex((l) => /^--\s*\+migrate\s+Down/i.test(l)) + 1; // 1-based, 0: none
    const noTx = /^--\s*\+migrate\s+Up\s+notransaction/im.test(text);
    const created = new Set([...text.matchAll(/CREATE TABLE (\w+)/gi)].map((m) => m[1]));
    return [f, { down, noTx, created, lines }];
  }));
  let inDown = 0, sameTableIndex = 0, concurrentInTx = 0;
  for (const f of findings) {
    const s = info.get(resolve(f.file));
    if (!s) continue;
    const l = line(f);
    if (s.down && l >= s.down) inDown++;
    const index = /CREATE\s+(UNIQUE\s+)?INDEX\s+\w+\s+ON\s+(\w+)/i.exec(s.lines[l - 1] ?? '');
    if (isIndex(f) && index && s.created.has(index[2])) sameTableIndex++;
    if (isConcurrentInTx(f) && s.noTx) concurrentInTx++;
  }
  return { total: findings.length, inDown, sameTableIndex, concurrentInTx };
}

/**
 * The editor's lint of one 2,000-line migration: opening it (every statement parsed), then
 * keystrokes, each in another statement, linted as the extension does (parse results of the
 * unchanged statements kept). The lint module is bundled from source, as in the extension, and runs
 * with V8's default flags, as in the extension host.
 */
async function editorLint() {
  const esbuild = await import('esbuild');
  const out = join(root, 'bench', 'work', `lint-${process.pid}.cjs`);
  await esbuild.build({ entryPoints: [join(root, 'src/lint/index.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: out, external: ['libpg-query', 'yaml'], logLevel: 'warning' });
  try {
    const lint = require(out);
    await lint.loadPgParser();
    const body = [];
    for (let n = 0; body.length < 1990; n++) body.push(`ALTER TABLE big ADD COLUMN c${n} text;`, `CREATE INDEX big_c${n}_idx ON big (c${n});`, `UPDATE big SET c${n} = 'x' WHERE id < ${n};`);
    let text = `-- +migrate Up\n${body.join('\n')}\n\n-- +migrate Down\nDROP TABLE big;\n`;
    const cache = new lint.ParseCache();
    let t = performance.now();
    const first = lint.lintText(text, 'big.sql', { parseCache: cache });
    const openMs = performance.now() - t;
    // A keystroke: one more character in a column name of a statement further down each time. The
    // first five are the user starting to type (the first is reported on its own); 21 are timed.
    const keystroke = (i) => {
      const at = text.indexOf(`ADD COLUMN c${i * 20} text;`) + 'ADD COLUMN '.length;
      text = `${text.slice(0, at + 1)}x${text.slice(at + 1)}`;
      t = performance.now();
      const findings = lint.lintText(text, 'big.sql', { parseCache: cache });
      if (findings.length !== first.length) throw new Error(`a keystroke changed the findings (${first.length} -> ${findings.length})`);
      return performance.now() - t;
    };
    const firstKeystrokeMs = keystroke(0);
    for (let i = 1; i < 5; i++) keystroke(i);
    const times = [];
    for (let i = 5; i < 26; i++) times.push(keystroke(i));
    return { lines: text.split('\n').length, openMs, firstKeystrokeMs, keystrokeMs: times, medianMs: median(times), findings: first.length };
  } finally {
    rmSync(out, { force: true });
  }
}

/** Everything above; `unset` names environment variables the timed commands run without. */
export async function lintBench({ reps = 5, unset = [], log = () => {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ml-bench-lint-'));
  try {
    const files = lintWorkload(dir);
    const cli = join(distDir(), 'cli.js');
    const binary = squawkBinary();
    const ours = [], squawk = [], squawkBinaryTimes = [], nodeStart = [], parserAlone = [];
    for (let i = 0; i < reps; i++) {
      // interleaved, so that load on the machine falls on all of them
      ours.push(await timed(process.execPath, [cli, 'lint', '-migrations', dir, '--format', 'json'], unset));
      squawk.push(await timed(squawkCli, ['--reporter', 'json', ...files], unset));
      if (binary) squawkBinaryTimes.push(await timed(binary, ['--reporter', 'json', ...files], unset));
      // The floors: Node starting (squawk-cli's launcher pays it too), and Node plus the grammar
      // parsing the same files with no rule at all (bench/parser-floor.cjs).
      nodeStart.push(await timed(process.execPath, ['-e', ''], unset));
      parserAlone.push(await timed(process.execPath, [join(root, 'bench', 'parser-floor.cjs'), ...files], unset));
      log(`  rep ${i + 1}  migrate-lens ${(ours.at(-1) * 1000).toFixed(0)} ms  squawk-cli ${(squawk.at(-1) * 1000).toFixed(0)} ms${binary ? `  squawk binary ${(squawkBinaryTimes.at(-1) * 1000).toFixed(0)} ms` : ''}  node alone ${(nodeStart.at(-1) * 1000).toFixed(0)} ms  parser alone ${(parserAlone.at(-1) * 1000).toFixed(0)} ms`);
    }
    const oursFindings = JSON.parse(output(process.execPath, [cli, 'lint', '-migrations', dir, '--format', 'json']));
    const squawkFindings = JSON.parse(output(squawkCli, ['--reporter', 'json', ...files]) || '[]');
    // sql-migrate runs every file in a transaction unless told otherwise; squawk has to be told so.
    const squawkInTx = JSON.parse(output(squawkCli, ['--reporter', 'json', '--assume-in-transaction', ...files]) || '[]');
    const squawkRules = {
      line: (f) => f.line + 1, // 0-based in squawk's JSON
      isIndex: (f) => f.rule_name === 'require-concurrent-index-creation',
      isConcurrentInTx: (f) => f.rule_name === 'ban-concurrent-index-creation-in-transaction',
    };
    return {
      migrations: files.length,
      reps,
      squawkVersion: squawkVersion(),
      seconds: { ours, squawk, squawkBinary: squawkBinaryTimes, nodeStart, parserAlone },
      median: { ours: median(ours), squawk: median(squawk), squawkBinary: binary ? median(squawkBinaryTimes) : null, nodeStart: median(nodeStart), parserAlone: median(parserAlone) },
      ratio: median(ours) / median(squawk),
      parserAloneRatio: median(parserAlone) / median(squawk),
      precision: {
        ours: precision(files, oursFindings.map((f) => ({ ...f, file: resolve(dir, '..', f.file) })), {
          line: (f) => f.line,
          isIndex: (f) => f.rule === 'index-without-concurrently',
          isConcurrentInTx: (f) => f.rule === 'concurrently-in-transaction',
        }),
        squawk: precision(files, squawkFindings, squawkRules),
        squawkAssumeInTransaction: precision(files, squawkInTx, squawkRules),
      },
      editor: await editorLint(),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures as lines of text (the bench report and `npm run bench:lint` print them). */
export function lintLines(r) {
  const ms = (s) => `${(s * 1000).toFixed(0)} ms`;
  const p = r.precision;
  return [
    `lint of ${r.migrations} migrations, median of ${r.reps}: migrate-lens ${ms(r.median.ours)}, squawk-cli ${r.squawkVersion} ${ms(r.median.squawk)} (its Rust binary alone ${r.median.squawkBinary == null ? 'not found' : ms(r.median.squawkBinary)}), ratio ${r.ratio.toFixed(2)}× (target ≤ 1.00×: ${r.ratio <= 1 ? 'met' : 'missed'})`,
    `the floors, in the same runs: Node starting alone ${ms(r.median.nodeStart)}; Node loading libpg-query and parsing the same files with no rule at all (bench/parser-floor.cjs) ${ms(r.median.parserAlone)}, ${r.parserAloneRatio.toFixed(2)}× squawk-cli`,
    `findings in all: migrate-lens ${p.ours.total}, squawk ${p.squawk.total}`,
    `findings in Down sections: migrate-lens ${p.ours.inDown}, squawk ${p.squawk.inDown}`,
    `"index not concurrent" on a table created in the same migration: migrate-lens ${p.ours.sameTableIndex}, squawk ${p.squawk.sameTableIndex}`,
    `"CONCURRENTLY in a transaction" on notransaction files: migrate-lens ${p.ours.concurrentInTx}, squawk ${p.squawk.concurrentInTx} (${p.squawkAssumeInTransaction.concurrentInTx} with --assume-in-transaction, which a sql-migrate project needs to catch the real ones)`,
    `editor lint of a ${r.editor.lines.toLocaleString('en')}-line migration after a keystroke: median ${r.editor.medianMs.toFixed(1)} ms of ${r.editor.keystrokeMs.length} (target < 50 ms: ${r.editor.medianMs < 50 ? 'met' : 'missed'}); opening it (every statement parsed, the parser's code still cold): ${r.editor.openMs.toFixed(0)} ms; the first keystroke after: ${r.editor.firstKeystrokeMs.toFixed(1)} ms`,
  ];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--?/, '').split('=')).map(([k, v]) => [k, v ?? true]));
  const unset = args['keep-env'] ? [] : ['NODE_EXTRA_CA_CERTS'].filter((n) => process.env[n] !== undefined);
  const r = await lintBench({ reps: Number(args.reps ?? 5), unset, log: (m) => console.error(m) });
  if (unset.length) console.log(`(timed commands run without ${unset.join(', ')}, as in npm run bench)`);
  for (const line of lintLines(r)) console.log(line);
}
