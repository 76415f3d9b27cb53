#!/usr/bin/env node
// The in-extension-host suite (test/e2e/host/index.js) under desktop VS Code via @vscode/test-electron,
// for machines that can download VS Code (test-electron fetches it from update.code.visualstudio.com
// into .vscode-test/). Offline CI runs the same suite inside code-server instead: `npm run e2e`.
//
//   npm run build && npm run e2e:electron
//   VSCODE_EXECUTABLE=/path/to/code npm run e2e:electron   # use an installed VS Code, no download
//
// Uses the development folder (dist/extension.js), a fresh database on TEST_DATABASE_URL or
// 127.0.0.1:5432 and a workspace with a copy of examples/migrations. Prints "N passed, M failed".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';
import { createDatabase } from './lib/database.mjs';
import { createWorkspace } from './lib/workspace.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
// engines.vscode is ^1.100.0; test on the oldest release we claim to support.
const VSCODE_VERSION = process.env.VSCODE_VERSION || '1.100.3';

if (!fs.existsSync(path.join(REPO, 'dist', 'extension.js'))) {
  console.error('dist/extension.js is missing: run `npm run build` first');
  process.exit(2);
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-lens-electron-'));
const resultsFile = path.join(root, 'host-results.json');
const db = await createDatabase();
const ws = createWorkspace({ root, name: 'workspace', examplesDir: path.join(REPO, 'examples', 'migrations'), databaseUrl: db.url });
let summary = '0 passed, 1 failed';
let code = 1;
try {
  await runTests({
    ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : { version: VSCODE_VERSION }),
    extensionDevelopmentPath: REPO,
    extensionTestsPath: path.join(HERE, 'host', 'index.js'),
    extensionTestsEnv: { MIGRATE_LENS_E2E_RESULTS: resultsFile, MIGRATE_LENS_E2E_DB: db.url },
    launchArgs: [ws.dir, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', path.join(root, 'user-data')],
  });
  code = 0;
} catch (err) {
  console.error('VS Code test run failed:', err.message ?? err);
} finally {
  await db.drop().catch((e) => console.error(`dropping ${db.name}:`, e.message));
}
if (fs.existsSync(resultsFile)) {
  const { results, summary: s } = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  for (const r of results) console.log(`${r.ok ? 'PASS' : 'FAIL'} ${r.name}${r.ok ? '' : '\n  ' + r.error.split('\n')[0]}`);
  summary = s;
  if (results.some((r) => !r.ok)) code = 1;
}
fs.rmSync(root, { recursive: true, force: true });
console.log(summary);
process.exit(code);
