// The floor under any linter built on libpg-query in Node: start Node, load the WebAssembly grammar and
// parse every file given, one call per file, with no rule, no output and the V8 flags `lint` uses.
// bench/lint.mjs times it beside `migrate-lens lint` and squawk-cli: when this alone is slower than
// squawk-cli, no linter on this parser can be as fast, whatever its rules cost.
'use strict';
const { setFlagsFromString } = require('node:v8');
const { readFileSync } = require('node:fs');

setFlagsFromString('--liftoff-only');
setFlagsFromString('--no-opt');
const lib = require('libpg-query');
const ready = lib.loadModule();
const texts = process.argv.slice(2).map((f) => readFileSync(f, 'utf8'));
ready.then(() => {
  let statements = 0;
  for (const text of texts) statements += lib.parseSync(text).stmts?.length ?? 0;
  process.stdout.write(`${texts.length} files, ${statements} statements\n`);
});
