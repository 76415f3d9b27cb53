// The Migrations view at scale, in the extension host: 1,000 migrations applied in one batch, then
// a second batch, a failure, a drifted file and a pending one. Checks the groups (problems and
// pending first and expanded, batches newest first and collapsed, chunks of 100), that a refresh
// keeps ids, "Reveal First Pending" and the status filter.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');
const { eventually, suite, trackingRows } = require('./harness');

const EXTENSION_ID = 'migrate-lens.migrate-lens';
const DATE = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d`;
const COUNT = 1000;
const version = (i) => String(20240101000000 + i);

exports.run = async function run() {
  const { test, finish, results } = suite();
  const folder = vscode.workspace.workspaceFolders[0].uri.fsPath;
  const config = vscode.workspace.getConfiguration('migrateLens');
  const dir = path.join(folder, config.get('migrationsDir') || 'migrations');
  const dbUrl = config.get('connectionString');
  let api;
  /** [label, description, expanded, number of children] of the top level. */
  const top = () => api.getViewTree().map((n) => [n.label, n.description, n.expanded, n.children.length]);
  const group = (label) => api.getViewTree().find((n) => n.label === label);
  const write = (i, name, text) => fs.writeFileSync(path.join(dir, `${version(i)}_${name}.sql`), text);

  await test('the extension activates', async () => {
    api = await vscode.extensions.getExtension(EXTENSION_ID).activate();
    assert.equal(typeof api.getViewTree, 'function');
    await vscode.commands.executeCommand('migrateLens.migrations.focus');
  });
  if (!results[0].ok) return finish();

  let upMs = 0;
  await test(`${COUNT} pending migrations: one expanded Pending group in chunks of 100, the first chunk open`, async () => {
    await api.refresh();
    assert.deepEqual(top(), [['Pending', '1,000 migrations', true, 10]]);
    const chunks = api.getViewTree()[0].children;
    assert.deepEqual(chunks.map((c) => [c.label, c.description, c.expanded, c.children.length]).slice(0, 2),
      [[`${version(1)} … ${version(100)}`, '1–100 of 1,000', true, 100], [`${version(101)} … ${version(200)}`, '101–200 of 1,000', false, 100]]);
    const t = Date.now();
    await vscode.commands.executeCommand('migrateLens.up');
    upMs = Date.now() - t;
    const rows = await trackingRows(dbUrl);
    assert.equal(rows.filter((r) => r.status === 'applied' && Number(r.batch) === 1).length, COUNT);
  });

  console.log(`[host] Up of ${COUNT} migrations took ${upMs} ms`);
  await test(`Up of ${COUNT} makes one collapsed "Batch 1" group of 10 chunks`, async () => {
    await api.refresh();
    const [batch] = api.getViewTree();
    assert.equal(api.getViewTree().length, 1, JSON.stringify(top()));
    assert.equal(batch.label, 'Batch 1');
    assert.match(batch.description, new RegExp(`^1,000 migrations · applied ${DATE}$`));
    assert.equal(batch.expanded, false);
    assert.deepEqual(batch.children.map((c) => [c.description, c.expanded, c.children.length]),
      Array.from({ length: 10 }, (_, k) => [`${(k * 100 + 1).toLocaleString('en-US')}–${((k + 1) * 100).toLocaleString('en-US')} of 1,000`, false, 100]));
  });

  await test('problems first, then pending (expanded), then batches newest first (collapsed)', async () => {
    write(COUNT + 1, 'next_ok', '-- +migrate Up\nSELECT 1;\n');
    write(COUNT + 2, 'next_broken', '-- +migrate Up\nSELECT * FROM e2e_scale_missing;\n');
    write(COUNT + 3, 'after_broken', '-- +migrate Up\nSELECT 3;\n');
    await api.refresh();
    await vscode.commands.executeCommand('migrateLens.up');
    fs.appendFileSync(path.join(dir, `${version(5)}_step_0005.sql`), '\n-- edited after it was applied\n');
    await api.refresh();
    const t = top();
    assert.deepEqual(t.map(([l, d, e]) => [l, d.replace(new RegExp(DATE), 'DATE'), e]), [
      ['Problems', '1 drifted · 1 failed', true],
      ['Pending', '1 migration', true],
      ['Batch 2', '1 migration · applied DATE', false],
      ['Batch 1', '999 migrations · applied DATE', false],
    ]);
    assert.deepEqual(group('Problems').children.map((c) => c.label), [`${version(5)} step_0005`, `${version(COUNT + 2)} next_broken`]);
    assert.deepEqual(group('Pending').children.map((c) => c.label), [`${version(COUNT + 3)} after_broken`]);
    assert.equal(group('Batch 1').children.at(-1).description, '901–999 of 999');
  });

  let refreshMs = 0;
  await test('a refresh keeps every id (so VS Code keeps what is expanded and selected)', async () => {
    const ids = (nodes) => nodes.flatMap((n) => [n.id, ...ids(n.children)]);
    const before = ids(api.getViewTree());
    const t = Date.now();
    await api.refresh();
    refreshMs = Date.now() - t;
    assert.deepEqual(ids(api.getViewTree()), before);
    assert.equal(new Set(before).size, before.length, 'ids are not unique');
  });
  console.log(`[host] a refresh of ${COUNT + 3} migrations (files and status) took ${refreshMs} ms`);

  await test('"Reveal First Pending" opens its collapsed group and selects it', async () => {
    await vscode.commands.executeCommand('workbench.actions.treeView.migrateLens.migrations.collapseAll');
    await eventually(() => !api.getExpandedIds().includes('group:pending'), 'the Pending group to collapse');
    const label = await vscode.commands.executeCommand('migrateLens.revealFirstPending');
    assert.equal(label, `${version(COUNT + 3)} after_broken`);
    await eventually(() => api.getSelection()[0] === label, `the selection to be ${label} (is ${JSON.stringify(api.getSelection())})`);
    // The selected row is one the tree shows, so its group was opened. getExpandedIds() follows
    // onDidExpandElement, which VS Code did not fire for reveal's own expansion in one clean CI run,
    // so it is not asked here.
  });

  await test('"Filter by Status": only the chosen statuses; the view title says so; Clear Filter shows all', async () => {
    await vscode.commands.executeCommand('migrateLens.filterByStatus', ['failed']);
    assert.deepEqual(top(), [['Problems', '1 failed', true, 1]]);
    assert.match(api.getViewDescription(), /Filter: failed$/);
    await vscode.commands.executeCommand('migrateLens.filterByStatus', ['pending', 'drifted']);
    assert.deepEqual(top().map(([l, d]) => [l, d]), [['Problems', '1 drifted'], ['Pending', '1 migration']]);
    await vscode.commands.executeCommand('migrateLens.clearFilter');
    assert.equal(top().length, 4);
    assert.doesNotMatch(api.getViewDescription(), /Filter/);
  });

  await test('a filter that hides every migration says so instead of a blank view', async () => {
    await vscode.commands.executeCommand('migrateLens.filterByStatus', ['partial']);
    assert.deepEqual(api.getViewTree(), []);
    assert.equal(api.getViewMessage(), 'No migration is partial. The status filter hides every migration: "Clear Filter" (title bar) shows them all again.');
    await vscode.commands.executeCommand('migrateLens.clearFilter');
    assert.equal(api.getViewMessage(), '');
  });

  await test('"Reveal First Pending" with nothing pending says so and selects nothing new', async () => {
    fs.unlinkSync(path.join(dir, `${version(COUNT + 3)}_after_broken.sql`));
    await api.refresh();
    assert.equal(group('Pending'), undefined);
    assert.equal(await vscode.commands.executeCommand('migrateLens.revealFirstPending'), undefined);
  });

  return finish();
};
