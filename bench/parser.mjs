// Parser throughput: `node bench/parser.mjs FILE REPS` prints JSON with the
// seconds parseMigration and splitStatements take on FILE, each run REPS times.
import { readFileSync } from 'node:fs';
import { engineInternals } from './dist.mjs';

// The parser is internal to the engine (not in the library's exports): bundled from source.
const { parseMigration, splitStatements } = await engineInternals();

const [file, reps = '3'] = process.argv.slice(2);
const text = readFileSync(file, 'utf8');

function time(fn) {
  const start = process.hrtime.bigint();
  const result = fn();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, result };
}

const parse = [];
const split = [];
let statements = 0;
for (let i = 0; i < Number(reps); i++) {
  const p = time(() => parseMigration(text, file));
  parse.push(p.seconds);
  statements = p.result.up?.statements?.length ?? statements;
  split.push(time(() => splitStatements(text)).seconds);
}
console.log(JSON.stringify({ bytes: Buffer.byteLength(text), upStatements: statements, parse, split }));
