// Restricted Mode: the workspace is not trusted, so nothing may touch the database,
// while reading and highlighting keep working.
import fs from 'node:fs';
import path from 'node:path';
import { assert, eventually } from '../lib/assert.mjs';
import { trackingRows } from '../lib/database.mjs';

export async function untrustedScenarios({ report, wb, ws, db }) {
  const [first] = ws.files;

  const restricted = await report.check('untrusted folder opens in Restricted Mode', async () => {
    await eventually(async () => {
      const items = await wb.page.locator('.part.statusbar .statusbar-item').allInnerTexts();
      return items.some((t) => /Restricted Mode/i.test(t));
    }, { timeout: 45_000, what: 'the "Restricted Mode" status bar item' });
  });
  if (!restricted) {
    report.blocked('database actions unavailable when untrusted', 'the workspace is not in Restricted Mode');
    return;
  }

  await report.check('untrusted: migration files still open with directive highlighting', async () => {
    await wb.openFile(first);
    const tokens = await eventually(async () => {
      const t = await wb.lineTokens('+migrate Up');
      return new Set(t.filter(([x]) => x.trim()).map(([, c]) => c)).size > 1 ? t : null;
    }, { timeout: 30_000, what: 'distinct directive tokens' });
    assert(tokens.length > 1, JSON.stringify(tokens));
  });

  await report.check('untrusted: the Migrations view lists the files read-only and says running needs trust', async () => {
    await wb.showContainer('Migrations');
    await wb.page.locator('.part.sidebar', { hasText: 'running them needs a trusted workspace' }).first().waitFor({ timeout: 20_000 });
    let rows = [];
    await eventually(async () => {
      rows = await wb.sideBarTreeItems();
      return ws.files.every((f) => rows.some((r) => r.startsWith(f.slice(0, 14) + ' ') && r.includes('read-only')));
    }, { timeout: 20_000, what: `every file listed as read-only (tree shows ${JSON.stringify(rows)})` }).catch((err) => {
      throw new Error(`${err.message}; tree shows ${JSON.stringify(rows)}`);
    });
  });

  await report.check('untrusted: "Status (Reload)" says why it does nothing', async () => {
    await wb.runCommand('Migrate Lens: Status (Reload)');
    let notes = [];
    await eventually(async () => {
      notes = await wb.notifications();
      return notes.some((n) => /Restricted Mode/.test(n) && /trust/i.test(n));
    }, { timeout: 15_000, what: 'a notification naming Restricted Mode' }).catch((err) => {
      throw new Error(`${err.message}; notifications ${JSON.stringify(notes)}`);
    });
  });

  await report.check('untrusted: database actions are unavailable and the database stays untouched', async () => {
    const attempts = [];
    await wb.showContainer('Migrations');
    // The view's "Up" title button: disabled (or absent) when untrusted; press it if it is not.
    const upButton = wb.page.locator('.part.sidebar .title-actions a.action-label[aria-label^="Up"], .part.sidebar .title-actions a.action-label[aria-label^="Migrate Lens: Up"]').first();
    if (await upButton.isVisible().catch(() => false)) {
      const disabled = (await upButton.getAttribute('aria-disabled')) === 'true' || /\bdisabled\b/.test((await upButton.getAttribute('class')) ?? '');
      if (disabled) report.log('  untrusted: the view\'s Up button is disabled');
      else {
        await upButton.click();
        attempts.push('view Up button');
      }
    }
    const offered = await wb.paletteOptions('Migrate Lens: Up');
    const upOffered = offered.some((o) => /^Migrate Lens: Up\b/.test(o) && !/Run Up to Here/.test(o));
    if (upOffered) {
      await wb.runCommand('Migrate Lens: Up');
      attempts.push('palette Up');
    }
    await wb.openFile(first);
    const lens = wb.codeLens('Run Up');
    if (await lens.isVisible().catch(() => false)) {
      await lens.click();
      attempts.push('Run Up lens');
    }
    // Give an (incorrectly) running migration time to reach the database.
    await wb.page.waitForTimeout(4_000);
    const rows = await trackingRows(db);
    const tables = await db.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
    assert(rows.length === 0 && tables.length === 0,
      `after ${attempts.join(', ') || 'no attempt'} the database has tables ${JSON.stringify(tables)} rows ${JSON.stringify(rows)}`);
    // The workspace's connection setting is ignored when untrusted; falling back to the embedded database is no better.
    assert(!fs.existsSync(path.join(ws.dir, '.migrate-lens')), 'an embedded database was created in the untrusted workspace');
    if (attempts.length) {
      const notes = await wb.notifications();
      report.log('  untrusted attempts:', attempts.join(', '), '- notifications:', JSON.stringify(notes));
    } else {
      report.log('  untrusted: no enabled way to run Up (view button disabled or absent, not in the palette, no "Run Up" lens)');
    }
  });
}
