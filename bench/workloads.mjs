// Deterministic workload generator. A workload is a list of migrations in a
// tool-neutral form ({ version, name, up: [sql], down: [sql] }); each tool
// adapter writes them in its own file format, so every tool runs the same SQL.

const BASE_TIME = Date.UTC(2020, 0, 1, 0, 0, 0);

/** 14-digit version: 2020-01-01 00:00:00 plus `index` seconds, as YYYYMMDDHHMMSS. */
export function versionFor(index) {
  return new Date(BASE_TIME + index * 1000).toISOString().replace(/\D/g, '').slice(0, 14);
}

function pad(n) {
  return String(n).padStart(5, '0');
}

/** `SELECT 1`-class migration that still leaves a trace to verify: one INSERT, Down deletes it. */
function trivialMigration(i) {
  return {
    version: versionFor(i),
    name: `insert_${pad(i)}`,
    up: [`INSERT INTO bench_log (v) VALUES (${i});`],
    down: [`DELETE FROM bench_log WHERE v = ${i};`],
  };
}

function ddlMigration(i) {
  const t = `bench_t_${pad(i)}`;
  return {
    version: versionFor(i),
    name: `create_${t}`,
    up: [
      `CREATE TABLE ${t} (id bigint PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());`,
      `CREATE INDEX ${t}_name_idx ON ${t} (name);`,
    ],
    down: [`DROP TABLE ${t};`],
  };
}

const countLog = 'SELECT count(*)::int AS n FROM bench_log';
const countTables = "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'bench\\_t\\_%'";

/**
 * @param {number} count
 * @returns the trivial workload: setup SQL (run untimed before each tool), the
 * migrations, and a query whose `n` must equal `count` after apply and 0 after roll back.
 */
export function trivialWorkload(count) {
  return {
    name: `trivial-${count}`,
    title: `${count.toLocaleString('en')} trivial migrations (one INSERT each)`,
    setup: 'CREATE TABLE bench_log (v integer PRIMARY KEY);',
    verify: countLog,
    migrations: Array.from({ length: count }, (_, i) => trivialMigration(i + 1)),
  };
}

export function ddlWorkload(count) {
  return {
    name: `ddl-${count}`,
    title: `${count.toLocaleString('en')} DDL migrations (CREATE TABLE + CREATE INDEX)`,
    setup: '',
    verify: countTables,
    migrations: Array.from({ length: count }, (_, i) => ddlMigration(i + 1)),
  };
}

/** Small seeded PRNG (mulberry32) so the data file is byte-for-byte reproducible. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['alpha', 'beta', 'gamma', "it''s", 'semi;colon', '$dollar', '--not a comment', '/* nor this */', 'tab\\t', 'ünïcödé', 'quote"d'];

function pick(rand, list) {
  return list[Math.floor(rand() * list.length)];
}

function functionBody(n, rand) {
  const tag = n % 2 ? '$$' : `$fn${n}$`;
  return [
    `CREATE OR REPLACE FUNCTION bench_fn_${n}(x integer) RETURNS text LANGUAGE plpgsql AS ${tag}`,
    'DECLARE',
    "  s text := 'a;b';",
    'BEGIN',
    '  -- a comment with ; inside',
    `  IF x > ${Math.floor(rand() * 100)} THEN RETURN 'big; ' || x; END IF;`,
    `  RETURN $q$quoted; ${pick(rand, WORDS)}$q$ || s;`,
    'END;',
    `${tag};`,
  ].join('\n');
}

function insertStatement(n, rand) {
  const rows = [];
  for (let r = 0; r < 8; r++) {
    const id = n * 8 + r;
    const word = pick(rand, WORDS);
    const amount = (rand() * 10000).toFixed(2);
    rows.push(`  (${id}, '${word} ${id}', E'line\\n${word}', ${amount}, '{"k": ${id}, "s": "x;y"}')`);
  }
  return `INSERT INTO bench_data (id, label, note, amount, doc) VALUES\n${rows.join(',\n')};`;
}

/**
 * One big data migration in sql-migrate format, at least `bytes` long:
 * many multi-row INSERTs, a dollar-quoted function every 50 statements, and
 * a block comment every 200, so the parser meets every lexical case.
 */
export function dataMigrationText(bytes) {
  const rand = prng(20200101);
  const parts = [
    '-- +migrate Up',
    '/* generated data migration /* with a nested comment */ for parser throughput */',
    'CREATE TABLE bench_data (id bigint PRIMARY KEY, label text, note text, amount numeric, doc jsonb);',
  ];
  let size = parts.join('\n').length;
  let downFunctions = 0;
  for (let n = 0; size < bytes; n++) {
    let part;
    if (n % 50 === 49) {
      part = functionBody(downFunctions++, rand);
    } else if (n % 200 === 100) {
      part = `/* block ${n}; /* nested ; */ still comment */\n${insertStatement(n, rand)}`;
    } else {
      part = insertStatement(n, rand);
    }
    parts.push(part);
    size += Buffer.byteLength(part) + 1;
  }
  parts.push('', '-- +migrate Down');
  for (let f = 0; f < downFunctions; f++) parts.push(`DROP FUNCTION bench_fn_${f}(integer);`);
  parts.push('DROP TABLE bench_data;', '');
  return parts.join('\n');
}

/** The statements of one direction as one SQL text, the way every file format embeds it. */
export function sqlText(statements) {
  return statements.join('\n');
}
