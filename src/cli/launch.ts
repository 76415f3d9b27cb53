// The `migrate-lens` command: runs the CLI bundle (cli-main.js beside this file) with V8's code cache
// kept between runs (see compile-cache.ts), and writes the cache as the process exits, once the run
// has compiled what it needed.
import { join } from 'node:path';
import { cacheDir, runCached } from './compile-cache';

// The cache is per command; a run with none (help, a usage error) shares one named "other". The
// command list lives with the commands (src/cli/commands/index.ts), which this small launcher does
// not load: a word shaped like a command name stands for it, anything else is "other".
const command = process.argv.slice(2).find((a) => /^[a-z][a-z-]{0,40}$/.test(a)) ?? 'other';
const run = runCached(join(__dirname, 'cli-main.js'), cacheDir(process.env), command);
process.on('exit', () => run.save());
(run.exports.main as () => void)();
