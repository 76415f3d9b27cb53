// Named environments in the extension host: config.yaml names dev, staging (protected) and offline
// (a server that accepts connections and never answers); the workspace starts on dev.
'use strict';
const assert = require('node:assert/strict');
const vscode = require('vscode');
const { eventually, screenshot, suite, trackingRows, tableExists, sleep } = require('./harness');

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

  return finish();
};
