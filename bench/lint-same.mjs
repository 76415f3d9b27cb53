#!/usr/bin/env node
// node bench/lint-same.mjs --before=PATH/cli.js [--after=dist/cli.js]
//
// A speed change to the linter must not change what it finds: lints the lint bench's 100 migrations
// (bench/lint.mjs) with two builds of the CLI, text, json and sarif, and fails unless every output and
// exit code is the same. Keep the build from before the change somewhere first, e.g.
// `git stash; npm run build; cp dist/cli.js bench/work/cli-before.js; git stash pop; npm run build`
// (a copy under bench/work finds node_modules and, in dist/, the grammar's WebAssembly beside it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { lintWorkload } from './lint.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--?/, '').split('=')));
if (!args.before) {
  console.error('usage: node bench/lint-same.mjs --before=PATH/cli.js [--after=dist/cli.js]');
  process.exit(2);
}
const before = resolve(args.before);
const after = resolve(args.after ?? 'dist/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'ml-lint-same-'));
let failed = false;
try {
  lintWorkload(dir);
  for (const format of ['json', 'text', 'sarif']) {
    // Run inside the folder, so the file names in the output do not carry the temporary path.
    const run = (cli) => spawnSync(process.execPath, [cli, 'lint', '-migrations', '.', '--format', format], { cwd: dir, encoding: 'utf8' });
    const a = run(before);
    const b = run(after);
    const same = a.status === b.status && a.stdout === b.stdout && a.stderr === b.stderr;
    const count = format === 'json' ? `${JSON.parse(b.stdout).length} findings, ` : '';
    console.log(`${format}: ${same ? 'same' : 'DIFFERENT'} (${count}exit ${b.status}, ${b.stdout.length} characters)`);
    if (!same) failed = true;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
