// Multi-root, in the extension host: folders `app` and `billing` each have migrations (both start at
// version 20240101000001) and their own database (settings in each folder's .vscode/settings.json).
// Every command that targets one migration must land in the folder and database of that file.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');
const { eventually, screenshot, sleep, suite, trackingRows, tableExists } = require('./harness');

const EXTENSION_ID = 'migrate-lens.migrate-lens';

exports.run = async function run() {
  const { test, finish, results } = suite();
  const dbs = JSON.parse(process.env.MIGRATE_LENS_E2E_DBS || '{}');
  const folderOf = (name) => vscode.workspace.workspaceFolders.find((f) => f.name === name);
  const app = folderOf('app');
  const billing = folderOf('billing');
  const appFile = path.join(app.uri.fsPath, 'migrations', '20240101000001_initial_tables.sql');
  const billingFile = path.join(billing.uri.fsPath, 'migrations', '20240101000001_billing_init.sql');
  const dbName = (url) => new URL(url).pathname.slice(1);
  const rowsOf = async (url) => (await trackingRows(url)).map((r) => `${r.version} ${r.name} ${r.status}`);
  let api;

  async function lenses(file) {
    const uri = vscode.Uri.file(file);
    await vscode.workspace.openTextDocument(uri);
    const found = (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri)) || [];
    return found.filter((l) => l.command).sort((a, b) => a.range.start.line - b.range.start.line).map((l) => l.command);
  }

  await test('the extension activates in a multi-root workspace', async () => {
    assert.ok(app && billing, `workspace folders: ${vscode.workspace.workspaceFolders.map((f) => f.name)}`);
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    api = await ext.activate();
    assert.equal(typeof api.getRootItems, 'function');
  });
  if (!results[0].ok) return finish();

  await test('one root node per folder with migrations: its name, its database, its pending count', async () => {
    await api.refresh();
    const roots = api.getRootItems();
    assert.deepEqual(roots.map((r) => [r.kind, r.label]), [['folder', 'app'], ['folder', 'billing']]);
    assert.ok(roots[0].description.includes(dbName(dbs.app)) && roots[0].description.endsWith('· 2 pending'), roots[0].description);
    assert.ok(roots[1].description.includes(dbName(dbs.billing)) && roots[1].description.endsWith('· 1 pending'), roots[1].description);
    const same = api.getTreeItems().filter((i) => i.version === '20240101000001');
    assert.deepEqual(same.map((i) => [i.label, i.path]), [['20240101000001 initial_tables', appFile], ['20240101000001 billing_init', billingFile]]);
    assert.notEqual(same[0].folder, same[1].folder);
  });

  await test('"Run Up" from the palette on the billing file runs it on the billing database; app is untouched', async () => {
    await vscode.window.showTextDocument(vscode.Uri.file(billingFile));
    await vscode.commands.executeCommand('migrateLens.runUp');
    assert.deepEqual(await rowsOf(dbs.billing), ['20240101000001 billing_init applied']);
    assert.deepEqual(await rowsOf(dbs.app), []);
    assert.equal(await tableExists(dbs.billing, 'invoices'), true);
    assert.equal(await tableExists(dbs.app, 'app_users'), false, 'app_users was created in the app database');
    assert.equal(await tableExists(dbs.app, 'invoices'), false, 'invoices was created in the app database');
    await eventually(() => api.getRootItems()[1].description.endsWith('· 0 pending'), 'billing: 0 pending');
    assert.ok(api.getRootItems()[0].description.endsWith('· 2 pending'), api.getRootItems()[0].description);
  });

  await test('each file gets the lenses of its own folder; the app lens runs on the app database', async () => {
    const billingLenses = await eventually(async () => {
      const l = await lenses(billingFile);
      return l.some((c) => c.title === 'Run Down') && l;
    }, 'billing lenses to say applied');
    assert.ok(!billingLenses.some((c) => c.title === 'Run Up'), JSON.stringify(billingLenses.map((c) => c.title)));
    const appLenses = await lenses(appFile);
    const runUp = appLenses.find((c) => c.title === 'Run Up');
    assert.ok(runUp, `app lenses: ${JSON.stringify(appLenses.map((c) => c.title))}`);
    await vscode.commands.executeCommand(runUp.command, ...runUp.arguments);
    assert.deepEqual(await rowsOf(dbs.app), ['20240101000001 initial_tables applied']);
    assert.deepEqual(await rowsOf(dbs.billing), ['20240101000001 billing_init applied']);
    assert.equal(await tableExists(dbs.app, 'app_users'), true);
  });

  await test('a .sql file that is not a migration of any folder is refused, nothing runs', async () => {
    const before = [await rowsOf(dbs.app), await rowsOf(dbs.billing)];
    await vscode.window.showTextDocument(vscode.Uri.file(path.join(billing.uri.fsPath, 'report.sql')));
    const result = await vscode.commands.executeCommand('migrateLens.runUp');
    assert.equal(result, undefined);
    // A lens argument naming a file that is not in the tree (a copy elsewhere) is refused too.
    const copy = path.join(billing.uri.fsPath, '20240102000002_app_settings.sql');
    fs.copyFileSync(path.join(app.uri.fsPath, 'migrations', '20240102000002_app_settings.sql'), copy);
    assert.equal(await vscode.commands.executeCommand('migrateLens.runUp', vscode.Uri.file(copy), '20240102000002'), undefined);
    fs.unlinkSync(copy);
    assert.deepEqual([await rowsOf(dbs.app), await rowsOf(dbs.billing)], before);
    assert.equal(await tableExists(dbs.app, 'app_settings'), false);
    assert.equal(await tableExists(dbs.billing, 'app_settings'), false);
  });

  await test('each folder gets its own diagnostics', async () => {
    const bad = path.join(billing.uri.fsPath, 'migrations', '20240103000003_typo.sql');
    fs.writeFileSync(bad, '-- +migrate Up\nSELECT 1;\n-- +migrate Upp\n');
    try {
      await api.refresh();
      const d = await eventually(() => {
        const list = vscode.languages.getDiagnostics(vscode.Uri.file(bad)).filter((x) => x.source === 'migrate-lens');
        return list.length && list;
      }, 'a diagnostic on the billing typo');
      assert.equal(d[0].range.start.line, 2);
      const billingItems = api.getTreeItems().filter((i) => i.folder === api.getRootItems()[1].folder);
      assert.ok(billingItems.some((i) => i.status === 'invalid' && i.path === bad), JSON.stringify(billingItems.map((i) => i.label)));
    } finally {
      fs.unlinkSync(bad);
    }
  });

  await test('each folder root holds its own groups (pending, batches); "Reveal First Pending" selects the right folder\'s migration', async () => {
    await api.refresh();
    const tree = api.getViewTree();
    assert.deepEqual(tree.map((r) => [r.kind, r.label]), [['folder', 'app'], ['folder', 'billing']]);
    const shape = (root) => root.children.map((g) => [g.kind, g.label, g.children.map((c) => c.label)]);
    assert.deepEqual(shape(tree[0]), [['group', 'Pending', ['20240102000002 app_settings']], ['group', 'Batch 1', ['20240101000001 initial_tables']]]);
    assert.deepEqual(shape(tree[1]), [['group', 'Batch 1', ['20240101000001 billing_init']]]);
    const ids = tree.flatMap((r) => r.children.map((g) => g.id));
    assert.equal(new Set(ids).size, ids.length, `group ids repeat across folders: ${JSON.stringify(ids)}`);
    const label = await vscode.commands.executeCommand('migrateLens.revealFirstPending');
    assert.equal(label, '20240102000002 app_settings');
    await eventually(() => api.getSelection()[0] === label, `the selection to be ${label} (is ${JSON.stringify(api.getSelection())})`);
  });

  await test('the status filter applies to every folder: a folder it empties says so on its root, and all emptied says so above the tree', async () => {
    await vscode.commands.executeCommand('migrateLens.filterByStatus', ['pending']);
    try {
      const tree = api.getViewTree();
      assert.deepEqual(tree.map((r) => [r.label, r.children.map((g) => g.label)]), [['app', ['Pending']], ['billing', []]]);
      assert.ok(tree[1].description.endsWith('· the filter hides all'), tree[1].description);
      assert.equal(api.getViewDescription(), 'Filter: pending');
      assert.equal(api.getViewMessage(), '');
      await vscode.commands.executeCommand('migrateLens.filterByStatus', ['missing']);
      assert.deepEqual(api.getViewTree().map((r) => r.children.length), [0, 0]);
      assert.equal(api.getViewMessage(), 'No migration is missing. The status filter hides every migration: "Clear Filter" (title bar) shows them all again.');
    } finally {
      await vscode.commands.executeCommand('migrateLens.clearFilter');
    }
    assert.equal(api.getViewMessage(), '');
    assert.equal(api.getViewDescription(), '');
  });

  await test('the picture: both folders in the view, Preview SQL of app\'s pending migration beside it', async () => {
    const pending = path.join(app.uri.fsPath, 'migrations', '20240102000002_app_settings.sql');
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.window.showTextDocument(vscode.Uri.file(pending));
    await vscode.commands.executeCommand('migrateLens.previewSql', pending, '20240102000002', 'up');
    await eventually(() => vscode.window.activeTextEditor && vscode.window.activeTextEditor.document.uri.scheme === 'migrate-lens-preview', 'the preview tab');
    await vscode.commands.executeCommand('migrateLens.migrations.focus');
    await eventually(() => api.getRootItems().length === 2, 'both folder roots');
    await sleep(500); // let the view paint before the picture (the picture checks nothing)
    await screenshot('multiroot');
  });

  return finish();
};
