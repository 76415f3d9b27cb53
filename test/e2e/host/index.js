// In-extension-host tests: loaded through `extensionTestsPath` (code-server payload in run.mjs, or
// @vscode/test-electron in electron.mjs). `run()` executes inside the extension host with the real
// `vscode` API and checks the exact output of the providers against a fresh database.
// The workspace holds a copy of examples/migrations and .vscode/settings.json with
// migrateLens.connectionString pointing at an empty database.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const EXTENSION_ID = 'migrate-lens.migrate-lens';
const COMMANDS = ['up', 'down', 'status', 'create', 'reset', 'refresh', 'version', 'setPassword', 'showOutput', 'runUp', 'runDown', 'previewSql', 'rollBackStoredCopy', 'statusActions']
  .map((c) => 'migrateLens.' + c);
const DATE = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d`;
// Durations are written like the CLI's: "145 ms", "1.0 s", "4 min 05 s".
const DURATION = String.raw`(?:\d+ ms|\d+\.\d s|\d+ min \d\d s)`;
const APPLIED = (batch) => new RegExp(`^applied ${DATE} · batch ${batch} · ${DURATION}$`);
const FILE_NAME = /^(\d{14})_([A-Za-z0-9_]+)\.sql$/;

const harness = require('./harness');

// This suite's waits stay at 20 s (the harness defaults to 30 s).
const eventually = (fn, what, timeout = 20000) => harness.eventually(fn, what, timeout);

function lineOf(text, regex) {
  return text.split(/\r?\n/).findIndex((l) => regex.test(l));
}

exports.run = async function run() {
  const { results, test, finish } = harness.suite();

  const folder = vscode.workspace.workspaceFolders[0].uri.fsPath;
  const config = vscode.workspace.getConfiguration('migrateLens');
  const migrationsDir = path.join(folder, config.get('migrationsDir') || 'migrations');
  const dbUrl = process.env.MIGRATE_LENS_E2E_DB || config.get('connectionString');
  const files = fs.readdirSync(migrationsDir).filter((f) => FILE_NAME.test(f)).sort();
  const uriOf = (f) => vscode.Uri.file(path.join(migrationsDir, f));
  const versionOf = (f) => FILE_NAME.exec(f)[1];
  const labelOf = (f) => `${versionOf(f)} ${FILE_NAME.exec(f)[2]}`;
  const newest = files.map(versionOf).sort().pop();
  // Extra files get versions after every example, so they are never "out of order".
  const extraVersion = (n) => String(BigInt(newest) + BigInt(n));

  const query = (sql, params) => harness.query(dbUrl, sql, params);
  async function rows() {
    const t = await query(`SELECT to_regclass('public.schema_migrations') AS t`);
    if (!t[0].t) return [];
    return query(`SELECT version::text AS version, status, batch, error, error_line FROM public.schema_migrations ORDER BY version`);
  }
  async function lenses(uri) {
    // The provider runs on a text model, so the document must be open (not necessarily shown).
    await vscode.workspace.openTextDocument(uri);
    const found = (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri)) || [];
    return found
      .filter((l) => l.command)
      .sort((a, b) => a.range.start.line - b.range.start.line)
      .map((l) => ({ line: l.range.start.line, title: l.command.title, command: l.command.command }));
  }
  const diagnostics = (uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'migrate-lens');
  const codeOf = (d) => (d.code && typeof d.code === 'object' ? String(d.code.value) : String(d.code));

  let api;
  const tree = () => api.getTreeItems();
  const treeItem = (f) => tree().find((i) => i.label === labelOf(f));
  const created = [];
  const writeMigration = (version, name, text) => {
    const f = `${version}_${name}.sql`;
    fs.writeFileSync(path.join(migrationsDir, f), text);
    created.push(f);
    return f;
  };

  await test('the extension is installed, activates and exports its API', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} not installed`);
    api = await ext.activate();
    assert.ok(ext.isActive);
    assert.equal(typeof api?.refresh, 'function', 'exports.refresh');
    assert.equal(typeof api?.getTreeItems, 'function', 'exports.getTreeItems');
  });
  if (!results[0].ok) return finish();

  // The figure is printed, not held to a limit (shared machines are noisy). The check is that neither
  // activation nor the folder read it schedules connects while the view is closed: no session of the
  // extension appears for a second and a half (an extension that connected at start-up is caught at once).
  const activationMs = Number(api.activationTimeMs);
  await test(`activate() took ${activationMs.toFixed(1)} ms; with the view closed no database session is opened`, async () => {
    assert.ok(Number.isFinite(activationMs) && activationMs > 0, `activationTimeMs: ${api.activationTimeMs}`);
    const sessions = async () =>
      (await query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'migrate-lens'`))[0].n;
    for (let i = 0; i < 15; i++) {
      assert.equal(await sessions(), 0, `a session of the extension after ${i * 100} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  await test('every command of the issue is registered', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(COMMANDS.filter((c) => !all.has(c)), []);
  });

  await test('sql-migrate\'s history beside an empty one of ours: the view says so and offers "Adopt History from sql-migrate"', async () => {
    // gorp_migrations exactly as sql-migrate creates it, recording the first example file.
    await query(`CREATE TABLE gorp_migrations (id text NOT NULL PRIMARY KEY, applied_at timestamp with time zone)`);
    try {
      await query(`INSERT INTO gorp_migrations (id, applied_at) VALUES ($1, now())`, [files[0]]);
      await api.refresh();
      const message = await eventually(() => /sql-migrate/.test(api.getViewMessage()) && api.getViewMessage(), 'the adopt offer above the tree');
      assert.equal(message, `This database holds sql-migrate's history (gorp_migrations) and none of Migrate Lens's: use "Adopt History from sql-migrate" (title bar) instead of running everything again.`);
      const all = new Set(await vscode.commands.getCommands(true));
      assert.ok(all.has('migrateLens.adopt'), 'migrateLens.adopt registered');
    } finally {
      await query(`DROP TABLE gorp_migrations`);
      await api.refresh();
    }
    await eventually(() => !/sql-migrate/.test(api.getViewMessage()), 'the offer to go once the table is gone');
  });

  await test('the tree lists the example migrations as pending', async () => {
    await api.refresh();
    const items = tree().filter((i) => i.version);
    assert.deepEqual(items.map((i) => [i.label, i.description, i.status, i.contextValue]),
      files.map((f) => [labelOf(f), 'pending', 'pending', 'migration.pending']));
  });

  const [first, ...rest] = files;
  const firstText = fs.readFileSync(path.join(migrationsDir, first), 'utf8');
  const upLine = lineOf(firstText, /^\s*--\s*\+migrate\s+up\b/i);
  const downLine = lineOf(firstText, /^\s*--\s*\+migrate\s+down\b/i);

  await test('a pending file has exactly two lenses: "Run Up" and "Preview SQL" on its Up line', async () => {
    const got = await lenses(uriOf(first));
    assert.deepEqual(got, [
      { line: upLine, title: 'Run Up', command: 'migrateLens.runUp' },
      { line: upLine, title: 'Preview SQL', command: 'migrateLens.previewSql' },
    ]);
  });

  await test('"Preview SQL" opens exactly the dry-run statements, read-only, with transaction mode and file lines; nothing runs', async () => {
    const uri = uriOf(first);
    await vscode.workspace.openTextDocument(uri);
    const lens = ((await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri)) || []).find((l) => l.command && l.command.title === 'Preview SQL');
    assert.ok(lens, 'no Preview SQL lens');
    await vscode.commands.executeCommand(lens.command.command, ...lens.command.arguments);
    const doc = await eventually(() => {
      const d = vscode.window.activeTextEditor && vscode.window.activeTextEditor.document;
      return d && d.uri.scheme === 'migrate-lens-preview' && d;
    }, 'the preview tab');
    const text = doc.getText();
    assert.ok(text.startsWith(`-- Preview (Up) of ${first}\n`), text.slice(0, 200));
    assert.ok(doc.uri.path.endsWith('(Up preview, read-only)'), doc.uri.path);
    const fileLines = firstText.split(/\r?\n/);
    // Each statement's first line of code (after the comments it carries) is the file line named above it.
    const blocks = [...text.matchAll(/^-- file line (\d+)\n((?:\s*--.*\n|\s*\n)*)(.*)$/gm)];
    assert.ok(blocks.length > 0, text);
    for (const [, n, , sqlLine] of blocks) assert.equal(sqlLine.trim(), fileLines[Number(n) - 1].trim(), `statement at file line ${n}`);
    // The statements, in order, are the Up section's: every non-comment line of the file's Up appears.
    const upSection = fileLines.slice(upLine + 1, downLine >= 0 ? downLine : undefined).filter((l) => l.trim() && !/^\s*--/.test(l));
    let at = 0;
    for (const l of upSection) {
      const i = text.indexOf(l.trim(), at);
      assert.ok(i >= 0, `the preview lacks (or reorders) ${JSON.stringify(l)}`);
      at = i;
    }
    assert.ok(/-- Transaction: (one transaction|none \(notransaction\))/.test(text), 'no transaction mode');
    if (/-- Transaction: one transaction/.test(text)) assert.ok(/^BEGIN;$/m.test(text) && /^COMMIT;$/m.test(text), 'BEGIN/COMMIT');
    // A content provider's document: the editor shows it read-only, and no file system can save it.
    assert.notEqual(vscode.workspace.fs.isWritableFileSystem(doc.uri.scheme), true, 'the preview is writable');
    assert.deepEqual(await rows(), [], 'the preview ran something');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  await test('migrateLens.runUp applies exactly that file; its lenses say applied and Run Down', async () => {
    await vscode.commands.executeCommand('migrateLens.runUp', uriOf(first));
    const r = await rows();
    assert.deepEqual(r.map((x) => [x.version, x.status, x.batch]), [[versionOf(first), 'applied', 1]]);
    const got = await eventually(async () => {
      const l = await lenses(uriOf(first));
      return l.length && l[0].title !== 'Run Up' ? l : null;
    }, 'lenses to change');
    assert.equal(got.length, downLine >= 0 ? 3 : 1, JSON.stringify(got));
    assert.equal(got[0].line, upLine);
    assert.match(got[0].title, APPLIED(1));
    if (downLine >= 0) {
      assert.deepEqual(got[1], { line: downLine, title: 'Run Down', command: 'migrateLens.runDown' });
      assert.deepEqual(got[2], { line: downLine, title: 'Preview SQL', command: 'migrateLens.previewSql' });
    }
    assert.match(treeItem(first).description, APPLIED(1));
    assert.equal(treeItem(first).contextValue, 'migration.applied');
  });

  await test('migrateLens.up applies the rest in one new batch', async () => {
    await vscode.commands.executeCommand('migrateLens.up');
    const r = await rows();
    assert.deepEqual(r.map((x) => [x.version, x.status, x.batch]),
      [[versionOf(first), 'applied', 1], ...rest.map((f) => [versionOf(f), 'applied', 2])]);
    await api.refresh();
    for (const f of rest) assert.match(treeItem(f).description, APPLIED(2));
  });

  await test('an unknown directive is an Error diagnostic on its line; hovers explain directives', async () => {
    const f = writeMigration(extraVersion(1), 'e2e_typo', '-- +migrate Up\nSELECT 1;\n-- +migrate Upp\nSELECT 2;\n');
    await api.refresh();
    const d = await eventually(() => diagnostics(uriOf(f)).length && diagnostics(uriOf(f)), 'parse-error diagnostic');
    assert.equal(d.length, 1, JSON.stringify(d.map((x) => x.message)));
    assert.equal(d[0].severity, vscode.DiagnosticSeverity.Error);
    assert.equal(d[0].range.start.line, 2);
    assert.equal(codeOf(d[0]), 'parse-error');
    assert.match(d[0].message, /unknown directive.*Upp/);
    const hoverText = async (line, character) => {
      const hovers = (await vscode.commands.executeCommand('vscode.executeHoverProvider', uriOf(f), new vscode.Position(line, character))) || [];
      return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    };
    assert.equal((await hoverText(2, 12)).includes('`Upp` is not a directive. Known: `Up`, `Down`, `StatementBegin`, `StatementEnd`, `notransaction`.'), true,
      'hover on the typo: ' + (await hoverText(2, 12)));
    assert.match(await hoverText(0, 12), /\*\*-- \+migrate Up\*\* — Starts the \*\*Up\*\* section/);
    fs.unlinkSync(path.join(migrationsDir, f));
    // goose's directives, which the parser reads as their equivalents, are explained too.
    const g = writeMigration(extraVersion(1), 'e2e_goose', '-- +goose NO TRANSACTION\n-- +goose Up\nSELECT 1;\n-- +goose Down\nSELECT 2;\n');
    const gooseHover = async (line) => {
      const hovers = (await vscode.commands.executeCommand('vscode.executeHoverProvider', uriOf(g), new vscode.Position(line, 11))) || [];
      return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    };
    assert.match(await gooseHover(0), /\*\*-- \+goose NO TRANSACTION\*\* — Runs the \*\*whole file\*\*/);
    assert.match(await gooseHover(1), /\*\*-- \+goose Up\*\* — goose's form of `-- \+migrate Up`/);
    assert.match(await gooseHover(3), /\*\*-- \+goose Down\*\*/);
    fs.unlinkSync(path.join(migrationsDir, g));
    await api.refresh();
    assert.deepEqual(diagnostics(uriOf(f)), []);
  });

  await test('a failing multi-line statement: the database error covers all its lines', async () => {
    const f = writeMigration(extraVersion(2), 'e2e_broken',
      '-- +migrate Up\nCREATE TABLE e2e_host_widgets (id int);\n\nINSERT INTO e2e_host_missing\n  (id)\n  VALUES (1);\n\n-- +migrate Down\nDROP TABLE e2e_host_widgets;\n');
    await api.refresh();
    await vscode.commands.executeCommand('migrateLens.runUp', uriOf(f));
    const row = (await rows()).find((x) => x.version === versionOf(f));
    assert.equal(row && row.status, 'failed');
    assert.equal(Number(row.error_line), 4);
    const d = await eventually(() => diagnostics(uriOf(f)).length && diagnostics(uriOf(f)), 'failed diagnostic');
    assert.equal(d.length, 1, JSON.stringify(d.map((x) => x.message)));
    assert.equal(d[0].severity, vscode.DiagnosticSeverity.Error);
    // The failing statement is lines 4-6 (1-based): the diagnostic covers all of it, and nothing else.
    assert.equal(d[0].range.start.line, 3);
    assert.equal(d[0].range.end.line, 5, 'the diagnostic spans every line of the failing statement');
    assert.ok(d[0].range.end.character > 0, `the diagnostic ends inside line 6: ${JSON.stringify(d[0].range)}`);
    assert.equal(codeOf(d[0]), 'failed');
    assert.equal(d[0].message, 'migration failed: relation "e2e_host_missing" does not exist');
    assert.match(treeItem(f).description, new RegExp(`^failed ${DATE}$`));
    // Its tooltip says what to do in VS Code terms, not the CLI's.
    assert.ok(treeItem(f).tooltip.includes('Forget History Row'), treeItem(f).tooltip);
    assert.ok(!/-version/.test(treeItem(f).tooltip), treeItem(f).tooltip);
    const l = await lenses(uriOf(f));
    assert.match(l[0].title, new RegExp(`^failed ${DATE}: relation "e2e_host_missing" does not exist$`));
    assert.ok(l.some((x) => x.title === 'Run Up' && x.command === 'migrateLens.runUp'), JSON.stringify(l));
    const leftover = await query(`SELECT to_regclass('public.e2e_host_widgets') AS t`);
    assert.equal(leftover[0].t, null, 'first statement of the failed migration was not rolled back');
  });

  await test('a just-created empty file is not "invalid" until it is edited or saved empty', async () => {
    const f = writeMigration(extraVersion(5), 'e2e_empty', '');
    const p = path.join(migrationsDir, f);
    const item = await eventually(() => tree().find((i) => i.path === p && i.description === 'new, empty file'), 'the empty file listed as new');
    assert.equal(item.status, 'unknown');
    assert.deepEqual(diagnostics(uriOf(f)), []);
    const doc = await vscode.workspace.openTextDocument(uriOf(f));
    const add = new vscode.WorkspaceEdit();
    add.insert(doc.uri, new vscode.Position(0, 0), 'x');
    await vscode.workspace.applyEdit(add);
    const del = new vscode.WorkspaceEdit();
    del.delete(doc.uri, new vscode.Range(0, 0, 0, 1));
    await vscode.workspace.applyEdit(del);
    await doc.save();
    await eventually(() => tree().find((i) => i.path === p && i.status === 'invalid'), 'the file to be invalid once saved empty');
    await eventually(() => diagnostics(uriOf(f)).length > 0, 'a diagnostic once saved empty');
    fs.rmSync(p, { force: true });
  });

  await test('editing an applied file is drift: warning, lens and tree say so', async () => {
    const f = rest[0] || first;
    fs.appendFileSync(path.join(migrationsDir, f), '\n-- edited after it was applied\n');
    await api.refresh();
    const d = await eventually(() => diagnostics(uriOf(f)).length && diagnostics(uriOf(f)), 'drift diagnostic');
    const text = fs.readFileSync(path.join(migrationsDir, f), 'utf8');
    assert.equal(d.length, 1, JSON.stringify(d.map((x) => x.message)));
    assert.equal(d[0].severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(codeOf(d[0]), 'drift');
    // On the first line that differs from the text stored when it was applied: the appended comment.
    assert.equal(d[0].range.start.line, lineOf(text, /^-- edited after it was applied$/));
    assert.match(d[0].message, new RegExp(`^modified after it was applied on ${DATE}; restore the file or run "Migrate Lens: Accept Changed File"$`));
    assert.match(treeItem(f).description, new RegExp(`^drifted · applied ${DATE} · batch \\d+$`));
    const l = await lenses(uriOf(f));
    assert.match(l[0].title, new RegExp(`^drifted: modified after it was applied on ${DATE}$`));
    assert.ok(l.some((x) => x.title === 'Accept Changed File'), JSON.stringify(l));
  });

  for (const f of created) fs.rmSync(path.join(migrationsDir, f), { force: true });
  return finish();
};

