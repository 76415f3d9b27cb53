#!/usr/bin/env node
// End-to-end suite: the packaged extension in a real VS Code 1.100 workbench (code-server),
// driven by Debian's Chromium through playwright-core, against a fresh PostgreSQL database.
//
//   npm run e2e                       package the .vsix, run all suites
//   npm run e2e -- --screenshot       also refresh media/screenshot.png, environments.png, multiroot.png when everything passes
//   npm run e2e -- --vsix FILE        test an existing .vsix instead of packaging
//   npm run e2e -- --suite ui,host,lint,multiroot,environments,scale,firstview,untrusted,adopt   run only some suites
//   npm run e2e -- --keep             keep the temporary folder (workspaces, logs, screenshots)
//
// Needs test/e2e/setup.sh to have run (code-server in the cache folder, chromium).
// The last line is "N passed, M failed"; the exit code is non-zero when anything failed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CodeServer, defaultCacheDir } from './lib/code-server.mjs';
import { createDatabase } from './lib/database.mjs';
import { Report } from './lib/report.mjs';
import { createEnvironmentsWorkspace, createMultiRootWorkspace, createScaleWorkspace, createWorkspace, createZeroConfigWorkspace } from './lib/workspace.mjs';
import net from 'node:net';
import { Workbench, launchBrowser } from './lib/workbench.mjs';
import { partialScenarios, progressScenarios, recoveryScenarios, trustedScenarios } from './scenarios/trusted.mjs';
import { untrustedScenarios } from './scenarios/untrusted.mjs';
import { lintScenarios, writeLintUiFile } from './scenarios/lint.mjs';
import { firstViewScenarios } from './scenarios/first-view.mjs';
import { adoptScenarios, hasSqlMigrate, prepareAdoptProject } from './scenarios/adopt.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const EXTENSION_ID = 'migrate-lens.migrate-lens';

const { values: opts } = parseArgs({
  options: {
    vsix: { type: 'string' },
    'cache-dir': { type: 'string', default: process.env.MIGRATE_LENS_E2E_CACHE || defaultCacheDir() },
    examples: { type: 'string', default: path.join(REPO, 'examples', 'migrations') },
    suite: { type: 'string', default: 'ui,host,lint,multiroot,environments,scale,firstview,untrusted,adopt' },
    screenshot: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const suites = new Set(opts.suite.split(','));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-lens-e2e-'));
const report = new Report(path.join(root, 'screenshots'));
report.log('work folder', root);
report.log('screenshots of failed checks go to', report.shotsDir);

function sh(cmd, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${out.slice(-3000)}`))));
  });
}

async function packageExtension() {
  if (opts.vsix) return path.resolve(opts.vsix);
  const vsix = path.join(root, 'migrate-lens.vsix');
  const t = Date.now();
  await sh('npm', ['run', '--silent', 'package', '--', '--out', vsix], REPO);
  report.log(`packaged ${path.relative(REPO, vsix) || vsix} in ${Date.now() - t} ms (${(fs.statSync(vsix).size / 1e6).toFixed(1)} MB)`);
  return vsix;
}

/** One suite = its own database, workspace and code-server; everything is cleaned up after. */
const cleanups = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    report.log(`${signal}: cleaning up`);
    for (const c of [...cleanups].reverse()) await c().catch(() => {});
    process.exit(130);
  });
}

async function withSuite(name, { trust = false, env = {}, examplesDir = opts.examples, otherNames = false }, body) {
  const db = await createDatabase();
  const dropDb = () => db.drop().catch((e) => report.log(`dropping ${db.name}:`, e.message));
  cleanups.add(dropDb);
  let server;
  const stopServer = () => server?.stop().catch((e) => report.log('stopping code-server:', e.message)) ?? Promise.resolve();
  cleanups.add(stopServer);
  try {
    const ws = createWorkspace({ root, name: `${name}-workspace`, examplesDir, databaseUrl: db.url, otherNames });
    server = new CodeServer({ cacheDir: opts['cache-dir'], root, trust, name, env });
    report.log(`suite "${name}": database ${db.name}, workspace ${ws.dir}, log ${server.logFile}`);
    await body({ db, ws, server });
  } finally {
    await stopServer();
    await dropDb();
    cleanups.delete(stopServer);
    cleanups.delete(dropDb);
  }
}

async function withPage(browser, fn) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  report.page = page;
  try {
    return await fn(page);
  } finally {
    report.page = null;
    await context.close();
  }
}

async function uiSuite(browser, vsix, { trust }) {
  const name = trust ? 'untrusted' : 'ui';
  await withSuite(name, { trust }, async ({ db, ws, server }) => {
    const installed = await report.check(`${name}: the .vsix installs into code-server`, async () => {
      const out = await server.installExtension(vsix);
      if (!/successfully installed/i.test(out)) throw new Error(out);
    });
    if (!installed) return;
    await server.start(ws.dir);
    await withPage(browser, async (page) => {
      const wb = new Workbench(page);
      const opened = await report.check(`${name}: the workbench opens the workspace`, () => wb.open(server.url(ws.dir)));
      if (!opened) return;
      if (trust) {
        await untrustedScenarios({ report, wb, ws, db });
      } else {
        const shot = path.join(report.shotsDir, 'screenshot.png');
        await trustedScenarios({ report, wb, ws, db, server, screenshotPath: shot });
        await recoveryScenarios({ report, wb, ws, db });
        await progressScenarios({ report, wb, ws, db });
        await partialScenarios({ report, wb, ws, db });
        if (opts.screenshot && report.failed === 0 && fs.existsSync(shot)) {
          fs.copyFileSync(shot, path.join(REPO, 'media', 'screenshot.png'));
          report.log('updated media/screenshot.png');
        }
      }
    });
  });
}

/**
 * The linter in the editor: test/e2e/host/lint.js in the extension host (diagnostics while typing,
 * quick fixes, exact places), then scenarios/lint.mjs through the UI (Problems panel, Ctrl+. menu).
 */
async function lintSuite(browser, vsix) {
  const resultsFile = path.join(root, 'lint-results.json');
  await withSuite('lint', { env: { MIGRATE_LENS_E2E_RESULTS: resultsFile } }, async ({ ws, server }) => {
    await runHostTests(browser, vsix, { name: 'lint', server, target: ws.dir, testsFile: 'lint.js', resultsFile });
    await server.stop();
    const installed = await report.check('lint ui: the .vsix installs into code-server', async () => {
      const out = await server.installExtension(vsix);
      if (!/successfully installed/i.test(out)) throw new Error(out);
    });
    if (!installed) return;
    writeLintUiFile(ws);
    await server.start(ws.dir);
    await withPage(browser, async (page) => {
      const wb = new Workbench(page);
      if (await report.check('lint ui: the workbench opens the workspace', () => wb.open(server.url(ws.dir)))) await lintScenarios({ report, wb, ws });
    });
  });
}

/**
 * A project sql-migrate has been migrating (test/fixtures/adopt/sql-migrate, in git, the first three
 * files applied by the real sql-migrate): "Adopt History from sql-migrate" through the workbench.
 */
async function adoptSuite(browser, vsix) {
  if (!hasSqlMigrate()) {
    report.blocked('adopt: "Adopt History from sql-migrate" in the workbench', 'sql-migrate (Debian package sql-migrate) is not installed');
    return;
  }
  const examplesDir = path.join(REPO, 'test', 'fixtures', 'adopt', 'sql-migrate', 'migrations');
  await withSuite('adopt', { examplesDir, otherNames: true }, async ({ db, ws, server }) => {
    const installed = await report.check('adopt: the .vsix installs into code-server', async () => {
      const out = await server.installExtension(vsix);
      if (!/successfully installed/i.test(out)) throw new Error(out);
    });
    if (!installed) return;
    prepareAdoptProject({ ws, db, root });
    await server.start(ws.dir);
    await withPage(browser, async (page) => {
      const wb = new Workbench(page);
      if (await report.check('adopt: the workbench opens the workspace', () => wb.open(server.url(ws.dir)))) await adoptScenarios({ report, wb, ws, db });
    });
  });
}

/**
 * Installs the .vsix into a folder code-server does not scan, loads it as the development
 * extension (the tests see exactly what ships) and runs `testsFile` inside its extension host.
 * Each result becomes a check named `<name>: …`.
 */
async function runHostTests(browser, vsix, { name, server, target, testsFile, resultsFile, shotOnSuccess }) {
  const unpacked = path.join(root, `${name}-unpacked`);
  const ok = await report.check(`${name}: the .vsix installs into code-server`, async () => {
    const out = await server.installExtension(vsix, unpacked);
    if (!/successfully installed/i.test(out)) throw new Error(out);
  });
  if (!ok) return;
  const extFolder = fs.readdirSync(unpacked).find((d) => d.startsWith(EXTENSION_ID + '-'));
  await server.start(target);
  const payload = [
    ['extensionDevelopmentPath', server.remoteUri(path.join(unpacked, extFolder))],
    ['extensionTestsPath', server.remoteUri(path.join(HERE, 'host', testsFile))],
  ];
  let exitCode;
  await withPage(browser, async (page) => {
    let resolveExit;
    const exited = new Promise((resolve) => { resolveExit = resolve; });
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
    page.on('console', (m) => {
      const text = m.text();
      if (!text.includes('[host]')) return;
      report.log(' ', text.replace(/^.*?\[host\]/, '[host]'));
      // "[host] keys <marker> <json>": the tests ask for keys typed into the workbench (an input box
      // the API cannot fill); the result goes into the marker file, which the tests wait for.
      const keys = /\[host\] keys (\S+) (.*)$/.exec(text);
      if (keys) {
        workbenchKeys(page, JSON.parse(keys[2]))
          .then((out) => ({ ok: true, out }), (e) => ({ ok: false, error: String(e?.message ?? e) }))
          .then((result) => fs.writeFileSync(keys[1], JSON.stringify(result)));
        return;
      }
      // "[host] screenshot <marker>": the tests hold the workbench still until the marker file exists.
      const shot = /\[host\] screenshot (\S+)/.exec(text);
      if (shot) {
        const to = shotOnSuccess ?? path.join(report.shotsDir, `${name}-host.png`);
        page.mouse.move(1000, 480)
          .then(() => page.screenshot({ path: to }))
          .catch((e) => report.log('screenshot failed:', e.message))
          .finally(() => fs.writeFileSync(shot[1], 'done'));
      }
    });
    await page.goto(server.url(target, payload));
    let timer;
    const timeout = new Promise((r) => { timer = setTimeout(() => r('timeout after 240 s'), 240_000); });
    exitCode = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    if (exitCode !== 0) await report.screenshot(`${name}-exit`);
  });
  report.log(`${name}: extension host test run exited with`, exitCode);
  if (!fs.existsSync(resultsFile)) {
    report.blocked(`${name}: in-extension-host tests`, `no results written (exit ${exitCode}); see ${server.logFile} and ${server.userDataDir}/logs`);
    return;
  }
  for (const r of JSON.parse(fs.readFileSync(resultsFile, 'utf8')).results) {
    report.results.push({ name: `${name}: ` + r.name, ok: r.ok, error: r.error });
    if (!r.ok) report.log(`  ${name} FAIL`, r.name, '\n    ' + r.error.split('\n').slice(0, 4).join('\n    '));
  }
}

/**
 * Steps asked for by an in-host test: `{ waitFor: selector, hasText?, focused? }` (until visible; with
 * `focused`, until it has the keyboard focus too), `{ type: text }`, `{ press: key }`, `{ read: selector }`
 * (its text goes into the result under that selector).
 */
async function workbenchKeys(page, steps) {
  const out = {};
  for (const step of steps) {
    if (step.waitFor) {
      const target = page.locator(step.waitFor, step.hasText ? { hasText: step.hasText } : {}).first();
      await target.waitFor({ state: 'visible', timeout: 20_000 });
      if (step.focused) await focusOn(page, target, step.waitFor);
    }
    if (step.type !== undefined) await page.keyboard.type(step.type);
    if (step.press) await page.keyboard.press(step.press);
    if (step.read) out[step.read] = await page.locator(step.read).first().innerText({ timeout: 5_000 }).catch(() => '');
  }
  return out;
}

/**
 * Waits until `target` has the keyboard focus. An input box that ignores focus-out stays on screen
 * when something else takes the focus after it opened (seen once: the protected-name box of
 * suite "environments" open and empty, "stagin" typed elsewhere); keys typed then go elsewhere.
 * If the focus has not come within 5 s, says where it is and clicks the box, as a user would.
 */
async function focusOn(page, target, what) {
  const focused = () => target.evaluate((e) => e === document.activeElement).catch(() => false);
  const deadline = Date.now() + 5_000;
  while (!(await focused())) {
    if (Date.now() > deadline) {
      const where = await page.evaluate(() => {
        const a = document.activeElement;
        return a ? `${a.tagName.toLowerCase()}.${String(a.className).trim().split(/\s+/).slice(0, 3).join('.')} in ${a.closest('.part, iframe, .quick-input-widget')?.className.split(' ').slice(0, 3).join('.') ?? '?'}` : 'nothing';
      }).catch(() => '?');
      report.log(`  [keys] ${what} is shown but the focus is on ${where}; clicking it`);
      await target.click({ timeout: 10_000 });
      if (!(await focused())) throw new Error(`${what} does not take the focus (it is on ${where})`);
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs test/e2e/host/index.js inside the extension host of the packaged extension. */
async function hostSuite(browser, vsix) {
  const resultsFile = path.join(root, 'host-results.json');
  await withSuite('host', { env: { MIGRATE_LENS_E2E_RESULTS: resultsFile } }, async ({ ws, server }) => {
    await runHostTests(browser, vsix, { name: 'host', server, target: ws.dir, testsFile: 'index.js', resultsFile });
  });
}

/**
 * Two workspace folders (app, billing) with their own migrations and databases, both starting at
 * version 20240101000001: test/e2e/host/multiroot.js checks that every command lands in the right one.
 */
async function multiRootSuite(browser, vsix) {
  const resultsFile = path.join(root, 'multiroot-results.json');
  const app = await createDatabase('mlens_e2e_app');
  const billing = await createDatabase('mlens_e2e_billing');
  const drops = [app, billing].map((db) => () => db.drop().catch((e) => report.log(`dropping ${db.name}:`, e.message)));
  drops.forEach((d) => cleanups.add(d));
  const server = new CodeServer({
    cacheDir: opts['cache-dir'], root, name: 'multiroot',
    env: { MIGRATE_LENS_E2E_RESULTS: resultsFile, MIGRATE_LENS_E2E_DBS: JSON.stringify({ app: app.url, billing: billing.url }) },
  });
  const stopServer = () => server.stop().catch((e) => report.log('stopping code-server:', e.message));
  cleanups.add(stopServer);
  try {
    const ws = createMultiRootWorkspace({ root, name: 'multiroot-workspace', appUrl: app.url, billingUrl: billing.url });
    report.log(`suite "multiroot": databases ${app.name} (app) and ${billing.name} (billing), workspace ${ws.workspaceFile}, log ${server.logFile}`);
    const shot = path.join(report.shotsDir, 'multiroot.png');
    await runHostTests(browser, vsix, { name: 'multiroot', server, target: ws.workspaceFile, testsFile: 'multiroot.js', resultsFile, shotOnSuccess: shot });
    if (opts.screenshot && fs.existsSync(shot) && report.failed === 0) {
      fs.copyFileSync(shot, path.join(REPO, 'media', 'multiroot.png'));
      report.log('updated media/multiroot.png');
    }
  } finally {
    await stopServer();
    for (const d of drops) await d();
    cleanups.delete(stopServer);
    drops.forEach((d) => cleanups.delete(d));
  }
}

/**
 * Named environments: dev and staging (protected) on two databases, offline on a server that accepts
 * connections and never answers. test/e2e/host/environments.js switches, is refused on staging
 * without the typed name, and compares all three (offline: "unreachable").
 */
/**
 * A stand-in PostgreSQL server that asks every client for a cleartext password, writes down who
 * sent which (user, database, password) into `logFile`, and refuses them all. Tells which password
 * the extension sends to which environment (the real server here trusts everyone).
 */
async function passwordRecorder(logFile) {
  const seen = [];
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = Buffer.alloc(0);
    let who = null;
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (!who) {
          if (buf.length < 8) return;
          const len = buf.readInt32BE(0);
          if (buf.length < len) return;
          const code = buf.readInt32BE(4);
          const body = buf.subarray(8, len);
          buf = buf.subarray(len);
          if (code === 80877103 || code === 80877104) { socket.write('N'); continue; } // no TLS, no GSS
          const parts = body.toString('utf8').split('\0');
          const params = {};
          for (let i = 0; i + 1 < parts.length; i += 2) if (parts[i]) params[parts[i]] = parts[i + 1];
          who = { user: params.user ?? null, database: params.database ?? null };
          const ask = Buffer.alloc(9);
          ask.write('R', 0);
          ask.writeInt32BE(8, 1);
          ask.writeInt32BE(3, 5); // AuthenticationCleartextPassword
          socket.write(ask);
          continue;
        }
        if (buf.length < 5) return;
        const len = buf.readInt32BE(1);
        if (buf.length < 1 + len) return;
        const type = String.fromCharCode(buf[0]);
        const body = buf.subarray(5, 1 + len);
        buf = buf.subarray(1 + len);
        if (type !== 'p') continue;
        seen.push({ ...who, password: body.toString('utf8').replace(/\0$/, '') });
        fs.writeFileSync(logFile, JSON.stringify(seen));
        const fields = [['S', 'FATAL'], ['V', 'FATAL'], ['C', '28P01'], ['M', `password authentication failed for user "${who.user}"`]];
        const payload = Buffer.concat([...fields.map(([k, v]) => Buffer.from(k + v + '\0', 'utf8')), Buffer.from([0])]);
        const head = Buffer.alloc(5);
        head.write('E', 0);
        head.writeInt32BE(4 + payload.length, 1);
        socket.end(Buffer.concat([head, payload]));
        return;
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  fs.writeFileSync(logFile, '[]');
  return {
    port: server.address().port,
    close: () => { for (const s of sockets) s.destroy(); return new Promise((r) => server.close(r)); },
  };
}

async function environmentsSuite(browser, vsix) {
  const resultsFile = path.join(root, 'environments-results.json');
  const passwordsFile = path.join(root, 'environments-passwords.json');
  const recorder = await passwordRecorder(passwordsFile);
  const dev = await createDatabase('mlens_e2e_dev');
  const staging = await createDatabase('mlens_e2e_staging');
  const sockets = new Set();
  const silent = net.createServer((s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((r) => silent.listen(0, '127.0.0.1', r));
  const offlineUrl = `postgres://nobody@127.0.0.1:${silent.address().port}/nothing`;
  const closeSilent = () => { for (const s of sockets) s.destroy(); return new Promise((r) => silent.close(r)); };
  const drops = [dev, staging].map((db) => () => db.drop().catch((e) => report.log(`dropping ${db.name}:`, e.message)));
  drops.forEach((d) => cleanups.add(d));
  const server = new CodeServer({
    cacheDir: opts['cache-dir'], root, name: 'environments',
    env: {
      MIGRATE_LENS_E2E_RESULTS: resultsFile,
      MIGRATE_LENS_E2E_DBS: JSON.stringify({ dev: dev.url, staging: staging.url, offline: offlineUrl }),
      MIGRATE_LENS_E2E_PASSWORDS: JSON.stringify({ port: recorder.port, file: passwordsFile }),
    },
  });
  server.env.MIGRATE_LENS_E2E_USERDATA = server.userDataDir;
  const stopServer = () => server.stop().catch((e) => report.log('stopping code-server:', e.message));
  cleanups.add(stopServer);
  try {
    const ws = createEnvironmentsWorkspace({ root, name: 'environments-workspace', devUrl: dev.url, stagingUrl: staging.url, offlineUrl });
    report.log(`suite "environments": databases ${dev.name} (dev), ${staging.name} (staging, protected), offline ${offlineUrl}; workspace ${ws.dir}`);
    const shot = path.join(report.shotsDir, 'environments.png');
    await runHostTests(browser, vsix, { name: 'environments', server, target: ws.dir, testsFile: 'environments.js', resultsFile, shotOnSuccess: shot });
    if (opts.screenshot && fs.existsSync(shot) && fs.readdirSync(report.shotsDir).every((f) => !f.includes('FAIL'))) {
      fs.copyFileSync(shot, path.join(REPO, 'media', 'environments.png'));
      report.log('updated media/environments.png');
    }
  } finally {
    await stopServer();
    await closeSilent();
    await recorder.close();
    for (const d of drops) await d();
    cleanups.delete(stopServer);
    drops.forEach((d) => cleanups.delete(d));
  }
}

/**
 * Zero configuration (no connection anywhere: the embedded PGlite database), the installed .vsix:
 * scenarios/first-view.mjs watches the first view, closes the workbench during the first start,
 * and opens it again.
 */
async function firstViewSuite(browser, vsix) {
  const server = new CodeServer({ cacheDir: opts['cache-dir'], root, name: 'firstview' });
  const stopServer = () => server.stop().catch((e) => report.log('stopping code-server:', e.message));
  cleanups.add(stopServer);
  let context = null;
  try {
    const ws = createZeroConfigWorkspace({ root, name: 'firstview-workspace', examplesDir: opts.examples });
    report.log(`suite "firstview": embedded database in ${ws.dir}/.migrate-lens, log ${server.logFile}`);
    const installed = await report.check('firstview: the .vsix installs into code-server', async () => {
      const out = await server.installExtension(vsix);
      if (!/successfully installed/i.test(out)) throw new Error(out);
    });
    if (!installed) return;
    await server.start(ws.dir);
    const newWorkbench = async () => {
      await context?.close().catch(() => {});
      context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      report.page = page;
      return new Workbench(page);
    };
    await firstViewScenarios({ report, server, ws, newWorkbench });
  } finally {
    report.page = null;
    await context?.close().catch(() => {});
    await stopServer();
    cleanups.delete(stopServer);
  }
}

/** 1,000 migrations: test/e2e/host/scale.js checks the grouped view, the filter and Reveal First Pending. */
async function scaleSuite(browser, vsix) {
  const resultsFile = path.join(root, 'scale-results.json');
  const db = await createDatabase('mlens_e2e_scale');
  const dropDb = () => db.drop().catch((e) => report.log(`dropping ${db.name}:`, e.message));
  cleanups.add(dropDb);
  const server = new CodeServer({ cacheDir: opts['cache-dir'], root, name: 'scale', env: { MIGRATE_LENS_E2E_RESULTS: resultsFile } });
  const stopServer = () => server.stop().catch((e) => report.log('stopping code-server:', e.message));
  cleanups.add(stopServer);
  try {
    const ws = createScaleWorkspace({ root, name: 'scale-workspace', databaseUrl: db.url, count: 1000 });
    report.log(`suite "scale": database ${db.name}, workspace ${ws.dir} (1,000 migrations), log ${server.logFile}`);
    await runHostTests(browser, vsix, { name: 'scale', server, target: ws.dir, testsFile: 'scale.js', resultsFile });
  } finally {
    await stopServer();
    await dropDb();
    cleanups.delete(stopServer);
    cleanups.delete(dropDb);
  }
}

let browser;
try {
  const vsix = await packageExtension();
  browser = await launchBrowser();
  if (suites.has('ui')) await uiSuite(browser, vsix, { trust: false });
  if (suites.has('host')) await hostSuite(browser, vsix);
  if (suites.has('lint')) await lintSuite(browser, vsix);
  if (suites.has('multiroot')) await multiRootSuite(browser, vsix);
  if (suites.has('environments')) await environmentsSuite(browser, vsix);
  if (suites.has('scale')) await scaleSuite(browser, vsix);
  if (suites.has('firstview')) await firstViewSuite(browser, vsix);
  if (suites.has('untrusted')) await uiSuite(browser, vsix, { trust: true });
  if (suites.has('adopt')) await adoptSuite(browser, vsix);
} catch (err) {
  report.results.push({ name: 'e2e harness', ok: false, error: err });
  report.log('FAIL e2e harness:', err.stack || err);
} finally {
  await browser?.close().catch(() => {});
}

report.log(`total ${((Date.now() - report.t0) / 1000).toFixed(1)} s`);
for (const r of report.results.filter((x) => !x.ok)) console.log(`  failed: ${r.name}`);
if (report.failed === 0 && !opts.keep) fs.rmSync(root, { recursive: true, force: true });
else report.log('kept', root);
console.log(`${report.passed} passed, ${report.failed} failed`);
process.exitCode = report.failed === 0 && report.passed > 0 ? 0 : 1;
