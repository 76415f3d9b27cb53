// The user's day in a trusted workspace, driven through the real workbench UI.
import fs from 'node:fs';
import path from 'node:path';
import { assert, assertMatch, eventually } from '../lib/assert.mjs';
import { plain } from '../lib/workbench.mjs';
import { trackingRows } from '../lib/database.mjs';
import { parseFileName, timestampVersion } from '../lib/workspace.mjs';

const plainText = (t) => t.replace(/\u00a0/g, ' ').replace(/\s+/g, ' ');

// Durations are written like the CLI's: "145 ms", "1.0 s", "4 min 05 s".
const DURATION = String.raw`(?:\d+ ms|\d+\.\d s|\d+ min \d\d s)`;
const APPLIED = new RegExp(String.raw`^applied \d{4}-\d\d-\d\d \d\d:\d\d · batch (\d+) · ` + DURATION + '$');
const DATE = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d`;
const DRIFT_MESSAGE = /modified after it was applied on \d{4}-\d\d-\d\d \d\d:\d\d/;

// Line 5 (1-based) holds the statement that fails (team_defaults does not exist); line 3 succeeds
// and must be rolled back with it.
export const BROKEN_MIGRATION = [
  '-- Invites for the first team.',
  '-- +migrate Up',
  'CREATE TABLE team_invites (id bigserial PRIMARY KEY, email text NOT NULL);',
  '',
  "INSERT INTO team_defaults (name) VALUES ('admins');",
  '',
  '-- +migrate Down',
  'DROP TABLE team_invites;',
  '',
].join('\n');
export const BROKEN_LINE = 5;
export const BROKEN_ERROR = 'relation "team_defaults" does not exist';

/** "20240101120000_create_users.sql" -> the tree label "20240101120000 create_users". */
const treeLabel = (file) => { const { version, name } = parseFileName(file); return `${version} ${name}`; };

/** Waits until the tree shows `file` with a description matching `description`; returns the row text. */
async function treeRow(wb, file, description, timeout = 30_000) {
  const label = treeLabel(file);
  let rows = [];
  try {
    return await eventually(async () => {
      // Applied migrations sit in batch groups that start collapsed.
      await wb.expandTreeGroups();
      rows = await wb.sideBarTreeItems();
      const row = rows.find((r) => r.startsWith(label + ' '));
      return row && description.test(row.slice(label.length + 1)) ? row : null;
    }, { timeout, what: `tree item "${label}" ${description}` });
  } catch (err) {
    throw new Error(`${err.message}; tree shows ${JSON.stringify(rows)}`);
  }
}

async function lensesMatching(wb, predicate, what, timeout = 30_000) {
  let texts = [];
  try {
    return await eventually(async () => { texts = await wb.codeLensTexts(); return predicate(texts) ? texts : null; }, { timeout, what });
  } catch (err) {
    throw new Error(`${err.message}; CodeLens texts ${JSON.stringify(texts)}`);
  }
}

async function problemMatching(wb, regex, what, timeout = 30_000) {
  await wb.showProblems();
  let rows = [];
  try {
    return await eventually(async () => { rows = await wb.problems(); return rows.find((r) => regex.test(r.text) || regex.test(r.label)); }, { timeout, what });
  } catch (err) {
    throw new Error(`${err.message}; Problems panel shows ${JSON.stringify(rows.map((r) => r.label || r.text))}`);
  }
}

/** Opens or closes a group of the Migrations view by its twistie and waits until it is so. */
async function setExpanded(wb, label, open) {
  if ((await wb.treeRowExpanded(label)) === open) return;
  await wb.treeRow(label).locator('.monaco-tl-twistie').dispatchEvent('click');
  await eventually(async () => (await wb.treeRowExpanded(label)) === open, { timeout: 10_000, what: `"${label}" ${open ? 'expanded' : 'collapsed'}` });
}

/** "Filter by Status…" from the palette, ticking one status in its multi-select pick. */
async function filterTo(wb, status) {
  await wb.runCommand('Migrate Lens: Filter by Status…');
  const row = wb.page.locator('.quick-input-list .monaco-list-row').filter({ has: wb.page.locator('.label-name', { hasText: new RegExp(`^${status}$`) }) }).first();
  await row.waitFor({ timeout: 15_000 });
  await row.click();
  await eventually(async () => (await row.getAttribute('aria-checked')) === 'true' || (await row.locator('input[type="checkbox"]:checked, .monaco-custom-toggle.checked, [aria-checked="true"]').count()) > 0,
    { timeout: 5_000, what: `"${status}" ticked in the pick` });
  await wb.page.locator('.quick-input-widget input').first().focus();
  await wb.page.keyboard.press('Enter');
  await wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  await wb.page.locator('.part.sidebar', { hasText: `Filter: ${status}` }).first().waitFor({ timeout: 10_000 });
}

/** The extension's status bar item names the database and counts what is pending. */
async function statusBarSays(wb, text) {
  let items = [];
  try {
    await eventually(async () => {
      items = (await wb.page.locator('.part.statusbar .statusbar-item').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      return items.some((t) => t.endsWith(text));
    }, { timeout: 10_000, what: `status bar "… ${text}"` });
  } catch (err) {
    throw new Error(`${err.message}; status bar shows ${JSON.stringify(items.filter(Boolean))}`);
  }
}

export async function trustedScenarios({ report, wb, ws, db, server, screenshotPath }) {
  const { files } = ws;
  const [first, ...rest] = files;
  const versionOf = (f) => parseFileName(f).version;

  const activated = await report.check('extension activates and shows the "Migrations" container', async () => {
    await wb.showContainer('Migrations');
    await wb.resizeSideBar(540);
    await eventually(async () => (await wb.sideBarTreeItems()).length > 0, { timeout: 45_000, what: 'tree items in the Migrations view' });
  });
  if (!activated) {
    for (const name of ['tree', 'Run Up lens', 'palette Up', 'Run Down', 'broken migration', 'drift', 'accept', 'create', 'highlighting', 'snippet', 'password']) report.blocked(name, 'the extension did not activate');
    return;
  }

  await report.check(`tree and status bar list the ${files.length} example migrations as pending`, async () => {
    for (const f of files) await treeRow(wb, f, /^pending$/);
    const rows = await wb.sideBarTreeItems();
    const ours = rows.filter((r) => /^\d{14} /.test(r));
    assert(ours.length === files.length, `expected ${files.length} migrations in the tree, got ${JSON.stringify(rows)}`);
    assert((await trackingRows(db)).length === 0, 'database already has applied rows');
    await statusBarSays(wb, `${db.name} · ${files.length} pending`);
  });

  await report.check('clicking the "Run Up" CodeLens applies that migration; lens and tree turn to applied', async () => {
    await wb.openFile(first);
    await lensesMatching(wb, (t) => t.includes('Run Up'), '"Run Up" CodeLens');
    await wb.codeLens('Run Up').click();
    const lenses = await lensesMatching(wb, (t) => t.some((x) => APPLIED.test(x)), 'the applied CodeLens');
    assert(!lenses.includes('Run Up'), `"Run Up" still shown after applying: ${JSON.stringify(lenses)}`);
    assert(APPLIED.exec(lenses.find((x) => APPLIED.test(x)))[1] === '1', `expected batch 1 in ${JSON.stringify(lenses)}`);
    await treeRow(wb, first, APPLIED);
    for (const f of rest) await treeRow(wb, f, /^pending$/, 5_000);
    const rows = await trackingRows(db);
    assert(rows.length === 1 && rows[0].version === versionOf(first) && rows[0].status === 'applied',
      `tracking table: ${JSON.stringify(rows)}`);
  });

  await report.check('"Migrate Lens: Up" from the palette applies the rest (status bar: 0 pending); its batch starts collapsed', async () => {
    await wb.runCommand('Migrate Lens: Up');
    // The new batch is a group of its own, collapsed (read before any helper expands it).
    await wb.treeRow('Batch 2').waitFor({ timeout: 30_000 });
    assert((await wb.treeRowExpanded('Batch 2')) === false, 'the new "Batch 2" group starts expanded');
    for (const f of rest) await treeRow(wb, f, APPLIED);
    const rows = await trackingRows(db);
    const applied = rows.filter((r) => r.status === 'applied').map((r) => r.version);
    assert(JSON.stringify(applied) === JSON.stringify(files.map(versionOf)), `tracking table: ${JSON.stringify(rows)}`);
    const batches = new Set(rows.filter((r) => r.version !== versionOf(first)).map((r) => r.batch));
    assert(batches.size === 1 && !batches.has(rows[0].batch), `the palette run should be one new batch: ${JSON.stringify(rows)}`);
    await statusBarSays(wb, `${db.name} · 0 pending`);
  });

  await report.check('applied migrations are grouped by batch, newest first; a refresh keeps each group as the user left it', async () => {
    const rows = await wb.sideBarTreeItems();
    const b2 = rows.findIndex((r) => new RegExp(`^Batch 2 ${rest.length} migrations? · applied ${DATE}$`).test(r));
    const b1 = rows.findIndex((r) => new RegExp(`^Batch 1 1 migration · applied ${DATE}$`).test(r));
    assert(b2 >= 0 && b1 > b2, `expected "Batch 2" above "Batch 1" in ${JSON.stringify(rows)}`);
    // Batch 1 open, Batch 2 closed, by hand; then the files change and the view refreshes.
    await setExpanded(wb, 'Batch 1', true);
    await setExpanded(wb, 'Batch 2', false);
    const probe = `${timestampVersion()}_e2e_refresh_probe.sql`;
    fs.writeFileSync(path.join(ws.migrationsDir, probe), '-- +migrate Up\nSELECT 1;\n');
    try {
      await eventually(async () => (await wb.sideBarTreeItems()).some((r) => r.startsWith(treeLabel(probe) + ' pending')), { timeout: 30_000, what: 'the new file under Pending' });
      assert((await wb.treeRowExpanded('Batch 1')) === true, '"Batch 1" collapsed itself on refresh');
      assert((await wb.treeRowExpanded('Batch 2')) === false, '"Batch 2" expanded itself on refresh');
      assert((await wb.sideBarTreeItems()).some((r) => r.startsWith(treeLabel(first) + ' applied')), 'the migration of the open "Batch 1" is not shown');
    } finally {
      fs.unlinkSync(path.join(ws.migrationsDir, probe));
    }
    await eventually(async () => !(await wb.sideBarTreeItems()).some((r) => r.startsWith(treeLabel(probe))), { timeout: 30_000, what: 'the probe file to leave the tree' });
  });

  await report.check('a single click opens a preview and focus stays in the tree (arrow keys move on); a double click keeps the tab and focuses the editor', async () => {
    await wb.runCommand('View: Close All Editors');
    await setExpanded(wb, 'Batch 1', true);
    await wb.treeRow(treeLabel(first)).click();
    const tab = wb.page.locator('.tabs-container .tab.active', { hasText: first });
    await tab.waitFor({ timeout: 15_000 });
    assert(await tab.locator('.monaco-icon-label.italic').count() > 0, 'the tab is not a preview (italic) tab');
    const where = () => wb.page.evaluate(() => {
      const a = document.activeElement;
      return { sidebar: !!a?.closest('.part.sidebar'), editor: !!a?.closest('.editor-instance'), focused: document.querySelector('.part.sidebar [role="treeitem"].focused .label-name')?.textContent ?? null };
    });
    let at = await where();
    assert(at.sidebar && !at.editor, `focus left the tree after a single click: ${JSON.stringify(at)}`);
    const before = at.focused;
    await wb.page.keyboard.press('ArrowUp');
    at = await eventually(async () => { const w = await where(); return w.focused !== before ? w : null; }, { timeout: 5_000, what: `ArrowUp to move the tree's focus from ${before}` });
    assert(at.sidebar, `focus left the tree after ArrowUp: ${JSON.stringify(at)}`);
    await wb.treeRow(treeLabel(first)).dblclick();
    await eventually(async () => (await tab.locator('.monaco-icon-label.italic').count()) === 0, { timeout: 10_000, what: 'the tab to be kept (not italic) after a double click' });
    await eventually(async () => (await where()).editor, { timeout: 10_000, what: 'focus in the editor after a double click' });
  });

  const last = files[files.length - 1];
  await report.check('"Run Down" asks first, naming the database; Cancel keeps it, "Roll Back" rolls it back', async () => {
    await wb.openFile(last);
    const downLine = fs.readFileSync(path.join(ws.migrationsDir, last), 'utf8').split(/\r?\n/).findIndex((l) => /^\s*--\s*\+migrate\s+down/i.test(l)) + 1;
    assert(downLine > 0, `${last} has no Down section`);
    await wb.goToLine(downLine);
    await lensesMatching(wb, (t) => t.includes('Run Down'), '"Run Down" CodeLens');
    await wb.codeLens('Run Down').click();
    const dialog = wb.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 10_000 });
    const question = (await dialog.innerText()).replace(/\s+/g, ' ');
    assert(question.includes(db.name), `the confirmation does not name the database ${db.name}: ${JSON.stringify(question)}`);
    await wb.answerDialog('Cancel');
    await dialog.waitFor({ state: 'detached', timeout: 5_000 });
    await wb.page.waitForTimeout(1_000);
    let row = (await trackingRows(db)).find((r) => r.version === versionOf(last));
    assert(row?.status === 'applied', `Cancel changed the database: ${JSON.stringify(row)}`);
    await wb.codeLens('Run Down').click();
    await wb.answerDialog('Roll Back');
    await treeRow(wb, last, /^rolled back \d{4}-\d\d-\d\d \d\d:\d\d$/);
    // Monaco re-renders lenses only inside the viewport; bring the Up line back into view first.
    await wb.goToLine(1);
    await lensesMatching(wb, (t) => t.includes('Run Up') && !t.some((x) => x.startsWith('applied')), '"Run Up" back on the rolled-back file');
    row = (await trackingRows(db)).find((r) => r.version === versionOf(last));
    assert(row?.status === 'rollback', `tracking row after Roll Back: ${JSON.stringify(row)}`);
  });

  const brokenFile = `${timestampVersion()}_invite_first_team.sql`;
  await report.check('a broken migration shows the database error on the failing line after Run Up', async () => {
    fs.writeFileSync(path.join(ws.migrationsDir, brokenFile), BROKEN_MIGRATION);
    await treeRow(wb, brokenFile, /^pending/);
    await wb.openFromTree(treeLabel(brokenFile), brokenFile);
    await lensesMatching(wb, (t) => t.includes('Run Up'), '"Run Up" CodeLens');
    await wb.codeLens('Run Up').click();
    await treeRow(wb, brokenFile, /^failed /);
    const problem = await problemMatching(wb, /team_defaults/, 'the database error in Problems');
    assertMatch(problem.text, new RegExp(`\\[Ln ${BROKEN_LINE}, Col \\d+\\]`), 'Problems row position');
    const row = (await trackingRows(db)).find((r) => r.version === parseFileName(brokenFile).version);
    assert(row && row.status === 'failed' && Number(row.error_line) === BROKEN_LINE && row.error.includes(BROKEN_ERROR),
      `tracking row: ${JSON.stringify(row)}`);
    const leftover = await db.query(`SELECT to_regclass('public.team_invites') AS t`);
    assert(leftover[0].t === null, 'the successful first statement was not rolled back with the failing one');
    const failedLens = (t) => t.some((x) => x.startsWith('failed ') && x.includes(BROKEN_ERROR));
    try {
      await lensesMatching(wb, failedLens, 'the failed CodeLens', 10_000);
    } catch (err) {
      // Say whether the lens was late (VS Code's adaptive CodeLens debounce), stale, or never produced.
      const t = Date.now();
      let after = await lensesMatching(wb, failedLens, 'x', 20_000).then(() => `appeared ${Date.now() - t} ms later without any action`, () => null);
      if (!after) {
        await wb.runCommand('Migrate Lens: Status (Reload)').catch(() => {});
        after = await lensesMatching(wb, failedLens, 'x', 5_000).then(() => 'appeared only after "Status (Reload)"', () => 'is missing even after "Status (Reload)"');
      }
      throw new Error(`${err.message}; the lens ${after}`);
    }
    if (screenshotPath) {
      await wb.page.mouse.move(1000, 480); // no hover tooltips in the picture
      await wb.page.waitForTimeout(300);
      await wb.page.screenshot({ path: screenshotPath });
    }
  });

  await report.check('a failed migration colours the status bar and its menu offers to show the failure', async () => {
    const item = wb.page.locator('.part.statusbar .statusbar-item', { hasText: '1 failed' }).first();
    await item.waitFor({ timeout: 15_000 });
    const { cls, bg } = await item.evaluate((e) => ({ cls: e.className, bg: getComputedStyle(e).backgroundColor }));
    assert(/error-kind/.test(cls) || !/rgba\(0, 0, 0, 0\)|transparent/.test(bg), `status bar item not coloured: class ${cls}, background ${bg}`);
    await item.click();
    const option = wb.page.locator('.quick-input-list [role="option"]', { hasText: 'Show failure of' }).first();
    await option.waitFor({ timeout: 10_000 });
    const options = (await wb.page.locator('.quick-input-list [role="option"]').allInnerTexts()).map(plain);
    assert(options.some((o) => o.includes('Run') && o.includes('pending')), `no "Run … pending" in ${JSON.stringify(options)}`);
    await wb.page.keyboard.press('Escape');
  });

  await report.check('"Filter by Status…" (a multi-select pick) shows only failed migrations and says so; "Clear Filter" shows all again', async () => {
    await filterTo(wb, 'failed');
    let rows = [];
    await eventually(async () => {
      rows = (await wb.sideBarTreeItems()).filter((r) => /^\d{14} /.test(r));
      return rows.length === 1 && rows[0].startsWith(treeLabel(brokenFile) + ' failed');
    }, { timeout: 15_000, what: 'only the failed migration in the tree' }).catch((err) => { throw new Error(`${err.message}; tree shows ${JSON.stringify(rows)}`); });
    await wb.runCommand('Migrate Lens: Clear Filter');
    await eventually(async () => (await wb.sideBarTreeItems()).some((r) => r.startsWith('Batch 1 ')), { timeout: 15_000, what: 'the batches back after Clear Filter' });
    assert(!(await wb.page.locator('.part.sidebar', { hasText: 'Filter: failed' }).count()), 'the view still says "Filter: failed"');
  });

  const drifted = rest[0] ?? first;
  await report.check('editing an applied file shows a drift warning in the Problems panel', async () => {
    await wb.openFile(drifted);
    await wb.activeEditor().click();
    await wb.page.keyboard.press('Control+End');
    await wb.page.keyboard.type('\n-- edited after it was applied');
    await wb.save();
    const problem = await problemMatching(wb, DRIFT_MESSAGE, 'the drift diagnostic');
    assert(problem.text.includes(drifted) || problem.label.includes(drifted) || (await wb.problems()).some((r) => r.text.includes(drifted)),
      `drift problem is not under ${drifted}: ${JSON.stringify(problem)}`);
    await treeRow(wb, drifted, /^drifted · applied /, 10_000);
  });

  await report.check('"Accept Changed File" (after confirming) clears the drift', async () => {
    await wb.goToLine(1);
    await lensesMatching(wb, (t) => t.includes('Accept Changed File'), '"Accept Changed File" CodeLens');
    await wb.codeLens('Accept Changed File').click();
    await wb.answerDialog('Accept');
    await treeRow(wb, drifted, APPLIED);
    await wb.showProblems();
    await eventually(async () => !(await wb.problems()).some((r) => DRIFT_MESSAGE.test(r.text)), { timeout: 15_000, what: 'the drift problem to go away' });
  });

  let created = null;
  await report.check('"Create Migration" makes and opens a file with the template', async () => {
    const before = new Set(fs.readdirSync(ws.migrationsDir));
    await wb.runCommand('Migrate Lens: Create Migration');
    const input = wb.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('add_e2e_gadgets');
    // While typing, the file name it makes is shown, and that its time is UTC.
    const hint = wb.page.locator('.quick-input-widget', { hasText: /Creates \d{14}_add_e2e_gadgets\.sql \(time in UTC\)/ });
    await hint.waitFor({ timeout: 10_000 });
    await wb.page.keyboard.press('Enter');
    created = await eventually(() => fs.readdirSync(ws.migrationsDir).find((f) => !before.has(f)), { what: 'a new file in migrations/' });
    assertMatch(created, /^\d{14}_add_e2e_gadgets\.sql$/, 'new file name');
    // The version is a UTC timestamp of "now" (the runner and the workbench share a clock).
    const stamp = parseFileName(created).version;
    const when = Date.UTC(+stamp.slice(0, 4), +stamp.slice(4, 6) - 1, +stamp.slice(6, 8), +stamp.slice(8, 10), +stamp.slice(10, 12), +stamp.slice(12, 14));
    assert(Math.abs(when - Date.now()) < 5 * 60_000, `version ${stamp} is not the current UTC time`);
    await wb.page.locator('.tabs-container .tab.active', { hasText: created }).waitFor({ timeout: 15_000 });
    const text = fs.readFileSync(path.join(ws.migrationsDir, created), 'utf8');
    assert(/^--\s*\+migrate Up\s*$/m.test(text) && /^--\s*\+migrate Down\s*$/m.test(text), `template: ${JSON.stringify(text)}`);
    let shown = '';
    await eventually(async () => (shown = await wb.editorText()).includes('-- +migrate Up'), { timeout: 10_000, what: `the template in the editor (shows ${JSON.stringify(shown)})` });
    await treeRow(wb, created, /^pending/);
  });

  await report.check('directive tokens are scoped and coloured differently from comments', async () => {
    await wb.openFromTree(treeLabel(brokenFile), brokenFile);
    const comment = await wb.lineTokens('Invites for the first team');
    const directive = await wb.lineTokens('+migrate Up');
    const commentClasses = new Set(comment.filter(([t]) => t.trim()).map(([, c]) => c));
    assert(commentClasses.size === 1, `a plain comment should be one token class: ${JSON.stringify(comment)}`);
    const [commentClass] = commentClasses;
    const distinct = directive.filter(([t, c]) => /migrate|Up/.test(t) && c !== commentClass);
    assert(distinct.length > 0, `directive tokens ${JSON.stringify(directive)} all look like the comment ${JSON.stringify(comment)}`);
    // And by scope, as the grammar assigns it: the directive word is not (only) a comment.
    const commentScopes = await wb.tokenScopes('Invites for the first team', 'Invites');
    const directiveScopes = await wb.tokenScopes('+migrate Up', 'migrate');
    report.log('  scopes: comment', JSON.stringify(commentScopes), 'directive', JSON.stringify(directiveScopes));
    assert(/^comment\./.test(commentScopes[0] ?? ''), `comment scopes ${JSON.stringify(commentScopes)}`);
    assert(directiveScopes.length && !/^comment\./.test(directiveScopes[0]) && directiveScopes[0] !== commentScopes[0],
      `directive scopes ${JSON.stringify(directiveScopes)} vs comment ${JSON.stringify(commentScopes)}`);
  });

  await report.check('the "migrate" snippet expands to the migration skeleton', async () => {
    assert(created, 'needs the file from "Create Migration"');
    await wb.openFromTree(treeLabel(created), created);
    await wb.activeEditor().click();
    await wb.page.keyboard.press('Control+A');
    await wb.page.keyboard.press('Delete');
    await wb.page.keyboard.type('migrate');
    const suggestion = wb.page.locator('.suggest-widget .monaco-list-row', { hasText: 'migrate' }).first();
    if (!(await suggestion.isVisible().catch(() => false))) await wb.page.keyboard.press('Control+Space');
    await suggestion.waitFor({ timeout: 10_000 });
    // The skeleton is the preselected suggestion: plain Enter inserts it, not the word "migrate".
    let focused = '';
    await eventually(async () => {
      focused = plain((await wb.page.locator('.suggest-widget .monaco-list-row.focused').first().innerText().catch(() => '')) ?? '');
      return /Migrate Lens: new migration/.test(focused);
    }, { timeout: 10_000, what: `the skeleton preselected (focused row ${JSON.stringify(focused)})` });
    await wb.page.keyboard.press('Enter');
    const text = await eventually(async () => { const t = await wb.editorText(); return /-- \+migrate Down/.test(t) ? t : null; }, { timeout: 5_000, what: 'the expanded snippet' });
    assert(/^-- \+migrate Up/m.test(text), `editor shows ${JSON.stringify(text)}`);
    assert(/^-- Created: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/m.test(text), `the Created: line does not say UTC: ${JSON.stringify(text)}`);
    await wb.save();
  });

  await report.check('"Set Database Password" keeps the password out of settings files and logs', async () => {
    const secret = 'e2e-Pw-' + Math.random().toString(36).slice(2, 10);
    await wb.runCommand('Migrate Lens: Set Database Password');
    const input = wb.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    const prompt = (await wb.page.locator('.quick-input-widget').innerText()).replace(/\s+/g, ' ');
    assert(prompt.includes(db.name), `the prompt does not name the database: ${JSON.stringify(prompt)}`);
    assert((await input.getAttribute('type')) === 'password', 'the input box does not hide what is typed');
    await input.fill(secret);
    await wb.page.keyboard.press('Enter');
    // The "Migrate Lens" output channel is a log file under the user-data folder.
    const channelLog = () => {
      const found = [];
      const walk = (dir) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
          if (e.isDirectory()) walk(path.join(dir, e.name));
          else if (e.name === 'Migrate Lens.log') found.push(fs.readFileSync(path.join(dir, e.name), 'utf8'));
        }
      };
      walk(path.join(server.userDataDir, 'logs'));
      return found.join('\n');
    };
    await eventually(() => /password stored in Secret Storage/.test(channelLog()), { timeout: 10_000, what: 'the "password stored" line in the Migrate Lens log' });
    const leaks = [];
    const scan = (dir) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) scan(p);
        else if (/\.(json|log|txt)$/.test(e.name) && fs.readFileSync(p, 'utf8').includes(secret)) leaks.push(p);
      }
    };
    scan(path.join(ws.dir, '.vscode'));
    scan(path.join(server.userDataDir, 'User'));
    scan(path.join(server.userDataDir, 'logs'));
    assert(leaks.length === 0, `the password appears in ${JSON.stringify(leaks)}`);
  });

  await report.check('"Open Walkthrough" opens the Get Started page: its four steps, with the commands as buttons', async () => {
    await wb.runCommand('Migrate Lens: Open Walkthrough');
    const page = wb.page.locator('.gettingStartedContainer');
    await eventually(async () => /Get Started with Migrate Lens/.test(await page.innerText().catch(() => '')), { timeout: 15_000, what: 'the walkthrough page' });
    const text = plainText(await page.innerText());
    for (const step of ['Connect a database', 'Create a migration', 'Run it', 'See the status']) assert(text.includes(step), `step "${step}" missing from ${JSON.stringify(text.slice(0, 400))}`);
    // The open step shows its buttons; "Create Migration" is one of step 2's.
    await page.getByText('Create a migration', { exact: true }).first().click();
    await eventually(async () => (await page.getByRole('button', { name: 'Create Migration' }).count()) > 0, { timeout: 10_000, what: 'the "Create Migration" button of step 2' });
    await wb.page.keyboard.press('Escape');
  });
}

/** Checks that need a missing file and the confirmations' lists; run after trustedScenarios. */
export async function recoveryScenarios({ report, wb, ws, db }) {
  const versions = fs.readdirSync(ws.migrationsDir).map((f) => parseFileName(f)?.version).filter(Boolean).sort();
  const gone = `${String(BigInt(versions[versions.length - 1]) + 1n)}_e2e_gone.sql`;
  const goneVersion = parseFileName(gone).version;
  await report.check('a missing file: "Roll Back (stored copy)" says the stored copy runs and from when; its tab is the read-only applied copy', async () => {
    fs.writeFileSync(path.join(ws.migrationsDir, gone), '-- +migrate Up\nCREATE TABLE e2e_gone (id int);\n\n-- +migrate Down\nDROP TABLE e2e_gone;\n');
    await treeRow(wb, gone, /^pending/);
    await wb.openFromTree(treeLabel(gone), gone);
    await lensesMatching(wb, (t) => t.includes('Run Up'), '"Run Up" CodeLens');
    await wb.codeLens('Run Up').click();
    await treeRow(wb, gone, APPLIED);
    await wb.runCommand('View: Close Editor');
    fs.unlinkSync(path.join(ws.migrationsDir, gone));
    await treeRow(wb, gone, /^missing file · applied /);
    // A click opens the copy kept in the history: titled so, and read-only.
    await wb.treeRow(treeLabel(gone)).click();
    const tab = wb.page.locator('.tabs-container .tab.active', { hasText: '(applied copy, read-only)' });
    await tab.waitFor({ timeout: 15_000 });
    let text = '';
    await eventually(async () => (text = await wb.editorText()).includes('DROP TABLE e2e_gone'), { timeout: 10_000, what: `the stored text in the tab (shows ${JSON.stringify(text)})` });
    await wb.activeEditor().click();
    await wb.page.keyboard.type('typed');
    await wb.page.waitForTimeout(300);
    assert(!(await wb.editorText()).includes('typed'), 'typing changed the applied copy');
    await wb.treeContextMenu(treeLabel(gone), 'Roll Back (stored copy)');
    const question = (await wb.dialogText()).replace(/\s+/g, ' ');
    for (const part of ['STORED COPY', `${goneVersion} e2e_gone`, 'DROP TABLE e2e_gone;', db.name]) {
      assert(question.includes(part), `the dialog does not say ${JSON.stringify(part)}: ${JSON.stringify(question)}`);
    }
    assertMatch(question, /stored when it was applied \(\d{4}-\d\d-\d\d \d\d:\d\d, batch \d+\)/, 'the dialog names when the copy was stored');
    assert(!/neither its file nor a stored copy/.test(question), `the dialog contradicts itself: ${question}`);
    await wb.answerDialog('Roll Back');
    await eventually(async () => (await trackingRows(db)).find((r) => r.version === goneVersion)?.status === 'rollback', { timeout: 20_000, what: 'the tracking row to say rollback' });
    const left = await db.query(`SELECT to_regclass('public.e2e_gone') AS t`);
    assert(left[0].t === null, 'the stored Down did not run: e2e_gone still exists');
    await eventually(async () => !(await wb.sideBarTreeItems()).some((r) => r.startsWith(goneVersion)), { timeout: 15_000, what: 'the rolled-back missing row to leave the tree' });
  });

  await report.check('"Reset" asks first and lists what it rolls back, newest first; Cancel changes nothing', async () => {
    const before = await trackingRows(db);
    const applied = before.filter((r) => r.status === 'applied');
    assert(applied.length >= 2, `needs two applied migrations: ${JSON.stringify(before)}`);
    await wb.runCommand('Migrate Lens: Reset (Roll Back All)');
    const text = await wb.dialogText();
    const head = `Rolls back ${applied.length} migrations, newest first:`;
    assert(text.includes(head), `no "${head}" in ${JSON.stringify(text)}`);
    const listed = text.slice(text.indexOf(head) + head.length).split('\n').map((l) => l.trim()).filter((l) => /^\d{14} /.test(l)).map((l) => l.slice(0, 14));
    const newestFirst = [...applied].sort((a, b) => (b.batch - a.batch) || (a.version < b.version ? 1 : -1)).map((r) => r.version);
    assert(JSON.stringify(listed) === JSON.stringify(newestFirst), `listed ${JSON.stringify(listed)}, expected newest first ${JSON.stringify(newestFirst)}`);
    await wb.answerDialog('Cancel');
    await wb.page.locator('.monaco-dialog-box').waitFor({ state: 'detached', timeout: 5_000 });
    assert(JSON.stringify(await trackingRows(db)) === JSON.stringify(before), 'Cancel changed the tracking table');
  });

  await report.check('the status filter is kept for the workspace across a window reload', async () => {
    await filterTo(wb, 'failed');
    await wb.page.evaluate(() => { window.__mlensBeforeReload = true; });
    await wb.runCommand('Developer: Reload Window');
    await eventually(() => wb.page.evaluate(() => !window.__mlensBeforeReload && !!document.querySelector('.monaco-workbench')).catch(() => false),
      { timeout: 60_000, what: 'the reloaded workbench' });
    await wb.showContainer('Migrations');
    await wb.page.locator('.part.sidebar', { hasText: 'Filter: failed' }).first().waitFor({ timeout: 60_000 });
    let rows = [];
    await eventually(async () => {
      rows = (await wb.sideBarTreeItems()).filter((r) => /^\d{14} /.test(r));
      return rows.length > 0 && rows.every((r) => / failed /.test(r));
    }, { timeout: 45_000, what: 'only failed migrations after the reload' }).catch((err) => { throw new Error(`${err.message}; tree shows ${JSON.stringify(rows)}`); });
    await wb.runCommand('Migrate Lens: Clear Filter');
    await eventually(async () => (await wb.sideBarTreeItems()).some((r) => r.startsWith('Batch ')), { timeout: 15_000, what: 'the batches back after Clear Filter' });
  });
}

/** Samples the toasts on screen every 100 ms until stopped. */
function recordToasts(wb) {
  const samples = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      // A toast caught while it is being drawn or removed has no text yet: it is not another notification.
      samples.push((await wb.toasts().catch(() => [])).filter((t) => t.message !== ''));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    samples,
    seen: (regex) => samples.some((s) => s.some((t) => regex.test(t.message))),
    async stop() { stopped = true; await loop; },
  };
}

async function toastMatching(wb, regex, what, timeout = 60_000) {
  let last = [];
  try {
    return await eventually(async () => { last = await wb.toasts(); return last.find((t) => regex.test(t.message)); }, { timeout, interval: 100, what });
  } catch (err) {
    throw new Error(`${err.message}; toasts ${JSON.stringify(last)}`);
  }
}

/**
 * Waits until `result` is the only toast on screen. VS Code keeps a progress notification for at
 * least 800 ms (progressService.ts: "without a delay we show the notification for at least 800ms"),
 * so after a short run it outlives the result message by up to that: a fixed pause then a count saw
 * both once on a busy machine. A second result message never goes away, so this still fails on one.
 */
async function onlyToastLeft(wb, result, what, timeout = 10_000) {
  let last = [];
  await eventually(async () => { last = await wb.toasts(); return last.length === 1 && result.test(last[0].message); }, { timeout, interval: 100, what: `only the result of ${what} on screen` })
    .catch((err) => { throw new Error(`${err.message}; toasts ${JSON.stringify(last)}`); });
}

/**
 * One run = one progress notification (a message per migration, cancellable) and then exactly one
 * result message; a second run asked for meanwhile is refused; a failure offers "Show Failure".
 * Runs after recoveryScenarios: first clears what they left pending or failed.
 */
export async function progressScenarios({ report, wb, ws, db }) {
  let next = 0n;
  // notransaction: each runs in a round trip of its own, so its start is reported as it happens
  // (transactional ones share one round trip, and their ends are reported together).
  const slowFiles = (n, seconds, mode = '') => {
    if (!next) next = BigInt(fs.readdirSync(ws.migrationsDir).map((f) => parseFileName(f)?.version).filter(Boolean).sort().pop()) + 1n;
    return Array.from({ length: n }, () => {
      const v = String(next++);
      const f = `${v}_e2e_slow_${v.slice(-4)}.sql`;
      fs.writeFileSync(path.join(ws.migrationsDir, f), `-- +migrate Up${mode}\nSELECT pg_sleep(${seconds});\nCREATE TABLE e2e_slow_${v} (id int);\n\n-- +migrate Down\nDROP TABLE e2e_slow_${v};\n`);
      return f;
    });
  };
  const statusOf = async (f) => (await trackingRows(db)).find((r) => r.version === parseFileName(f).version);

  const ready = await report.check('progress: nothing pending or failed before the runs', () => clearUnapplied(wb, ws, db));
  if (!ready) return;

  await report.check('"Up" of 3 migrations: one progress notification naming each migration, then one result message', async () => {
    const files = slowFiles(3, 1.5, ' notransaction');
    for (const f of files) await treeRow(wb, f, /^pending$/);
    await wb.dismissNotifications();
    const rec = recordToasts(wb);
    try {
      await wb.runCommand('Migrate Lens: Up');
      await toastMatching(wb, /^Migrate Lens: Applied: 3 migrations \(batch \d+\) in /, 'the result message');
      await wb.page.waitForTimeout(1_000); // anything stacked after the result would show by now
    } finally {
      await rec.stop();
    }
    const messages = [...new Set(rec.samples.flat().map((t) => t.message))];
    const steps = new Set(messages.map((m) => /^Migrate Lens: Up: (\d)\/3 up \d{14} /.exec(m)?.[1]).filter(Boolean));
    assert(steps.size === 3, `expected the progress to name the migrations one by one; messages seen: ${JSON.stringify(messages)}`);
    const stray = messages.filter((m) => !/^Migrate Lens: Up(: |$)/.test(m) && !/^Migrate Lens: Applied: /.test(m));
    assert(stray.length === 0, `other notifications during the run: ${JSON.stringify(stray)}`);
    const most = Math.max(...rec.samples.map((s) => s.length));
    assert(most <= 1, `${most} toasts at once: ${JSON.stringify(rec.samples.find((s) => s.length === most))}`);
    const results = (await wb.toasts()).filter((t) => /Applied: /.test(t.message));
    assert(results.length === 1, `result messages: ${JSON.stringify(results)}`);
    const rows = await Promise.all(files.map(statusOf));
    assert(rows.every((r) => r?.status === 'applied') && new Set(rows.map((r) => r.batch)).size === 1, `tracking rows: ${JSON.stringify(rows)}`);
  });

  await report.check('"Cancel" on the progress notification stops after the current migration; one result says so', async () => {
    const files = slowFiles(3, 2);
    for (const f of files) await treeRow(wb, f, /^pending$/);
    await wb.dismissNotifications();
    await wb.runCommand('Migrate Lens: Up');
    await toastMatching(wb, /^Migrate Lens: Up: 1\/3 up /, 'the progress of the first migration');
    await wb.clickToastButton('Migrate Lens: Up', 'Cancel');
    const result = await toastMatching(wb, /^Migrate Lens: Cancelled\. /, 'the "Cancelled" result');
    const applied = (await Promise.all(files.map(statusOf))).filter((r) => r?.status === 'applied').length;
    assert(applied >= 1 && applied < 3, `${applied} of 3 applied after Cancel`);
    assertMatch(result.message, new RegExp(`^Migrate Lens: Cancelled\\. Applied: ${applied} migrations? `), 'the result message');
    assert(!(await statusOf(files[2])), 'the last migration ran after Cancel');
    await onlyToastLeft(wb, /^Migrate Lens: Cancelled\. /, 'the cancelled run');
  });

  await report.check('a second run asked for while one is going is refused; one progress, one result', async () => {
    const appliedBefore = (await trackingRows(db)).filter((r) => r.status === 'applied').length;
    const files = slowFiles(1, 2);
    await treeRow(wb, files[0], /^pending$/);
    await wb.dismissNotifications();
    const rec = recordToasts(wb);
    try {
      await wb.runCommand('Migrate Lens: Up');
      await toastMatching(wb, /^Migrate Lens: Up: 1\/\d up /, 'the first run\'s progress');
      await wb.runCommand('Migrate Lens: Up');
      await toastMatching(wb, /^Migrate Lens: Up not started: "Up" is still running on /, 'the refusal of the second run');
      await toastMatching(wb, /^Migrate Lens: Applied: \d migrations? \(batch \d+\)/, 'the result message');
      await wb.page.waitForTimeout(1_000);
    } finally {
      await rec.stop();
    }
    const progressAtOnce = Math.max(...rec.samples.map((s) => s.filter((t) => /^Migrate Lens: Up(: |$)/.test(t.message)).length));
    // That the first run's progress showed is proven above by toastMatching, which polls on its own;
    // the 100 ms recorder can miss a short-lived toast (seen once in a clean CI run: 0 sampled), so it
    // only checks that two were never on screen together.
    assert(progressAtOnce <= 1, `${progressAtOnce} progress notifications at once`);
    const results = (await wb.toasts()).filter((t) => /Applied: /.test(t.message));
    assert(results.length === 1, `result messages: ${JSON.stringify(results)}`);
    const rows = await trackingRows(db);
    assert(rows.every((r) => r.status === 'applied') && rows.length > appliedBefore, `tracking rows: ${JSON.stringify(rows)}`);
  });

  await report.check('a failed run ends in one error message whose "Show Failure" opens the failing statement', async () => {
    if (!next) next = BigInt(fs.readdirSync(ws.migrationsDir).map((f) => parseFileName(f)?.version).filter(Boolean).sort().pop()) + 1n;
    const f = `${String(next++)}_e2e_fails_late.sql`;
    fs.writeFileSync(path.join(ws.migrationsDir, f), '-- +migrate Up\nCREATE TABLE e2e_fails_late (id int);\nINSERT INTO e2e_nowhere\n  (id)\n  VALUES (1);\n\n-- +migrate Down\nDROP TABLE e2e_fails_late;\n');
    await treeRow(wb, f, /^pending$/);
    await wb.runCommand('View: Close All Editors');
    await wb.dismissNotifications();
    await wb.runCommand('Migrate Lens: Up');
    const toast = await toastMatching(wb, /^Migrate Lens: Up failed: .*e2e_nowhere/, 'the failure message');
    assert(JSON.stringify(toast.buttons) === JSON.stringify(['Show Failure', 'Show Output']), `buttons ${JSON.stringify(toast.buttons)}`);
    assert(!/-version|--[a-z]/.test(toast.message), `CLI syntax in ${toast.message}`);
    await onlyToastLeft(wb, /^Migrate Lens: Up failed: /, 'the failed run');
    await wb.clickToastButton('Up failed', 'Show Failure');
    await wb.page.locator('.tabs-container .tab.active', { hasText: f }).waitFor({ timeout: 15_000 });
    await eventually(async () => (await wb.page.locator('.part.statusbar').innerText()).includes('Ln 3, Col 1'), { timeout: 10_000, what: 'the cursor on line 3 (the failing statement)' });
  });
}

// A notransaction migration of four statements whose third fails (division by zero): the engine
// records the first two as done and the migration as `partial`. Each statement adds one row, so
// the table says which ran and how often; a second run of the first would fail (the table exists).
const PARTIAL_LINES = [
  '-- +migrate Up notransaction',
  'CREATE TABLE e2e_partial_runs (step int NOT NULL);',
  'INSERT INTO e2e_partial_runs VALUES (2);',
  '-- the third statement fails until it is fixed',
  'INSERT INTO e2e_partial_runs VALUES (3 / 0);',
  'INSERT INTO e2e_partial_runs VALUES (4);',
  '',
  '-- +migrate Down',
  'DROP TABLE e2e_partial_runs;',
  '',
];
const PARTIAL_FAILING_LINE = 5;

/**
 * A real partial migration (Show Failure, fix, Resume from the tree) and Reveal First Pending under
 * a status filter. Runs after progressScenarios: first clears what they left pending or failed.
 */
export async function partialScenarios({ report, wb, ws, db }) {
  const ready = await report.check('partial: nothing pending or failed before the runs', () => clearUnapplied(wb, ws, db));
  if (!ready) return;
  const nextVersion = () => String(BigInt(fs.readdirSync(ws.migrationsDir).map((f) => parseFileName(f)?.version).filter(Boolean).sort().pop()) + 1n);
  const file = `${nextVersion()}_e2e_partial_steps.sql`;
  const label = treeLabel(file);
  const version = parseFileName(file).version;
  const steps = async () => (await db.query(`SELECT coalesce(array_agg(step ORDER BY step), '{}') AS s FROM e2e_partial_runs`))[0].s.map(Number);

  const partial = await report.check('a notransaction migration whose 3rd of 4 statements fails is partial (2 of 4) under Problems; Show Failure opens the failing line, its diagnostic on it', async () => {
    fs.writeFileSync(path.join(ws.migrationsDir, file), PARTIAL_LINES.join('\n'));
    await treeRow(wb, file, /^pending$/);
    await wb.runCommand('View: Close All Editors');
    await wb.dismissNotifications();
    await wb.runCommand('Migrate Lens: Up');
    await toastMatching(wb, /^Migrate Lens: Up failed: .*division by zero/, 'the failure message');
    const row = await eventually(async () => (await trackingRows(db)).find((r) => r.version === version && r.status === 'partial'), { timeout: 10_000, what: 'the tracking row to say partial' });
    assert(Number(row.error_line) === PARTIAL_FAILING_LINE && /division by zero/.test(row.error), `tracking row: ${JSON.stringify(row)}`);
    const [progress] = await db.query('SELECT progress_direction AS direction, statements_done::int AS done, statements_total::int AS total FROM schema_migrations WHERE version = $1', [version]);
    assert(progress.direction === 'up' && progress.done === 2 && progress.total === 4, `recorded progress ${JSON.stringify(progress)}`);
    assert(JSON.stringify(await steps()) === '[2]', `rows after the failed run: ${JSON.stringify(await steps())} (expected [2])`);
    // In the tree: under Problems, with how far it got.
    await treeRow(wb, file, /^partial · 2 of 4 statements of its Up done$/);
    const rows = await wb.sideBarTreeItems();
    const problems = rows.findIndex((r) => /^Problems .*\b1 partial\b/.test(r));
    const at = rows.findIndex((r) => r.startsWith(label + ' '));
    const nextGroup = rows.findIndex((r, i) => i > problems && /^(Pending|Batch \d+) /.test(r));
    assert(problems >= 0 && at > problems && (nextGroup < 0 || at < nextGroup), `"${label}" is not under Problems: ${JSON.stringify(rows)}`);
    await statusBarSays(wb, `${db.name} · 1 partial · 1 pending`);
    // Show Failure from the row's context menu: the file, the cursor on the failing statement.
    await wb.dismissNotifications();
    await wb.treeContextMenu(label, 'Show Failure');
    await wb.page.locator('.tabs-container .tab.active', { hasText: file }).waitFor({ timeout: 15_000 });
    await eventually(async () => (await wb.page.locator('.part.statusbar').innerText()).includes(`Ln ${PARTIAL_FAILING_LINE}, Col 1`),
      { timeout: 10_000, what: `the cursor on line ${PARTIAL_FAILING_LINE} (the failing statement)` });
    const toast = await toastMatching(wb, new RegExp(`^Migrate Lens: ${version} e2e_partial_steps failed \\(line ${PARTIAL_FAILING_LINE}\\): .*division by zero`), 'the failure message of Show Failure', 15_000);
    assert(toast.buttons.includes('Resume Partial Migration'), `buttons ${JSON.stringify(toast.buttons)}`);
    const problem = await problemMatching(wb, /stopped part-way: division by zero/, 'the failure in Problems');
    assertMatch(problem.text, new RegExp(`\\[Ln ${PARTIAL_FAILING_LINE}, Col \\d+\\]`), 'Problems row position');
    // And in the editor: an error squiggle on that line.
    await wb.goToLine(PARTIAL_FAILING_LINE);
    await eventually(async () => (await wb.activeEditor().locator('.squiggly-error').count()) > 0, { timeout: 10_000, what: 'an error squiggle in the editor' });
  });

  await report.check('fixing the 3rd statement in the editor and "Resume Partial Migration" from the tree finish it: applied, statements 1-2 ran once', async () => {
    assert(partial, 'needs the partial migration');
    // The cursor is on the failing line (Show Failure put it there): replace that line.
    await wb.goToLine(PARTIAL_FAILING_LINE);
    await wb.page.keyboard.press('Home');
    await wb.page.keyboard.press('Shift+End');
    await wb.page.keyboard.type('INSERT INTO e2e_partial_runs VALUES (3);');
    await wb.save();
    const fixed = [...PARTIAL_LINES];
    fixed[PARTIAL_FAILING_LINE - 1] = 'INSERT INTO e2e_partial_runs VALUES (3);';
    let onDisk = '';
    await eventually(() => (onDisk = fs.readFileSync(path.join(ws.migrationsDir, file), 'utf8')) === fixed.join('\n'), { timeout: 10_000, what: 'the fixed file on disk' })
      .catch((err) => { throw new Error(`${err.message}; the file is ${JSON.stringify(onDisk)}`); });
    // The tree still says partial (fixing the file does not run anything).
    await treeRow(wb, file, /^partial · 2 of 4 /);
    await wb.dismissNotifications();
    await wb.treeContextMenu(label, 'Resume Partial Migration');
    const question = (await wb.dialogText()).replace(/\s+/g, ' ');
    for (const part of [`${version} e2e_partial_steps`, db.name, 'statement 3 of 4']) {
      assert(question.includes(part), `the confirmation does not say ${JSON.stringify(part)}: ${JSON.stringify(question)}`);
    }
    await wb.answerDialog('Resume');
    await toastMatching(wb, /^Migrate Lens: Applied: 1 migration \(batch \d+\)/, 'the result message');
    const row = (await trackingRows(db)).find((r) => r.version === version);
    assert(row?.status === 'applied' && !row.error, `tracking row after Resume: ${JSON.stringify(row)}`);
    assert(JSON.stringify(await steps()) === '[2,3,4]', `rows after Resume: ${JSON.stringify(await steps())} (expected [2,3,4]: each statement once)`);
    // The tree moves it from Problems to a batch; the failure leaves the Problems panel.
    await treeRow(wb, file, APPLIED);
    await eventually(async () => !(await wb.sideBarTreeItems()).some((r) => r.startsWith('Problems ')), { timeout: 15_000, what: 'the Problems group to go away' });
    await wb.showProblems();
    await eventually(async () => !(await wb.problems()).some((r) => /stopped part-way/.test(r.text)), { timeout: 15_000, what: 'the failure to leave the Problems panel' });
    await statusBarSays(wb, `${db.name} · 0 pending`);
  });

  const pendingFile = `${nextVersion()}_e2e_reveal_me.sql`;
  const pendingLabel = treeLabel(pendingFile);
  const selected = (rowLabel) => wb.treeRow(rowLabel).getAttribute('aria-selected', { timeout: 5_000 }).then((v) => v === 'true', () => false);
  await report.check('"Reveal First Pending" while the filter shows only pending migrations selects the first one', async () => {
    fs.writeFileSync(path.join(ws.migrationsDir, pendingFile), '-- +migrate Up\nSELECT 1;\n\n-- +migrate Down\nSELECT 1;\n');
    await treeRow(wb, pendingFile, /^pending$/);
    await filterTo(wb, 'pending');
    await wb.runCommand('Migrate Lens: Reveal First Pending');
    await eventually(() => selected(pendingLabel), { timeout: 15_000, what: `"${pendingLabel}" selected in the tree` });
    assert(await wb.page.locator('.part.sidebar', { hasText: 'Filter: pending' }).count(), 'the filter was changed');
    await wb.runCommand('Migrate Lens: Clear Filter');
    await wb.page.locator('.part.sidebar', { hasText: 'Filter: pending' }).first().waitFor({ state: 'detached', timeout: 10_000 });
  });

  await report.check('"Reveal First Pending" while the filter hides pending migrations says so and offers "Clear Filter", which reveals it', async () => {
    await filterTo(wb, 'applied');
    await eventually(async () => !(await wb.sideBarTreeItems()).some((r) => r.startsWith(pendingLabel)), { timeout: 15_000, what: 'the pending migration hidden by the filter' });
    await wb.dismissNotifications();
    await wb.runCommand('Migrate Lens: Reveal First Pending');
    const toast = await toastMatching(wb, new RegExp(`^Migrate Lens: the first pending migration, ${pendingLabel}, is hidden by the status filter\\.$`), 'the message that the filter hides it', 15_000);
    assert(JSON.stringify(toast.buttons) === JSON.stringify(['Clear Filter']), `buttons ${JSON.stringify(toast.buttons)}`);
    // Nothing changed behind the user's back: the filter holds, the row stays hidden.
    assert(await wb.page.locator('.part.sidebar', { hasText: 'Filter: applied' }).count(), 'the filter changed before the user chose');
    assert(!(await wb.sideBarTreeItems()).some((r) => r.startsWith(pendingLabel)), 'the hidden migration shows before the user chose');
    await wb.clickToastButton('is hidden by the status filter', 'Clear Filter');
    await wb.page.locator('.part.sidebar', { hasText: 'Filter: applied' }).first().waitFor({ state: 'detached', timeout: 10_000 });
    await eventually(() => selected(pendingLabel), { timeout: 15_000, what: `"${pendingLabel}" selected in the tree` });
    fs.unlinkSync(path.join(ws.migrationsDir, pendingFile));
  });
}

/** Deletes the files and history rows of everything not applied, and waits for the view to say 0 pending. */
async function clearUnapplied(wb, ws, db) {
  const applied = new Set((await trackingRows(db)).filter((r) => r.status === 'applied').map((r) => r.version));
  for (const f of fs.readdirSync(ws.migrationsDir)) {
    const v = parseFileName(f)?.version;
    if (v && !applied.has(v)) fs.unlinkSync(path.join(ws.migrationsDir, f));
  }
  await db.query(`DELETE FROM schema_migrations WHERE status <> 'applied'`);
  await wb.runCommand('Migrate Lens: Status (Reload)');
  await statusBarSays(wb, `${db.name} · 0 pending`);
}
