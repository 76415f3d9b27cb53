#!/usr/bin/env node
// npm run bench:lint [-- --reps=5]
//
// The linter beside squawk-cli (npm, the Rust linter) on the same folder of 100 realistic migrations:
// wall time of each CLI, median of N runs, and the ratio; the editor's lint of a 2,000-line migration
// after a keystroke (in-process, parser loaded); and precision counts where a linter that reads a
// sql-migrate file as one script goes wrong: findings in Down sections, "index not concurrent" on a
// table the same migration created, "CONCURRENTLY in a transaction" on notransaction files.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--?/, '').split('=')));
const reps = Number(args.reps ?? 5);
const cli = join(root, 'dist/cli.js');
const squawk = join(root, 'node_modules/.bin/squawk');

// 100 migrations in the shapes real projects have: tables with their indexes, columns added with and
// without defaults, concurrent indexes in notransaction files, constraints, renames, data fixes.
function folder() {
  const dir = mkdtempSync(join(tmpdir(), 'ml-bench-lint-'));
  const shapes = [
    (n) => `-- +migrate Up\nCREATE TABLE t${n} (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  name text NOT NULL,\n  owner_id bigint REFERENCES t${Math.max(0, n - 1)} (id),\n  created_at timestamptz NOT NULL DEFAULT now()\n);\nCREATE INDEX t${n}_owner_idx ON t${n} (owner_id);\nCREATE UNIQUE INDEX t${n}_name_key ON t${n} (lower(name));\n\n-- +migrate Down\nDROP INDEX t${n}_name_key;\nDROP INDEX t${n}_owner_idx;\nDROP TABLE t${n};\n`,
    (n) => `-- +migrate Up\nALTER TABLE t${n - 1} ADD COLUMN note${n} text;\nALTER TABLE t${n - 1} ADD COLUMN active${n} boolean NOT NULL DEFAULT true;\n\n-- +migrate Down\nALTER TABLE t${n - 1} DROP COLUMN active${n};\nALTER TABLE t${n - 1} DROP COLUMN note${n};\n`,
    (n) => `-- +migrate Up notransaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t${n - 2}_created_${n}_idx ON t${n - 2} (created_at);\n\n-- +migrate Down notransaction\nDROP INDEX CONCURRENTLY IF EXISTS t${n - 2}_created_${n}_idx;\n`,
    (n) => `-- +migrate Up\nALTER TABLE t${n - 3} ADD CONSTRAINT t${n - 3}_name_len_${n} CHECK (char_length(name) < 200) NOT VALID;\n\n-- +migrate Down\nALTER TABLE t${n - 3} DROP CONSTRAINT t${n - 3}_name_len_${n};\n`,
    (n) => `-- +migrate Up\n-- +migrate StatementBegin\nCREATE FUNCTION touch_${n}() RETURNS trigger AS $$\nBEGIN\n  NEW.created_at := now();\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\n-- +migrate StatementEnd\nCREATE TRIGGER t${n - 4}_touch_${n} BEFORE INSERT ON t${n - 4} FOR EACH ROW EXECUTE FUNCTION touch_${n}();\n\n-- +migrate Down\nDROP TRIGGER t${n - 4}_touch_${n} ON t${n - 4};\nDROP FUNCTION touch_${n}();\n`,
  ];
  for (let n = 1; n <= 100; n++) {
    const shape = n < 5 ? shapes[0] : shapes[n % shapes.length];
    writeFileSync(join(dir, `2024${String(n).padStart(10, '0')}_m${n}.sql`), shape(n));
  }
  return dir;
}

function time(cmd, argv) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, stdout: r.stdout };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = folder();
try {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort().map((f) => join(dir, f));
  const ours = [], theirs = [];
  let oursOut = '', theirsOut = '';
  for (let i = 0; i < reps; i++) {
    // interleaved, so that load on the machine falls on both
    const a = time(process.execPath, [cli, 'lint', '-migrations', dir, '--format', 'json']);
    const b = time(squawk, ['--reporter', 'json', ...files]);
    ours.push(a.ms);
    theirs.push(b.ms);
    oursOut = a.stdout;
    theirsOut = b.stdout;
  }
  const mo = median(ours), mt = median(theirs);
  console.log(`lint of ${files.length} migrations, median of ${reps}: migrate-lens ${mo.toFixed(0)} ms, squawk ${mt.toFixed(0)} ms, ratio ${(mo / mt).toFixed(2)}x`);

  // Precision: where each finding is, by the file's own sections.
  const sections = new Map(files.map((f) => {
    const lines = readFileSync(f, 'utf8').split('\n');
    const down = lines.findIndex((l) => /^--\s*\+migrate\s+Down/i.test(l)) + 1; // 1-based, 0: none
    const noTx = /^--\s*\+migrate\s+Up\s+notransaction/im.test(lines.join('\n'));
    const created = new Set([...lines.join('\n').matchAll(/CREATE TABLE (\w+)/gi)].map((m) => m[1]));
    return [f, { down, noTx, created, lines }];
  }));
  const count = (findings, line1, rulePred) => {
    let inDown = 0, sameTableIndex = 0, concInTx = 0;
    for (const f of findings) {
      const s = sections.get(f.file);
      if (!s) continue;
      const line = line1(f);
      if (s.down && line >= s.down) inDown++;
      const text = s.lines[line - 1] ?? '';
      const idx = /CREATE\s+(UNIQUE\s+)?INDEX\s+\w+\s+ON\s+(\w+)/i.exec(text);
      if (rulePred.index(f) && idx && s.created.has(idx[2])) sameTableIndex++;
      if (rulePred.concurrentTx(f) && s.noTx) concInTx++;
    }
    return { inDown, sameTableIndex, concInTx, total: findings.length };
  };
  const oursF = JSON.parse(oursOut).map((f) => ({ ...f, file: resolve(f.file) }));
  const theirsF = JSON.parse(theirsOut);
  const a = count(oursF, (f) => f.line, { index: (f) => f.rule === 'index-without-concurrently', concurrentTx: (f) => f.rule === 'concurrently-in-transaction' });
  const b = count(theirsF, (f) => f.line + 1, { index: (f) => f.rule_name === 'require-concurrent-index-creation', concurrentTx: (f) => f.rule_name === 'ban-concurrent-index-creation-in-transaction' });
  console.log(`findings in all: migrate-lens ${a.total}, squawk ${b.total}`);
  console.log(`findings in Down sections: migrate-lens ${a.inDown}, squawk ${b.inDown}`);
  console.log(`"index not concurrent" on a table created in the same migration: migrate-lens ${a.sameTableIndex}, squawk ${b.sameTableIndex}`);
  console.log(`"CONCURRENTLY in a transaction" on notransaction files: migrate-lens ${a.concInTx}, squawk ${b.concInTx}`);

  // The editor's lint after a keystroke: one 2,000-line migration, parser already loaded.
  const require = createRequire(import.meta.url);
  const esbuild = await import('esbuild');
  await esbuild.build({ entryPoints: [join(root, 'src/lint/index.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: join(root, 'dist', 'bench-lint.cjs'), external: ['libpg-query', 'yaml'], logLevel: 'warning' });
  const lint = require(join(root, 'dist', 'bench-lint.cjs'));
  await lint.loadPgParser();
  const body = [];
  for (let n = 0; body.length < 1990; n++) body.push(`ALTER TABLE big ADD COLUMN c${n} text;`, `CREATE INDEX big_c${n}_idx ON big (c${n});`, `UPDATE big SET c${n} = 'x' WHERE id < ${n};`);
  const big = `-- +migrate Up\n${body.join('\n')}\n\n-- +migrate Down\nDROP TABLE big;\n`;
  const times = [];
  for (let i = 0; i < 21; i++) {
    const t = performance.now();
    lint.lintText(big, 'big.sql');
    times.push(performance.now() - t);
  }
  console.log(`editor lint of a ${big.split('\n').length}-line migration: median ${median(times).toFixed(1)} ms of 21 (target < 50 ms)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
