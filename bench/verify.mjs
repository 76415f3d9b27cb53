#!/usr/bin/env node
// `migrate-lens verify` of 100 migrations in the shapes real projects have, on the throwaway PGlite:
// the CLI timed end to end (median of N, fresh process each time), and the part that is verify's own
// (its --json elapsedMs: every Up, each Down with its two catalog snapshots, everything again), the
// rest being Node's and PGlite's start. Run alone: npm run bench:verify [-- --reps=3]; npm run bench
// runs it beside the rest.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './measure.mjs';
import { distDir } from './dist.mjs';

export const VERIFY_MIGRATIONS = 100;

// Tables with their keys and indexes, columns added with defaults, enums and values added to them,
// views replaced, sequences, check constraints, trigger functions, concurrent indexes in notransaction
// files: each Down undoes its Up, so verify runs every step to the end.
const shapes = [
  (n) => `-- +migrate Up\nCREATE TABLE t${n} (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  name text NOT NULL,\n  owner_id bigint REFERENCES t${Math.max(1, n - 5)} (id),\n  created_at timestamptz NOT NULL DEFAULT now()\n);\nCREATE INDEX t${n}_owner_idx ON t${n} (owner_id);\nCREATE UNIQUE INDEX t${n}_name_key ON t${n} (lower(name));\n\n-- +migrate Down\nDROP TABLE t${n};\n`,
  (n) => `-- +migrate Up\nALTER TABLE t${n - 1} ADD COLUMN note${n} text;\nALTER TABLE t${n - 1} ADD COLUMN active${n} boolean NOT NULL DEFAULT true;\nCOMMENT ON COLUMN t${n - 1}.note${n} IS 'free text';\n\n-- +migrate Down\nALTER TABLE t${n - 1} DROP COLUMN active${n};\nALTER TABLE t${n - 1} DROP COLUMN note${n};\n`,
  (n) => `-- +migrate Up notransaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t${n - 2}_created_${n}_idx ON t${n - 2} (created_at);\n\n-- +migrate Down notransaction\nDROP INDEX CONCURRENTLY IF EXISTS t${n - 2}_created_${n}_idx;\n`,
  (n) => `-- +migrate Up\nCREATE TYPE state${n} AS ENUM ('new', 'active');\nALTER TYPE state${n} ADD VALUE 'closed';\nALTER TABLE t${n - 3} ADD COLUMN state${n} state${n} NOT NULL DEFAULT 'new';\nALTER TABLE t${n - 3} ADD CONSTRAINT t${n - 3}_name_len_${n} CHECK (char_length(name) < 200) NOT VALID;\n\n-- +migrate Down\nALTER TABLE t${n - 3} DROP CONSTRAINT t${n - 3}_name_len_${n};\nALTER TABLE t${n - 3} DROP COLUMN state${n};\nDROP TYPE state${n};\n`,
  (n) => `-- +migrate Up\n-- +migrate StatementBegin\nCREATE FUNCTION touch_${n}() RETURNS trigger AS $$\nBEGIN\n  NEW.created_at := now();\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\n-- +migrate StatementEnd\nCREATE TRIGGER t${n - 4}_touch_${n} BEFORE INSERT ON t${n - 4} FOR EACH ROW EXECUTE FUNCTION touch_${n}();\nCREATE SEQUENCE seq_${n} START 100 INCREMENT 10;\nCREATE VIEW v${n} AS SELECT id, name FROM t${n - 4} WHERE created_at > now() - interval '1 day';\n\n-- +migrate Down\nDROP VIEW v${n};\nDROP SEQUENCE seq_${n};\nDROP TRIGGER t${n - 4}_touch_${n} ON t${n - 4};\nDROP FUNCTION touch_${n}();\n`,
];

/** Writes the 100 migrations into `dir`/migrations; returns that folder. */
export function verifyFolder(dir) {
  const migrations = join(dir, 'migrations');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(migrations, { recursive: true });
  for (let n = 1; n <= VERIFY_MIGRATIONS; n++) {
    const shape = n <= 5 ? shapes[0] : shapes[n % shapes.length];
    writeFileSync(join(migrations, `2024${String(n).padStart(10, '0')}_m${n}.sql`), shape(n));
  }
  return migrations;
}

/** Median wall time and median verify-own time (seconds) of `reps` runs of the CLI. */
export function verifyBench(root, { reps = 3, unset = [] } = {}) {
  const dir = join(root, 'verify');
  const migrations = verifyFolder(dir);
  const env = { ...process.env, MIGRATE_LENS_COMPILE_CACHE: 'off' };
  for (const name of ['DATABASE_URL', ...unset]) delete env[name];
  const wall = [];
  const own = [];
  try {
    for (let i = 0; i < reps; i++) {
      const start = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [join(distDir(), 'cli.js'), 'verify', '--json', '-migrations', migrations], { cwd: dir, env, encoding: 'utf8', maxBuffer: 16 << 20 });
      wall.push(Number(process.hrtime.bigint() - start) / 1e9);
      let out;
      try {
        out = JSON.parse(r.stdout);
      } catch {
        throw new Error(`verify exited ${r.status}: ${r.stderr.slice(-2000)}`);
      }
      if (!out.ok || out.verified !== VERIFY_MIGRATIONS) throw new Error(`verify of the bench folder did not pass: ${JSON.stringify(out.failure)}`);
      own.push(out.elapsedMs / 1000);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { migrations: VERIFY_MIGRATIONS, reps, median: median(wall), ownMedian: median(own), wall, own };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--?/, '').split('=')));
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const root = mkdtempSync(join(tmpdir(), 'ml-bench-verify-'));
  try {
    const r = verifyBench(root, { reps: Number(args.reps ?? 3) });
    console.log(
      `verify of ${r.migrations} migrations on PGlite, median of ${r.reps}: ${r.median.toFixed(2)} s end to end ` +
        `(verify itself ${r.ownMedian.toFixed(2)} s; the rest is Node's and PGlite's start); target < 20 s: ${r.median < 20 ? 'met' : 'missed'}`,
    );
    console.log(`runs: ${r.wall.map((s) => s.toFixed(2)).join(', ')} s end to end; ${r.own.map((s) => s.toFixed(2)).join(', ')} s verify itself`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
