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
      await wb.openFile(FILE);
      await wb.showProblems();
      let rows = [];
      const row = await eventually(async () => {
        rows = await wb.problems();
        return rows.find((r) => r.text.includes('CREATE INDEX "users_ui_idx" on existing table "users" without CONCURRENTLY'));
      }, { timeout: 60_000, what: `the lint finding in Problems; rows ${JSON.stringify(rows.map((r) => r.text))}` });
      assertMatch(row.text, /migrate-lens lint\(index-without-concurrently\)/, 'Problems row source and code');
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
      await item.click();
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
