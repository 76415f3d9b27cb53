// In-extension-host checks of the linter in the editor (suite "lint"): findings as diagnostics on their
// lines while typing, quick fixes applied to the buffer, syntax errors as they are typed, ignore comments,
// files outside the migrations folder, and a 2,000-line migration typed into quickly.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');
const harness = require('./harness');

const EXTENSION_ID = 'migrate-lens.migrate-lens';
const SOURCE = 'migrate-lens lint';
const eventually = (fn, what, timeout = 30000) => harness.eventually(fn, what, timeout);

exports.run = async function run() {
  const { results, test, finish } = harness.suite();
  const folder = vscode.workspace.workspaceFolders[0].uri.fsPath;
  const migrationsDir = path.join(folder, 'migrations');
  const created = [];
  let version = 20990101000000;
  /** A new migration file (after every example), opened in an editor. */
  async function open(name, text) {
    const file = path.join(migrationsDir, `${version++}_${name}.sql`);
    // Through VS Code's file service: a write behind its back can make a later save a conflict
    // ("the file is newer"), which leaves the disk unchanged.
    await vscode.workspace.fs.writeFile(vscode.Uri.file(file), Buffer.from(text, 'utf8'));
    created.push(file);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc);
    return doc;
  }
  const lintOf = (doc) => vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === SOURCE);
  const codeOf = (d) => (d.code && typeof d.code === 'object' ? String(d.code.value) : String(d.code));
  const brief = (d) => `${codeOf(d)}@${d.range.start.line}:${d.range.start.character}`;
  /** Waits until the lint diagnostics of `doc` are exactly `expected` (rule@line:character, 0-based). */
  const waitFor = (doc, expected, what) =>
    eventually(() => {
      const got = lintOf(doc).map(brief).sort();
      return JSON.stringify(got) === JSON.stringify([...expected].sort()) && lintOf(doc);
    }, `${what}: ${JSON.stringify(expected)}; last seen ${JSON.stringify(lintOf(doc).map(brief))}`);
  async function applyQuickFix(doc, diagnostic, title) {
    const actions = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value)) || [];
    const action = actions.find((a) => a.title === title);
    assert.ok(action, `no quick fix "${title}"; offered: ${JSON.stringify(actions.map((a) => a.title))}`);
    const before = { version: doc.version, text: doc.getText() };
    assert.ok(await vscode.workspace.applyEdit(action.edit), 'the edit did not apply');
    // Said on failure: what was applied to which version.
    return `version ${before.version} -> ${doc.version}; edits ${JSON.stringify(action.edit.entries().map(([u, es]) => [u.toString(), es.map((e) => [e.range.start.line, e.range.start.character, e.newText])]))}`;
  }
  let api;

  await test('the extension activates without loading the SQL grammar', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} not installed`);
    api = await ext.activate();
    assert.equal(api.getLintStats().runs, 0);
  });
  if (!results[0].ok) return finish();

  await test('CREATE INDEX on an existing table: an Error on its line (UTF-16 column after an emoji); "Add CONCURRENTLY and notransaction" rewrites the file', async () => {
    const doc = await open('lint_index', '-- +migrate Up\n/* 😀 ü */ CREATE INDEX users_email_idx ON users (email);\n\n-- +migrate Down\nDROP INDEX users_email_idx;\n');
    const [d] = await waitFor(doc, ['index-without-concurrently@1:11'], 'the index finding');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.match(d.message, /^CREATE INDEX "users_email_idx" on existing table "users" without CONCURRENTLY blocks writes/);
    assert.equal(d.range.end.line, 1);
    const applied = await applyQuickFix(doc, d, 'Add CONCURRENTLY and notransaction');
    assert.equal(doc.getText(), '-- +migrate Up notransaction\n/* 😀 ü */ CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n\n-- +migrate Down\nDROP INDEX users_email_idx;\n', applied);
    await waitFor(doc, [], 'no finding once fixed');
    assert.ok(await doc.save(), 'the save was refused');
    assert.equal(fs.readFileSync(doc.uri.fsPath, 'utf8'), doc.getText());
  });

  await test('a foreign key without NOT VALID: "Add NOT VALID and a VALIDATE CONSTRAINT (notransaction)"', async () => {
    const doc = await open('lint_fk', '-- +migrate Up\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n\n-- +migrate Down\nALTER TABLE orders DROP CONSTRAINT orders_user_fk;\n');
    const [d] = await waitFor(doc, ['constraint-without-not-valid@1:23'], 'the constraint finding');
    await applyQuickFix(doc, d, 'Add NOT VALID and a VALIDATE CONSTRAINT (notransaction)');
    assert.equal(doc.getText(), '-- +migrate Up notransaction\nALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\n\n-- +migrate Down\nALTER TABLE orders DROP CONSTRAINT orders_user_fk;\n');
    // Now two statements without a transaction: the second can be repeated, the first too (it has NOT VALID).
    await waitFor(doc, [], 'no finding once fixed');
  });

  await test('a notransaction section with a statement that cannot be repeated: "Add IF NOT EXISTS"', async () => {
    const doc = await open('lint_idempotent', '-- +migrate Up notransaction\nCREATE INDEX CONCURRENTLY users_a_idx ON users (a);\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_b_idx ON users (b);\n\n-- +migrate Down notransaction\nDROP INDEX CONCURRENTLY IF EXISTS users_b_idx;\nDROP INDEX CONCURRENTLY IF EXISTS users_a_idx;\n');
    const [d] = await waitFor(doc, ['notransaction-not-idempotent@1:0'], 'the idempotence finding');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    await applyQuickFix(doc, d, 'Add IF NOT EXISTS');
    assert.ok(doc.getText().includes('CREATE INDEX CONCURRENTLY IF NOT EXISTS users_a_idx ON users (a);'), doc.getText());
    await waitFor(doc, [], 'no finding once fixed');
  });

  await test('a syntax error shows as it is typed, at its line and column, and goes when it is fixed', async () => {
    const doc = await open('lint_typing', '-- +migrate Up\nCREATE TABLE e2e_lint_t (id int);\n\n-- +migrate Down\nDROP TABLE e2e_lint_t;\n');
    await eventually(() => api.getLintStats().runs > 0 && lintOf(doc).length === 0, 'a first lint of the file');
    const typo = new vscode.WorkspaceEdit();
    typo.replace(doc.uri, new vscode.Range(1, 31, 1, 32), ' NOT NUL)'); // CREATE TABLE e2e_lint_t (id int NOT NUL);
    await vscode.workspace.applyEdit(typo);
    const [d] = await waitFor(doc, ['syntax-error@1:36'], 'the syntax error');
    assert.match(d.message, /syntax error at or near "NUL"/);
    const fix = new vscode.WorkspaceEdit();
    fix.replace(doc.uri, new vscode.Range(1, 36, 1, 39), 'NULL');
    await vscode.workspace.applyEdit(fix);
    await waitFor(doc, [], 'the syntax error to go');
  });

  await test('migrate-lens-ignore silences its statement only; lint.rules of config.yaml turns a rule off', async () => {
    const doc = await open('lint_ignore', '-- +migrate Up\n-- migrate-lens-ignore index-without-concurrently\nCREATE INDEX users_c_idx ON users (c);\nCREATE INDEX users_d_idx ON users (d);\nUPDATE users SET c = 1;\n\n-- +migrate Down\nSELECT 1;\n');
    await waitFor(doc, ['index-without-concurrently@3:0', 'update-or-delete-without-where@4:0'], 'one index finding and the UPDATE');
    const config = path.join(folder, 'config.yaml');
    const before = fs.existsSync(config) ? fs.readFileSync(config, 'utf8') : null;
    fs.writeFileSync(config, `${before ?? ''}\nlint:\n  rules:\n    update-or-delete-without-where: off\n`);
    try {
      // The next run reads the config again: type a space at the end.
      const edit = new vscode.WorkspaceEdit();
      edit.insert(doc.uri, new vscode.Position(7, 9), ' ');
      await vscode.workspace.applyEdit(edit);
      await waitFor(doc, ['index-without-concurrently@3:0'], 'the UPDATE finding turned off');
    } finally {
      if (before === null) fs.rmSync(config, { force: true });
      else fs.writeFileSync(config, before);
    }
  });

  await test('a .sql file outside the migrations folder is not linted', async () => {
    const other = path.join(folder, 'scratch.sql');
    fs.writeFileSync(other, '-- +migrate Up\nCREATE INDEX users_e_idx ON users (e);\n');
    created.push(other);
    const outside = await vscode.workspace.openTextDocument(vscode.Uri.file(other));
    await vscode.window.showTextDocument(outside);
    // A migration opened after it is linted: by then the other file would have been too.
    const doc = await open('lint_after_outside', '-- +migrate Up\nCREATE INDEX users_f_idx ON users (f);\n\n-- +migrate Down\nDROP INDEX users_f_idx;\n');
    await waitFor(doc, ['index-without-concurrently@1:0'], 'the migration linted');
    assert.deepEqual(lintOf(outside).map(brief), []);
  });

  const lines = [];
  for (let n = 0; lines.length < 1990; n++) lines.push(`ALTER TABLE big ADD COLUMN c${n} text;`, `CREATE INDEX big_c${n}_idx ON big (c${n});`, `UPDATE big SET c${n} = 'x' WHERE id < ${n};`);
  const bigText = `-- +migrate Up\n${lines.join('\n')}\n\n-- +migrate Down\nDROP TABLE big;\n`;
  let editorMs = null;
  await test('typing quickly into a 2,000-line migration: one lint after the burst, for the final text', async () => {
    const doc = await open('lint_big', bigText);
    const indexes = lines.filter((l) => l.startsWith('CREATE INDEX')).length;
    await eventually(() => lintOf(doc).length === indexes, `${indexes} index findings`);
    const runsBefore = api.getLintStats().runs;
    // 40 keystrokes without waiting, on line 1000: the last one leaves a syntax error there.
    const line = 1000;
    const start = doc.lineAt(line).text.length;
    let pauses = 0;
    let last = Date.now();
    for (let i = 0; i < 40; i++) {
      const edit = new vscode.WorkspaceEdit();
      edit.insert(doc.uri, new vscode.Position(line, start + i), i === 39 ? '(' : ' ');
      await vscode.workspace.applyEdit(edit);
      // A busy machine can stall between two keystrokes longer than the debounce: a run may start there.
      if (Date.now() - last >= 200) pauses++;
      last = Date.now();
    }
    const withError = await eventually(() => lintOf(doc).some((d) => codeOf(d) === 'syntax-error') && lintOf(doc), 'the syntax error of the last keystroke');
    const syntax = withError.filter((d) => codeOf(d) === 'syntax-error');
    assert.equal(syntax.length, 1);
    assert.equal(syntax[0].range.start.line, line + 1, 'reported where the parser sees the end: the next statement');
    const runs = api.getLintStats().runs - runsBefore;
    editorMs = api.getLintStats();
    // Debounced: one run after the burst, plus at most one per stall of the typing.
    assert.ok(runs >= 1 && runs <= 1 + pauses, `${runs} lint runs for 40 keystrokes with ${pauses} pauses of 200 ms or more`);
  });
  if (editorMs !== null) {
    await test(`editor lint of the 2,000-line migration after a keystroke: ${editorMs.lastLintMs.toFixed(1)} ms linting, ${editorMs.lastMs.toFixed(1)} ms with its ${lines.length / 3 | 0} diagnostics published`, async () => {
      assert.ok(editorMs.lastLintMs > 0 && editorMs.lastMs >= editorMs.lastLintMs);
    });
  }

  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  for (const f of created) fs.rmSync(f, { force: true });
  return finish();
};
