// Named environments in the extension host: config.yaml names dev, staging (protected) and offline
// (a server that accepts connections and never answers); the workspace starts on dev.
'use strict';
const assert = require('node:assert/strict');
const vscode = require('vscode');
const fs = require('node:fs');
const path = require('node:path');
const { eventually, screenshot, suite, trackingRows, tableExists, sleep, workbenchKeys } = require('./harness');

const EXTENSION_ID = 'migrate-lens.migrate-lens';

exports.run = async function run() {
  const { test, finish, results } = suite();
  const dbs = JSON.parse(process.env.MIGRATE_LENS_E2E_DBS || '{}');
  const dbName = (url) => new URL(url).pathname.slice(1);
  let api;

  await test('the extension activates; the view title names the environment (dev)', async () => {
    api = await vscode.extensions.getExtension(EXTENSION_ID).activate();
    await vscode.commands.executeCommand('migrateLens.migrations.focus');
    await api.refresh();
    await eventually(() => api.getViewTitle() === 'Migrations · dev', `the title "Migrations · dev" (is ${JSON.stringify(api.getViewTitle())})`);
    const items = api.getTreeItems();
    assert.deepEqual(items.map((i) => [i.label, i.status]), [['20240101000001 create_accounts', 'pending'], ['20240102000002 create_ledger', 'pending']]);
  });
  if (!results[0].ok) return finish();

  await test('"Up" on dev applies to dev only', async () => {
    await vscode.commands.executeCommand('migrateLens.up');
    assert.deepEqual((await trackingRows(dbs.dev)).map((r) => r.status), ['applied', 'applied']);
    assert.deepEqual(await trackingRows(dbs.staging), []);
  });

  await test('"Switch Environment" to staging: title, tree and status follow it', async () => {
    assert.equal(await vscode.commands.executeCommand('migrateLens.switchEnvironment', undefined, 'staging'), 'staging');
    await eventually(() => api.getViewTitle() === 'Migrations · staging', `the title "Migrations · staging" (is ${JSON.stringify(api.getViewTitle())})`);
    await api.refresh();
    await eventually(() => api.getTreeItems().every((i) => i.status === 'pending'), 'staging: both pending');
  });

  await test('a protected environment asks for its name typed in full; without it nothing changes', async () => {
    let done = false;
    const up = Promise.resolve(vscode.commands.executeCommand('migrateLens.up')).finally(() => { done = true; });
    // Dismiss whatever asks (the name prompt), as a user pressing Escape would.
    for (let i = 0; i < 100 && !done; i++) {
      await sleep(200);
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    }
    assert.equal(await up, undefined);
    assert.deepEqual(await trackingRows(dbs.staging), [], 'Up ran on the protected environment without its name');
    assert.equal(await tableExists(dbs.staging, 'accounts'), false);
  });

  await test('"Compare Environments": every migration × environment, read in parallel; the silent one is "unreachable"', async () => {
    const started = Date.now();
    const result = await vscode.commands.executeCommand('migrateLens.compareEnvironments', undefined, { timeoutMs: 3000 });
    const took = Date.now() - started;
    assert.ok(result, 'no comparison returned');
    assert.deepEqual(result.environments.map((e) => [e.name, e.state, e.protected]), [['dev', 'ok', false], ['staging', 'ok', true], ['offline', 'unreachable', false]]);
    assert.ok(result.environments[0].target.endsWith('/' + dbName(dbs.dev)), result.environments[0].target);
    assert.deepEqual(result.rows.map((r) => [r.version, r.cells.dev.status, r.cells.staging.status, r.cells.offline.status]), [
      ['20240101000001', 'applied', 'pending', 'unreachable'],
      ['20240102000002', 'applied', 'pending', 'unreachable'],
    ]);
    // Parallel and bounded: the never-answering server costs its 3 s limit once, not a hang.
    assert.ok(took < 30000, `took ${took} ms`);
    console.log(`[host] compare took ${took} ms`);
  });

  await test('back to dev: the title says so and the status is dev\'s again', async () => {
    await vscode.commands.executeCommand('migrateLens.switchEnvironment', undefined, 'dev');
    await eventually(() => api.getViewTitle() === 'Migrations · dev', 'the title back on dev');
    await api.refresh();
    await eventually(() => api.getTreeItems().every((i) => i.status === 'applied'), 'dev: both applied');
    // Leave the comparison on screen for the suite's picture.
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('migrateLens.compareEnvironments', undefined, { timeoutMs: 3000 });
    await vscode.commands.executeCommand('migrateLens.migrations.focus');
    await eventually(() => api.getTreeItems().length === 2, 'the tree');
    await sleep(500); // let the view paint before the picture (the picture checks nothing)
    await screenshot('environments');
  });

  await test('protected staging: a wrong name is refused (nothing runs), the right name typed in full runs Up there', async () => {
    assert.equal(await vscode.commands.executeCommand('migrateLens.switchEnvironment', undefined, 'staging'), 'staging');
    await vscode.commands.executeCommand('notifications.clearAll');
    // Wrong: the box says what to type and does not take Enter; Escape gives up.
    let up = Promise.resolve(vscode.commands.executeCommand('migrateLens.up'));
    const wrong = await workbenchKeys([
      { waitFor: '.quick-input-widget input', focused: true },
      { type: 'stagin' },
      { press: 'Enter' },
      { waitFor: '.quick-input-widget .quick-input-message', hasText: 'Type exactly "staging"' },
      { read: '.quick-input-widget' },
      { press: 'Escape' },
    ]);
    assert.match(wrong['.quick-input-widget'], /PROTECTED environment "staging"/);
    assert.equal(await up, undefined);
    assert.deepEqual(await trackingRows(dbs.staging), [], 'Up ran on staging after a wrong name');
    // Right: the exact name, Enter: Up runs on staging (and only there).
    const devBefore = await trackingRows(dbs.dev);
    up = Promise.resolve(vscode.commands.executeCommand('migrateLens.up'));
    await workbenchKeys([{ waitFor: '.quick-input-widget input', focused: true }, { type: 'staging' }, { press: 'Enter' }]);
    await up;
    assert.deepEqual((await trackingRows(dbs.staging)).map((r) => r.status), ['applied', 'applied']);
    assert.equal(await tableExists(dbs.staging, 'accounts'), true);
    assert.deepEqual(await trackingRows(dbs.dev), devBefore, 'dev changed');
  });

  await test('each environment has its own password in Secret Storage: sent to that environment only, never logged', async () => {
    const { port, file } = JSON.parse(process.env.MIGRATE_LENS_E2E_PASSWORDS);
    const folder = vscode.workspace.workspaceFolders[0].uri.fsPath;
    // Two environments on a stand-in server that asks for a password and notes what it gets.
    fs.appendFileSync(path.join(folder, 'config.yaml'), `  alpha:\n    url: postgres://alice@127.0.0.1:${port}/db_alpha\n  beta:\n    url: postgres://bob@127.0.0.1:${port}/db_beta\n`);
    const secret = (n) => `${n}-Pw-${Math.random().toString(36).slice(2, 10)}`;
    const pw = { alpha: secret('alpha'), beta: secret('beta') };
    for (const env of ['alpha', 'beta']) {
      assert.equal(await vscode.commands.executeCommand('migrateLens.switchEnvironment', undefined, env), env);
      assert.equal(await vscode.commands.executeCommand('migrateLens.setPassword', pw[env]), true, `setPassword on ${env}`);
    }
    await vscode.commands.executeCommand('migrateLens.switchEnvironment', undefined, 'dev');
    await vscode.commands.executeCommand('migrateLens.compareEnvironments', undefined, { timeoutMs: 3000 });
    const seen = JSON.parse(fs.readFileSync(file, 'utf8'));
    const by = (user) => seen.filter((r) => r.user === user);
    const shown = JSON.stringify(seen.map((r) => [r.user, r.database, r.password === pw.alpha ? 'alpha pw' : r.password === pw.beta ? 'beta pw' : r.password ? `other (${r.password.length} chars)` : 'none']));
    assert.ok(by('alice').some((r) => r.password === pw.alpha), `alpha's password never reached alpha: ${shown}`);
    assert.ok(by('bob').some((r) => r.password === pw.beta), `beta's password never reached beta`);
    assert.ok(!by('alice').some((r) => r.password === pw.beta), 'beta\'s password was sent to alpha');
    assert.ok(!by('bob').some((r) => r.password === pw.alpha), 'alpha\'s password was sent to beta');
    assert.ok(seen.every((r) => (r.user === 'alice' && r.database === 'db_alpha') || (r.user === 'bob' && r.database === 'db_beta')), JSON.stringify(seen));
    // Never in a log or a settings file.
    const leaks = [];
    const scan = (dir) => {
      if (!fs.existsSync(dir)) return;
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) scan(p);
        else if (/\.(json|log|txt|yaml|yml)$/.test(e.name)) {
          const text = fs.readFileSync(p, 'utf8');
          if (text.includes(pw.alpha) || text.includes(pw.beta)) leaks.push(p);
        }
      }
    };
    const userData = process.env.MIGRATE_LENS_E2E_USERDATA;
    assert.ok(userData && fs.existsSync(path.join(userData, 'logs')), `no logs folder in ${userData}`);
    scan(path.join(userData, 'logs'));
    scan(path.join(userData, 'User'));
    scan(folder);
    assert.deepEqual(leaks, [], 'a password is written in these files');
    const logged = [];
    const walk = (dir) => { for (const e of fs.readdirSync(dir, { withFileTypes: true })) { const p = path.join(dir, e.name); if (e.isDirectory()) walk(p); else if (e.name === 'Migrate Lens.log') logged.push(fs.readFileSync(p, 'utf8')); } };
    walk(path.join(userData, 'logs'));
    assert.ok(/password stored in Secret Storage/.test(logged.join('\n')), 'the Migrate Lens log was not found (the scan would prove nothing)');
  });

  return finish();
};
