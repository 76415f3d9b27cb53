import { fileURLToPath } from 'node:url';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sqlText } from '../workloads.mjs';

const runner = fileURLToPath(new URL('./runners/node-pg.mjs', import.meta.url));

const transactions = (migrations, direction) =>
  JSON.stringify(migrations.map((m) => `BEGIN;\n${sqlText(m[direction])}\nCOMMIT;`));

// A reference, not a tool: node + pg sending each migration as one simple
// query (BEGIN; ...; COMMIT), no history table, no file reading or parsing.
export default {
  name: 'node-pg (raw)',
  note: 'reference: node + pg, one simple query per migration (`BEGIN; …; COMMIT`), SQL pre-packed in a JSON file, no history',
  available: () => null,
  prepare(workload, root) {
    const dir = join(root, 'node-pg');
    mkdirSync(dir, { recursive: true });
    const files = { apply: join(dir, 'up.json'), rollback: join(dir, 'down.json') };
    writeFileSync(files.apply, transactions(workload.migrations, 'up'));
    writeFileSync(files.rollback, transactions([...workload.migrations].reverse(), 'down'));
    return files;
  },
  phases(files) {
    const run = (file) => ({ cmd: process.execPath, args: [runner, file] });
    return { apply: run(files.apply), noop: null, rollback: run(files.rollback) };
  },
};
