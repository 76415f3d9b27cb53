// The linter through the workbench UI: a finding in the Problems panel, its quick fix from the light
// bulb's menu (Ctrl+.), and the file on disk after saving.
import fs from 'node:fs';
import path from 'node:path';
import { assert, assertMatch, eventually } from '../lib/assert.mjs';

const FILE = '20990101000100_lint_ui.sql';
const BEFORE = '-- +migrate Up\nCREATE INDEX users_ui_idx ON users (email);\n\n-- +migrate Down\nDROP INDEX users_ui_idx;\n';
const AFTER = '-- +migrate Up notransaction\nCREATE INDEX CONCURRENTLY users_ui_idx ON users (email);\n\n-- +migrate Down\nDROP INDEX users_ui_idx;\n';

/** Written before code-server starts, so Quick Open's index has it from the start. */
export function writeLintUiFile(ws) {
  fs.writeFileSync(path.join(ws.dir, 'migrations', FILE), BEFORE);
}

export async function lintScenarios({ report, wb, ws }) {
  const file = path.join(ws.dir, 'migrations', FILE);
  try {
    const shown = await report.check('lint ui: a finding of the open migration is in the Problems panel, with its rule and place', async () => {
      // Through the Explorer: Quick Open's file search can lag for long on a busy machine.
      const explorer = wb.page.locator('.explorer-folders-view [role="treeitem"]');
      const item = explorer.filter({ hasText: FILE }).first();
      if (!(await item.isVisible().catch(() => false))) await explorer.filter({ hasText: /^migrations$/ }).first().click();
      await item.click({ timeout: 30_000 });
      await wb.page.locator('.tabs-container .tab.active', { hasText: FILE }).waitFor({ timeout: 30_000 });
      await wb.showProblems();
      let rows = [];
      const row = await eventually(async () => {
        rows = await wb.problems();
        return rows.find((r) => r.text.includes('CREATE INDEX "users_ui_idx" on existing table "users" without CONCURRENTLY'));
      }, { timeout: 60_000, what: `the lint finding in Problems; rows ${JSON.stringify(rows.map((r) => r.text))}` });
      assertMatch(row.text, /migrate-lens lint\W+index-without-concurrently\W/, 'Problems row source and code');
      assertMatch(row.text, /\[Ln 2, Col 1\]/, 'Problems row position');
    });
    if (!shown) return;
    await report.check('lint ui: "Add CONCURRENTLY and notransaction" from the quick-fix menu rewrites the file', async () => {
      await wb.goToLine(2);
      const item = wb.page.locator('.action-widget .monaco-list-row', { hasText: 'Add CONCURRENTLY and notransaction' }).first();
      await eventually(async () => {
        await wb.page.keyboard.press('Escape');
        await wb.page.keyboard.press('Control+.');
        await item.waitFor({ timeout: 5_000 });
        return true;
      }, { timeout: 60_000, what: 'the quick fix in the Ctrl+. menu' });
      // The menu opens with its first (preferred) fix focused: Enter applies it.
      const focused = wb.page.locator('.action-widget .monaco-list-row.focused');
      assertMatch(await focused.innerText(), /Add CONCURRENTLY and notransaction/, 'the focused quick fix');
      await wb.page.keyboard.press('Enter');
      await item.waitFor({ state: 'detached', timeout: 10_000 });
      await wb.save();
      const text = await eventually(() => {
        const t = fs.readFileSync(file, 'utf8');
        return t !== BEFORE && t;
      }, { timeout: 30_000, what: 'the saved file' });
      assert(text === AFTER, `file after the quick fix: ${JSON.stringify(text)}`);
      await eventually(async () => !(await wb.problems()).some((r) => r.text.includes('users_ui_idx')), { timeout: 30_000, what: 'the finding to go' });
    });
  } finally {
    fs.rmSync(file, { force: true });
  }
}
